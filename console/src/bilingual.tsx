/** Chinese first, the English on its own line below (as on the link pages). */
export function Bilingual({ zh, en }: { zh: string; en: string }) {
  return (
    <>
      {zh}
      <span class="en" lang="en">
        {en}
      </span>
    </>
  );
}

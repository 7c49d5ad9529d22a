/** Marks an entry that is illustrative sample data, not this deployment's real figure or agency. */
export function SampleFlag() {
  return (
    <strong class="flag">
      {' '}
      样例数据 · <span lang="en">sample data</span>
    </strong>
  );
}

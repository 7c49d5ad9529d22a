import type { EarlierPages } from './earlier-pages.js';

/**
 * What a paged history shows above its items while earlier pages remain: how much is shown, the
 * button that reads the page before, and why the last read failed.
 */
export function EarlierPagesControl({
  earlier,
  showing,
  button,
}: {
  earlier: EarlierPages<unknown>;
  /** How many are shown, in both languages (`显示最近 100 条 · Showing the latest 100`). */
  showing: string;
  /** The button's label, in both languages. */
  button: string;
}) {
  return (
    <>
      {earlier.more && (
        <p>
          <span class="id">{showing}</span>{' '}
          <button type="button" disabled={earlier.loading} onClick={earlier.load}>
            {button}
          </button>
        </p>
      )}
      {earlier.problem && (
        <p role="alert" class="error">
          {earlier.problem}
        </p>
      )}
    </>
  );
}

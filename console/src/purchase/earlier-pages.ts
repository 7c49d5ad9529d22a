import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiGet, type TokenSource } from '../api.js';

/** A history of the purchase view that comes a page at a time (history-pages.ts on the server). */
export type PagedHistory = 'audit' | 'deliverables';

export interface EarlierPages<T> {
  /** The earlier pages read so far, oldest first (they go before the view's own page). */
  readonly items: readonly T[];
  /** Whether there is a page before those. */
  readonly more: boolean;
  readonly loading: boolean;
  readonly problem: string | undefined;
  /** Reads the page before the oldest shown. */
  load(): void;
}

/**
 * The pages before the view's newest one of a history, read on request with the cursor the view
 * (then each page) gave: GET /purchases/{id}?auditBefore=… or ?deliverablesBefore=…. When the view
 * is read again and its page starts elsewhere (`first` changes), they are dropped: the new page
 * and its cursor take over, so nothing is shown twice or left out.
 */
export function useEarlierPages<T>(
  token: TokenSource,
  purchaseId: string,
  history: PagedHistory,
  first: string | undefined,
): EarlierPages<T> {
  const [state, setState] = useState<{ items: readonly T[]; next: string | undefined; problem?: string }>({
    items: [],
    next: first,
  });
  const [loading, setLoading] = useState(false);
  useEffect(() => setState({ items: [], next: first }), [first]);

  const load = () => {
    const cursor = state.next;
    if (!cursor || loading) return;
    setLoading(true);
    const query = new URLSearchParams({ [`${history}Before`]: cursor });
    apiGet<Record<string, unknown>>(token, `/purchases/${encodeURIComponent(purchaseId)}?${query}`).then(
      (page) => {
        setState((shown) =>
          // A reload in between started the history over: this page belongs to the old one.
          shown.next !== cursor
            ? shown
            : {
                items: [...((page[history] as T[] | undefined) ?? []), ...shown.items],
                next: page[`${history}Next`] as string | undefined,
              },
        );
        setLoading(false);
      },
      (e: unknown) => {
        setState((shown) => ({
          ...shown,
          problem: `未能读取更早的记录 · Not read: ${e instanceof ApiError ? e.message : String(e)}`,
        }));
        setLoading(false);
      },
    );
  };
  return { items: state.items, more: state.next !== undefined, loading, problem: state.problem, load };
}

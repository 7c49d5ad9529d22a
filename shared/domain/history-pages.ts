import * as z from 'zod/mini';
import { ValidationError } from './errors.js';
import { fieldError } from './field-errors.js';

/**
 * A purchase's history (its audit trail, its uploads) shown a page at a time, newest first: the
 * purchase view carries the newest page and a cursor to the page before it. Each list only grows
 * at its new end, so a position ("before this entry") stays good while the purchase moves on.
 *
 * The bound: a page holds at most PAGE_LIMITS.items items and, past its first item, at most
 * PAGE_LIMITS.bytes of JSON. An item is one DynamoDB item (at most 400 KB), so a page is under
 * 1.4 MB and the purchase view, with its two pages, well under Lambda's 6 MB answer.
 */
export const PAGE_LIMITS = { items: 100, bytes: 1024 * 1024 } as const;

export type HistoryName = 'audit' | 'deliverables';

/** One page, oldest first, and the cursor of the page before it (absent on the oldest). */
export interface HistoryPage<T> {
  items: T[];
  before?: string;
}

/** How a history orders its items: a key that sorts as text. */
export type SortKeyOf<T> = (item: T) => string;

interface CursorContent {
  v: 1;
  /** Which history of which purchase: a cursor of another is refused, not followed. */
  h: HistoryName;
  p: string;
  /** The sort key of the oldest item of the page it came with. */
  k: string;
}

const CursorSchema = z.strictObject({
  v: z.literal(1),
  h: z.enum(['audit', 'deliverables']),
  p: z.string().check(z.minLength(1), z.maxLength(64)),
  k: z.string().check(z.minLength(1), z.maxLength(200)),
});

export function cursorOf(history: HistoryName, purchaseId: string, key: string): string {
  const content: CursorContent = { v: 1, h: history, p: purchaseId, k: key };
  return Buffer.from(JSON.stringify(content), 'utf8').toString('base64url');
}

/**
 * The position a cursor names, checked: a cursor this history of this purchase did not give out
 * is a 400 naming the query parameter, never a wrong page.
 */
export function positionOf(cursor: string, history: HistoryName, purchaseId: string, field: string): string {
  const allowed = `the ${history}Next of an earlier answer for this purchase`;
  const malformed = () =>
    new ValidationError([
      fieldError('cursor-malformed', field, cursor, `is not a cursor of the ${history} pages`, allowed),
    ]);
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw malformed();
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  const parsed = CursorSchema.safeParse(content);
  if (!parsed.success || parsed.data.h !== history) throw malformed();
  if (parsed.data.p !== purchaseId) {
    throw new ValidationError([
      fieldError(
        'cursor-other-listing',
        field,
        cursor,
        `belongs to another purchase: ask for /purchases/${purchaseId} without it first`,
        allowed,
      ),
    ]);
  }
  return parsed.data.k;
}

/**
 * The newest page of `items` whose keys sort before `before` (all of them without it), oldest
 * first, within PAGE_LIMITS, and the cursor of the page before it.
 */
export function newestPage<T>(
  items: readonly T[],
  keyOf: SortKeyOf<T>,
  where: { history: HistoryName; purchaseId: string; before?: string },
): HistoryPage<T> {
  const keyed = items
    .map((item) => ({ item, key: keyOf(item) }))
    .filter(({ key }) => where.before === undefined || key < where.before)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let start = keyed.length;
  let bytes = 0;
  while (start > 0 && keyed.length - start < PAGE_LIMITS.items) {
    const size = Buffer.byteLength(JSON.stringify(keyed[start - 1]?.item), 'utf8');
    if (start < keyed.length && bytes + size > PAGE_LIMITS.bytes) break;
    bytes += size;
    start -= 1;
  }
  const oldest = keyed[start];
  return {
    items: keyed.slice(start).map(({ item }) => item),
    ...(start > 0 && oldest ? { before: cursorOf(where.history, where.purchaseId, oldest.key) } : {}),
  };
}

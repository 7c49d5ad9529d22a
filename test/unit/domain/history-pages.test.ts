import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.js';
import { cursorOf, newestPage, PAGE_LIMITS, positionOf } from '../../../shared/domain/history-pages.js';

const PURCHASE = 'PUR-2026-ABCDEFGHJKMNPQRS';
const where = { history: 'audit' as const, purchaseId: PURCHASE };
const keyOf = (item: { seq: number }) => String(item.seq).padStart(8, '0');
const entries = (n: number, fill = '') => Array.from({ length: n }, (_, i) => ({ seq: i + 1, fill }));

/** Every page from the newest back, as a client following the cursors would read them. */
function walk<T extends { seq: number }>(items: readonly T[]): T[][] {
  const pages: T[][] = [];
  let before: string | undefined;
  do {
    const page = newestPage(items, keyOf, {
      ...where,
      ...(before === undefined ? {} : { before: positionOf(before, 'audit', PURCHASE, 'auditBefore') }),
    });
    pages.push(page.items);
    before = page.before;
  } while (before !== undefined);
  return pages;
}

function fieldErrorOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors[0];
  }
  throw new Error('no ValidationError');
}

describe('a page of a history', () => {
  it('is the newest 100, oldest first, with a cursor to the page before; walking the cursors reads each item once', () => {
    const all = entries(250);

    const first = newestPage(all, keyOf, where);
    const pages = walk(all);

    expect(first.items.map((e) => e.seq)).toEqual(all.slice(150).map((e) => e.seq));
    expect(first.before).toBeDefined();
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(
      pages
        .flat()
        .map((e) => e.seq)
        .sort((a, b) => a - b),
    ).toEqual(all.map((e) => e.seq));
  });

  it('has no cursor when it holds the oldest item, and is empty for an empty history', () => {
    expect(newestPage(entries(3), keyOf, where)).toEqual({ items: entries(3) });
    expect(newestPage([], keyOf, where)).toEqual({ items: [] });
  });

  it('stops at 1 MB of JSON past its first item, so a page of large items stays bounded; an item over the limit is a page of its own', () => {
    const large = entries(10, 'x'.repeat(300 * 1024));
    const huge = entries(2, 'x'.repeat(2 * PAGE_LIMITS.bytes));

    const pages = walk(large);

    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 1]);
    for (const page of pages) expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(PAGE_LIMITS.bytes);
    expect(walk(huge).map((p) => p.length)).toEqual([1, 1]);
  });

  it('orders by its key, whatever order the items come in, so no item is on two pages', () => {
    const shuffled = entries(150).sort((a, b) => ((a.seq * 7919) % 150) - ((b.seq * 7919) % 150));

    const pages = walk(shuffled);

    expect(pages[0]?.map((e) => e.seq)).toEqual(
      entries(150)
        .slice(50)
        .map((e) => e.seq),
    );
    expect(new Set(pages.flat().map((e) => e.seq)).size).toBe(150);
  });
});

describe('a history cursor', () => {
  it('refuses a cursor that is not one with cursor-malformed, naming the query parameter', () => {
    for (const cursor of ['', 'not a cursor!', Buffer.from('{"v":2}').toString('base64url'), 'AAAA']) {
      expect(fieldErrorOf(() => positionOf(cursor, 'audit', PURCHASE, 'auditBefore'))).toMatchObject({
        field: 'auditBefore',
        rule: 'cursor-malformed',
      });
    }
  });

  it("refuses the uploads' cursor for the audit trail, and another purchase's cursor with cursor-other-listing", () => {
    const uploads = cursorOf('deliverables', PURCHASE, '2026-03-02T08:00:00.000Z#u1');
    const other = cursorOf('audit', 'PUR-2026-ZZZZZZZZZZZZZZZZ', '00000007');

    expect(fieldErrorOf(() => positionOf(uploads, 'audit', PURCHASE, 'auditBefore'))).toMatchObject({
      rule: 'cursor-malformed',
    });
    expect(fieldErrorOf(() => positionOf(other, 'audit', PURCHASE, 'auditBefore'))).toMatchObject({
      field: 'auditBefore',
      rule: 'cursor-other-listing',
    });
    expect(positionOf(cursorOf('audit', PURCHASE, '00000007'), 'audit', PURCHASE, 'auditBefore')).toBe(
      '00000007',
    );
  });
});

import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { chinaCalendarDate } from '../domain/china-time.js';
import { ValidationError } from '../domain/errors.js';
import { fieldError } from '../domain/field-errors.js';
import { STAGES, type Stage } from '../domain/lifecycle.js';
import { formatYuan } from '../domain/money.js';
import { SERVICE_AREAS } from '../domain/proposal.js';
import {
  LIST_SORTS,
  type ListPosition,
  type ListSort,
  type PurchaseListFilter,
  type PurchaseSummary,
  searchKey,
  searchTerms,
  sortKeyIsNumber,
} from '../domain/purchase-listing.js';
import { hasPermission, NotPermittedError, type StaffMember } from '../domain/staff-roles.js';
import { zodIssuesToFieldErrors } from '../domain/zod-field-errors.js';
import type { Now } from '../ports/clock.js';
import type { PurchaseRepository } from '../ports/repositories.js';

export interface ListPurchasesDeps {
  purchases: Pick<PurchaseRepository, 'listPurchases'>;
  now: Now;
}

/** Rows per page when the query does not say, and the most it may ask for. */
export const PAGE_SIZE = { default: 25, max: 100 } as const;
/** Words of a search (each one a `contains` of the query's filter). */
const MAX_SEARCH_WORDS = 8;

const wholeNumber = (pattern: RegExp, min: number, max: number) =>
  z.pipe(
    z.string().check(z.regex(pattern)),
    z.pipe(
      z.transform((text: string) => Number(text)),
      z.number().check(z.gte(min), z.lte(max)),
    ),
  );

/** The query string of GET /purchases; every parameter optional, an unknown one an error (a typo must not quietly filter nothing). */
const ListQuerySchema = z.strictObject({
  stage: z.optional(z.enum(STAGES)),
  year: z.optional(wholeNumber(/^\d{4}$/, 2000, 2100)),
  serviceArea: z.optional(z.enum(SERVICE_AREAS)),
  district: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(60))),
  ngo: z.optional(z.string().check(z.trim(), z.toUpperCase(), z.regex(/^[0-9A-Z]{18}$/))),
  q: z.optional(z.string().check(z.maxLength(100))),
  sort: z.optional(z.enum(LIST_SORTS)),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(400))),
  limit: z.optional(wholeNumber(/^\d{1,3}$/, 1, PAGE_SIZE.max)),
});

/** A list row as the API answers it: the summary, the amount for people and where the purchase is. */
export interface PurchaseListRow extends PurchaseSummary {
  totalYuan: string;
  links: { self: string };
}

export interface PurchaseListAnswer {
  /** The budget year listed: the query's, or the current one in China. */
  year: number;
  sort: ListSort;
  items: PurchaseListRow[];
  /** Purchases per stage passing every filter but the stage. */
  countsByStage: Record<Stage, number>;
  /** Purchases passing every filter (the stage's count, or all of them). */
  total: number;
  /** Ask for the next page with it; absent on the last page. */
  nextCursor?: string;
}

/**
 * GET /purchases: a page of one budget year's purchases as the staff console lists them. Roles
 * that see every purchase list them all; an approver lists only those with a task ever assigned
 * to their e-mail address (as GET /purchases/{id} lets them see), and a role that sees none is
 * refused before the query is even read.
 */
export async function listPurchases(
  deps: ListPurchasesDeps,
  input: { query: Record<string, string | undefined>; viewer: StaffMember },
): Promise<PurchaseListAnswer> {
  const assignedTo = purchasesVisibleTo(input.viewer);
  // A form's empty field (`district=`) asks for no filter, as if it were not sent.
  const raw = Object.fromEntries(
    Object.entries(input.query).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = ListQuerySchema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, raw, ListQuerySchema));
  }
  const query = parsed.data;
  const terms = query.q === undefined ? [] : searchTerms(query.q);
  if (terms.length > MAX_SEARCH_WORDS) {
    throw new ValidationError([
      fieldError(
        'schema-too-big',
        'q',
        query.q,
        `must have at most ${MAX_SEARCH_WORDS} words; it has ${terms.length}`,
        `at most ${MAX_SEARCH_WORDS} words`,
      ),
    ]);
  }
  const filter: PurchaseListFilter = {
    budgetYear: query.year ?? Number(chinaCalendarDate(deps.now()).slice(0, 4)),
    ...(query.stage === undefined ? {} : { stage: query.stage }),
    ...(query.serviceArea === undefined ? {} : { serviceArea: query.serviceArea }),
    ...(query.district === undefined ? {} : { district: query.district }),
    ...(query.ngo === undefined ? {} : { ngoCreditCode: query.ngo }),
    ...(terms.length === 0 ? {} : { terms }),
    ...(assignedTo === undefined ? {} : { assignedTo }),
  };
  const sort = query.sort ?? 'newest';
  const listing = fingerprint(filter, sort);
  const after = query.cursor === undefined ? undefined : positionIn(query.cursor, sort, listing);
  const page = await deps.purchases.listPurchases({
    filter,
    sort,
    limit: query.limit ?? PAGE_SIZE.default,
    ...(after === undefined ? {} : { after }),
  });
  const { countsByStage } = page;
  return {
    year: filter.budgetYear,
    sort,
    items: page.items.map((row) => ({
      ...row,
      totalYuan: formatYuan(row.totalFen),
      links: { self: `/purchases/${row.purchaseId}` },
    })),
    countsByStage,
    total:
      filter.stage === undefined
        ? Object.values(countsByStage).reduce((sum, count) => sum + count, 0)
        : countsByStage[filter.stage],
    ...(page.next === undefined ? {} : { nextCursor: cursorOf(page.next, sort, listing) }),
  };
}

/** Whose purchases the viewer lists: undefined for all of them, else the (lower-case) e-mail a task of theirs went to. */
function purchasesVisibleTo(viewer: StaffMember): string | undefined {
  if (hasPermission(viewer, 'viewAllPurchases')) return undefined;
  if (!hasPermission(viewer, 'viewAssignedPurchases')) {
    throw new NotPermittedError(
      'listing purchases needs a role that sees them (officer, finance, auditor, admin, approver)',
    );
  }
  if (!viewer.email) {
    throw new NotPermittedError(
      'an approver sees the purchases assigned to their e-mail address, and your sign-in carries none',
    );
  }
  return viewer.email.toLowerCase();
}

/**
 * The cursor is the position after which the next page starts, and a fingerprint of the query it
 * belongs to, base64url'd JSON. It carries no authority: the query applies the viewer's
 * visibility again on every page, so an edited cursor can only move within what the viewer may
 * see. It is checked all the same, so a cursor that is not one, or is another query's, is a 400
 * naming `cursor` rather than a wrong page.
 */
interface CursorContent {
  v: 1;
  s: ListSort;
  k: string | number;
  i: string;
  f: string;
}

const CursorSchema = z.strictObject({
  v: z.literal(1),
  s: z.enum(LIST_SORTS),
  k: z.union([z.string().check(z.maxLength(40)), z.number()]),
  i: z.string().check(z.minLength(1), z.maxLength(100)),
  f: z.string().check(z.length(16)),
});

function fingerprint(filter: PurchaseListFilter, sort: ListSort): string {
  const canonical = [
    filter.budgetYear,
    filter.stage ?? null,
    filter.serviceArea ?? null,
    filter.district === undefined ? null : searchKey(filter.district),
    filter.ngoCreditCode ?? null,
    filter.terms ?? [],
    filter.assignedTo ?? null,
    sort,
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 16);
}

function cursorOf(position: ListPosition, sort: ListSort, listing: string): string {
  const content: CursorContent = { v: 1, s: sort, k: position.key, i: position.purchaseId, f: listing };
  return Buffer.from(JSON.stringify(content), 'utf8').toString('base64url');
}

const CURSOR_ALLOWED = 'the nextCursor of the page before, with the same filters and sort';

function positionIn(cursor: string, sort: ListSort, listing: string): ListPosition {
  const malformed = () =>
    new ValidationError([
      fieldError('cursor-malformed', 'cursor', cursor, 'is not a cursor this list gave out', CURSOR_ALLOWED),
    ]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed();
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  const parsed = CursorSchema.safeParse(content);
  if (!parsed.success || typeof parsed.data.k !== (sortKeyIsNumber(parsed.data.s) ? 'number' : 'string')) {
    throw malformed();
  }
  if (parsed.data.s !== sort || parsed.data.f !== listing) {
    throw new ValidationError([
      fieldError(
        'cursor-other-listing',
        'cursor',
        cursor,
        'belongs to a list with other filters or another order: ask for the first page again, without a cursor',
        CURSOR_ALLOWED,
      ),
    ]);
  }
  return { key: parsed.data.k, purchaseId: parsed.data.i };
}

import { STAGES, type Stage } from './lifecycle.js';
import type { Proposal, ServiceArea } from './proposal.js';
import type { PurchaseRecord } from './purchase.js';

/**
 * The staff console's purchases list: what a row shows, which purchases a query selects, and how
 * they are counted, ordered and paged. The fakes find the candidates with listingMatches and page
 * them with listingPage; the table filters in its query and pages the same way, or for the
 * newest and oldest orders straight from its index, which keeps that very order (createdAt, then
 * id). The repository contract holds both to one answer.
 */

export const LIST_SORTS = ['newest', 'oldest', 'amount-desc', 'amount-asc', 'updated'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** One row of the list. */
export interface PurchaseSummary {
  purchaseId: string;
  title: string;
  ngo: { name: string; creditCode: string };
  serviceArea: ServiceArea;
  serviceItem: string;
  district: string;
  stage: Stage;
  totalFen: number;
  /** The budget year the purchase is listed under (budgetYearOf). */
  budgetYear: number;
  createdAt: string;
  updatedAt: string;
}

/** A purchase as the list finds it: its row and what it is searched by (never shown). */
export interface ListingEntry extends PurchaseSummary {
  /** searchTextOf the purchase. */
  searchText: string;
  /** searchKey of the district. */
  districtKey: string;
  /** Lower-case e-mail addresses that were ever assigned a task of the purchase. */
  viewerEmails: readonly string[];
}

export interface PurchaseListFilter {
  budgetYear: number;
  /** Narrows the items, not countsByStage (they say what each stage would list). */
  stage?: Stage;
  serviceArea?: ServiceArea;
  /** Compared as searchKey(district), so `siming` finds `Siming`. */
  district?: string;
  ngoCreditCode?: string;
  /** Terms as searchTerms() makes them; every one must occur in the title, NGO or id. */
  terms?: readonly string[];
  /** Only purchases with a task that was ever assigned to this (lower-case) e-mail address. */
  assignedTo?: string;
}

/** Where a page ended, in the order of its sort: the next page starts after this. */
export interface ListPosition {
  /** The sort's key of the last row: `createdAt`/`updatedAt` (text) or `totalFen` (number). */
  key: string | number;
  purchaseId: string;
}

export interface PurchaseListQuery {
  filter: PurchaseListFilter;
  sort: ListSort;
  limit: number;
  after?: ListPosition;
}

export interface PurchaseListPage {
  items: PurchaseSummary[];
  /** Absent on the last page. */
  next?: ListPosition;
  /** Purchases per stage matching every filter but the stage. */
  countsByStage: Record<Stage, number>;
}

/**
 * The year the bureau files a purchase under: its budget year (预算年度), the year of the annual
 * budget line its amount is reserved against. Policy ties that line to the year the term starts
 * (rule budget-line-year), and the bureau plans, reserves and reports its purchased services by
 * it; the creation date is not it (a December proposal for next year's budget belongs to next year).
 */
export function budgetYearOf(proposal: Pick<Proposal, 'budgetLineRef' | 'term'>): number {
  const year = Number(proposal.budgetLineRef.slice(0, 4));
  return Number.isInteger(year) && year > 0 ? year : Number(proposal.term.start.slice(0, 4));
}

/**
 * Text as it is searched: compatibility forms folded (full-width ＡＢＣ１ is ABC1), lower case,
 * runs of white space one space. Chinese text is unchanged and found by any part of it.
 */
export function searchKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** The words of a search, each one searchKey'd, without repeats. */
export function searchTerms(query: string): string[] {
  return [...new Set(searchKey(query).split(' ').filter(Boolean))];
}

/**
 * What a purchase is found by: title, NGO name, credit code and purchase id, one per line (a
 * term holds no line break, so it never matches across two of them).
 */
export function searchTextOf(purchaseId: string, proposal: Pick<Proposal, 'title' | 'ngo'>): string {
  return [proposal.title, proposal.ngo.name, proposal.ngo.creditCode, purchaseId].map(searchKey).join('\n');
}

export function summaryOf(
  record: Pick<PurchaseRecord, 'purchaseId' | 'stage' | 'proposal' | 'createdAt' | 'updatedAt'>,
): PurchaseSummary {
  const { proposal } = record;
  return {
    purchaseId: record.purchaseId,
    title: proposal.title,
    ngo: { name: proposal.ngo.name, creditCode: proposal.ngo.creditCode },
    serviceArea: proposal.serviceArea,
    serviceItem: proposal.serviceItem,
    district: proposal.district,
    stage: record.stage,
    totalFen: proposal.totalFen,
    budgetYear: budgetYearOf(proposal),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function listingEntryOf(
  record: Pick<PurchaseRecord, 'purchaseId' | 'stage' | 'proposal' | 'createdAt' | 'updatedAt'>,
  viewerEmails: readonly string[],
): ListingEntry {
  return {
    ...summaryOf(record),
    searchText: searchTextOf(record.purchaseId, record.proposal),
    districtKey: searchKey(record.proposal.district),
    viewerEmails: viewerEmails.map((email) => email.toLowerCase()),
  };
}

/** Whether an entry passes every filter but the stage (which listingPage applies after counting). */
export function listingMatches(entry: ListingEntry, filter: PurchaseListFilter): boolean {
  return (
    entry.budgetYear === filter.budgetYear &&
    (filter.serviceArea === undefined || entry.serviceArea === filter.serviceArea) &&
    (filter.district === undefined || entry.districtKey === searchKey(filter.district)) &&
    (filter.ngoCreditCode === undefined || entry.ngo.creditCode === filter.ngoCreditCode) &&
    (filter.assignedTo === undefined || entry.viewerEmails.includes(filter.assignedTo)) &&
    (filter.terms ?? []).every((term) => entry.searchText.includes(term))
  );
}

/** Each sort: the row's key, and +1 ascending / -1 descending (purchase ids break ties the same way). */
const SORTS: Record<ListSort, { key: (row: PurchaseSummary) => string | number; direction: 1 | -1 }> = {
  newest: { key: (row) => row.createdAt, direction: -1 },
  oldest: { key: (row) => row.createdAt, direction: 1 },
  'amount-desc': { key: (row) => row.totalFen, direction: -1 },
  'amount-asc': { key: (row) => row.totalFen, direction: 1 },
  updated: { key: (row) => row.updatedAt, direction: -1 },
};

/** Whether the sort's key is a number (the amount) or text (an instant). */
export function sortKeyIsNumber(sort: ListSort): boolean {
  return sort === 'amount-desc' || sort === 'amount-asc';
}

function compareKeys(a: string | number, b: string | number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Negative when `a` comes before `b` in the sort. */
function compareIn(sort: ListSort, a: ListPosition, b: ListPosition): number {
  const { direction } = SORTS[sort];
  return direction * (compareKeys(a.key, b.key) || compareKeys(a.purchaseId, b.purchaseId));
}

function positionOf(sort: ListSort, row: PurchaseSummary): ListPosition {
  return { key: SORTS[sort].key(row), purchaseId: row.purchaseId };
}

export function emptyStageCounts(): Record<Stage, number> {
  return Object.fromEntries(STAGES.map((stage) => [stage, 0])) as Record<Stage, number>;
}

export function countByStage(rows: readonly { stage: Stage }[]): Record<Stage, number> {
  const counts = emptyStageCounts();
  for (const row of rows) counts[row.stage] += 1;
  return counts;
}

/**
 * The page of `candidates` (every purchase that passed every filter but the stage) a query asks
 * for: counted per stage, narrowed to the stage, ordered, and cut after `query.after` (a keyset:
 * a purchase added meanwhile neither repeats a row nor shifts one to the next page).
 */
export function listingPage(
  candidates: readonly PurchaseSummary[],
  query: PurchaseListQuery,
): PurchaseListPage {
  const countsByStage = countByStage(candidates);
  const { stage } = query.filter;
  const { after, sort } = query;
  const ordered = candidates
    .filter((row) => stage === undefined || row.stage === stage)
    .filter((row) => after === undefined || compareIn(sort, positionOf(sort, row), after) > 0)
    .sort((a, b) => compareIn(sort, positionOf(sort, a), positionOf(sort, b)));
  const items = ordered.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items,
    ...(ordered.length > items.length && last ? { next: positionOf(sort, last) } : {}),
    countsByStage,
  };
}

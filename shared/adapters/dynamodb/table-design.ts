import type { PurchaseRecord } from '../../domain/purchase.js';
import { budgetYearOf, searchKey, searchTextOf } from '../../domain/purchase-listing.js';

/**
 * Single-table design. One DynamoDB table holds every record of the system; the
 * partition key groups what is read together, the sort key orders it.
 *
 * | item                 | PK                     | SK                      | GSI1PK                | GSI1SK                    |
 * |----------------------|------------------------|-------------------------|-----------------------|---------------------------|
 * | purchase             | PURCHASE#<purchaseId>  | META                    | OPEN (while not final)| PURCHASE#<purchaseId>     |
 * | audit entry          | PURCHASE#<purchaseId>  | AUDIT#<seq, 8 digits>   |                       |                           |
 * | applied change       | PURCHASE#<purchaseId>  | EVENT#<eventId>         |                       |                           |
 * | step -> task pointer | PURCHASE#<purchaseId>  | STEP#<stepKey>          |                       |                           |
 * | idempotency key      | IDEMPOTENCY#<creator>  | <key>                   |                       |                           |
 * | human task           | TASK#<taskId>          | META                    | PURCHASE#<purchaseId> | TASK#<createdAt>#<taskId> |
 * | budget line          | BUDGET#<lineId>        | META                    |                       |                           |
 * | budget reservation   | BUDGET#<lineId>        | RESERVATION#<purchaseId>|                       |                           |
 * | deliverable (upload) | PURCHASE#<purchaseId>  | DELIVERABLE#<uploadId>  |                       |                           |
 * | upload wait          | PURCHASE#<purchaseId>  | WAIT#<kind>             |                       |                           |
 * | upload count         | UPLOADS#<purchaseId>   | COUNT#<day>#<kind>#<measure> |                  |                           |
 * | payment step         | PURCHASE#<purchaseId>  | PAYMENT#<tranche, 2 dig>|                       |                           |
 * | settlement wait      | PURCHASE#<purchaseId>  | SETTLEMENT              |                       |                           |
 * | NGO track record     | NGO#<creditCode>       | EVALUATION#<purchaseId> |                       |                           |
 * | reference section    | REFERENCE              | SECTION#<section>       |                       |                           |
 * | reference chain head | REFERENCE              | HEAD                    |                       |                           |
 * | reference audit entry| REFERENCE              | AUDIT#<seq, 8 digits>   |                       |                           |
 * | delegation           | DELEGATIONS            | DELEGATION#<id>         |                       |                           |
 * | delegations head     | DELEGATIONS            | HEAD                    |                       |                           |
 * | delegation audit     | DELEGATIONS            | AUDIT#<seq, 8 digits>   |                       |                           |
 *
 * The purchases list (staff console, GET /purchases) has an index of its own; only purchase
 * items carry its keys:
 *
 * | index | partition key              | sort key                          | projects                     |
 * |-------|----------------------------|-----------------------------------|------------------------------|
 * | GSI2  | GSI2PK = YEAR#<budgetYear> | GSI2SK = <createdAt>#<purchaseId> | LISTING_PROJECTED_ATTRIBUTES |
 *
 * - The purchase item carries `version` (optimistic lock) and the audit chain head
 *   (`auditSeq`, `auditHash`); appending an audit entry updates the head with a condition on
 *   the previous `auditSeq` in the same transaction as the entry's conditional put, so the
 *   chain never forks and entries are never overwritten.
 * - `EVENT#` items record that a named change was applied; putting one with
 *   `attribute_not_exists` in the change's transaction makes every task safe to run twice.
 * - A human task is keyed by its random id so a link click is one strongly consistent read.
 *   GSI1 lists a purchase's tasks; its projection leaves out `taskToken` and `nonce`.
 * - GSI1 is sparse for purchases: `GSI1PK = OPEN` is removed when a purchase reaches a
 *   final stage, so listing open purchases (to resume them) reads only live ones.
 * - Budget lines keep `availableFen` and what each purchase holds (`reservations.<purchaseId>`,
 *   `released`); a reservation is one conditional single-item update (`availableFen >= :amount`,
 *   not reserved or released before), so two proposals cannot both take the last money and many
 *   at once are serialized on the item instead of cancelling each other as transactions would.
 *   The reservation item follows as the record. A line holds about 10,000 reservations within
 *   DynamoDB's 400 KB item limit; a year's line at the bureau holds hundreds.
 * - A deliverable is written once under its uploadId (`attribute_not_exists`) in the same
 *   transaction as its audit entry, so an S3 event delivered twice records one file, once.
 * - An upload wait holds the waiting step's task token (server-side only, like a human task's)
 *   and the instant its round began; satisfying it is conditional on WAITING, the token and the
 *   round, so of any number of concurrent uploads exactly one resumes the execution.
 * - An upload count is the NGO's daily allowance of one kind (upload-limits.ts): `count` and the
 *   string set `counted` of the ids it counted (a grant's upload id, an object's version), at most
 *   the limit of them. Counting is one UpdateItem, `ADD count 1, counted {id}` on the condition
 *   `count < limit AND NOT contains(counted, id)`, so racing callers never pass the limit and a
 *   redelivered event is not counted twice. The counts live in a partition of their own, apart
 *   from the purchase's records: the internet-facing upload grant writes nothing else (its role
 *   is denied writes outside `UPLOADS#`), and whoever reads the purchase's partition never meets
 *   them. They are the one kind of item that goes away: TTL (`expiresAtEpoch`) removes a day's
 *   counts two days after it, as they are tallies, not records.
 * - A payment step moves NOTIFIED -> CONFIRMED, or to WAIVED / WITHHELD / CANCELLED while not
 *   CONFIRMED, each move conditional on the status it leaves and audited in the same transaction.
 * - The settlement wait holds the closing step's task token (server-side only) while a purchase
 *   waits for its last tranches to be paid or waived; each arm replaces it. Whoever settles the
 *   last tranche reads it and resumes the closing step.
 * - The approvers' delegations (out-of-office) share one partition with their own audit trail, as
 *   the reference data does: every task assignment reads them all (a handful a year), and the
 *   chain head's sequence is the version a new delegation is written against, so two racing
 *   delegations cannot both pass the overlap rules.
 * - Track record entries live under the NGO (the bar on new purchases reads one partition) and
 *   are written once per purchase.
 * - Nothing is ever deleted (but the upload counts' TTL): released reservations and decided tasks
 *   stay with their status.
 *
 * Listing purchases (ports: PurchaseRepository.listPurchases):
 * - "Year" is the budget year (预算年度: the year of the budget line the amount is reserved
 *   against, which policy ties to the year the term starts); the bureau plans, reserves and
 *   reports purchased services by it. (A purchase id's year is the year it was registered: a
 *   December proposal for next year's budget is listed under next year.)
 * - The purchase item carries the list's attributes at the top level, since an index projects
 *   top-level attributes only: GSI2's keys, `title`, `ngoName`, `ngoCreditCode`, `serviceArea`,
 *   `serviceItem`, `district`, `districtKey` and `searchText` (NFKC-folded, lower case: see
 *   searchKey), `totalFen`, `budgetYear`, `listingVersion`; and `viewerEmails`, the string set of
 *   every (lower-case) e-mail ever assigned one of its tasks. GSI2 projects those with
 *   `purchaseId`, `stage`, `createdAt` and `updatedAt`: a row is read from the index alone, never
 *   the proposal, decisions or audit head (an index item is well under 1 KB).
 * - The attributes derive from what never changes (proposal, id, createdAt). createPurchase
 *   writes them and every audited write of the purchase sets them again (auditedWriteItems, in
 *   its conditional transaction), so an item written before GSI2 existed is listed from its next
 *   change. `viewerEmails` grows (ADD, which leaves `version` alone) in the transaction that
 *   opens a task, so a purchase created since has every assignee. An older one gets the
 *   assignees of its earlier tasks, and one that will not change again (a final purchase) its
 *   attributes too, from backfillPurchaseListing: a one-off Scan for purchase items without
 *   (or below) LISTING_VERSION, run by an operator after the deploy that adds GSI2, never by a
 *   request. Until it ran, an approver does not see the older purchases in the list (GET
 *   /purchases/{id} still shows them, from the tasks).
 * - A list request reads one budget year's GSI2 partition, by Query, never a Scan. Service
 *   area, district, NGO, assignee (`contains(viewerEmails, :me)`: an approver sees only
 *   purchases with a task of theirs) and each search term (`contains(searchText, :term)`) are
 *   its FilterExpression. The counts per stage need every matching purchase, so one Query reads
 *   the filtered year whole, projecting `stage` only. For the orders GSI2SK keeps (newest and
 *   oldest first) the page is a second Query at the same time, the stage in its filter too,
 *   from the cursor's position on (`GSI2SK < :position` newest first), reading about a page;
 *   for the other orders (amount, last change) the one Query reads whole rows and listingPage
 *   orders and cuts them in memory. The cursor is a keyset position either way, not a
 *   LastEvaluatedKey. The bound: a year at the bureau holds hundreds of purchases (about 119
 *   NGOs, ¥95 million a year), one 1 MB page of index items, read whole on every request
 *   whatever the filters. Past a few thousand a year: counters per year and stage for the
 *   unfiltered view. One partition a year takes the writes of that year's purchases: a few a
 *   minute at the bureau, against a partition's 1,000 a second.
 * - Why one index, not one per filter: within a year every filter is a FilterExpression over
 *   hundreds of items, and CloudFormation adds one GSI per stack update, so a second index (say
 *   NGO + year, for an NGO's purchases across years) is a deploy of its own when it is needed.
 */

export const TABLE_KEYS = { partitionKey: 'PK', sortKey: 'SK' } as const;
/** The table's TTL attribute (Unix seconds); only upload counts carry it. */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';
/** The partition prefix of the upload counts, the only items the upload grant writes. */
export const UPLOAD_COUNTS_PARTITION = 'UPLOADS#';
export const GSI1 = { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' } as const;
/** The purchases list: purchases by budget year, oldest to newest. */
export const GSI2 = { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' } as const;

/** Every index of the table, for whoever grants access to them. */
export const INDEX_NAMES = [GSI1.indexName, GSI2.indexName] as const;

/** Non-key attributes projected into GSI1 (never the task token or nonce). */
export const GSI1_PROJECTED_ATTRIBUTES = [
  'purchaseId',
  'stage',
  'taskId',
  'stepKey',
  'purpose',
  'level',
  'context',
  'declaredAt',
  'attempt',
  'assignee',
  'createdAt',
  'expiresAt',
  'status',
  'decision',
  'deliveredAt',
  'mailsSent',
] as const;

/** What a list row is read from (PurchaseSummary), all projected into GSI2. */
export const LISTING_ROW_ATTRIBUTES = [
  'purchaseId',
  'stage',
  'createdAt',
  'updatedAt',
  'title',
  'ngoName',
  'ngoCreditCode',
  'serviceArea',
  'serviceItem',
  'district',
  'totalFen',
  'budgetYear',
] as const;

/** Non-key attributes projected into GSI2: a list row and what the list filters on. */
export const LISTING_PROJECTED_ATTRIBUTES = [
  ...LISTING_ROW_ATTRIBUTES,
  'districtKey',
  'searchText',
  'viewerEmails',
] as const;

/**
 * Marks a purchase item whose list attributes and `viewerEmails` are complete: createPurchase
 * writes it (its tasks add their assignees from the start), backfillPurchaseListing writes it once
 * it has re-derived the attributes and gathered the assignees of an item without it (or below
 * it). Audited writes re-derive the attributes but do not set it: they know no assignees. Raise it
 * when listingAttributes changes.
 */
export const LISTING_VERSION = 1;

/** The purchase item's list attributes (GSI2's keys and what it projects), from what never changes. */
export function listingAttributes(
  purchase: Pick<PurchaseRecord, 'purchaseId' | 'proposal' | 'createdAt'>,
): Record<string, string | number> {
  const { purchaseId, proposal, createdAt } = purchase;
  const budgetYear = budgetYearOf(proposal);
  return {
    [GSI2.partitionKey]: listingPartition(budgetYear),
    [GSI2.sortKey]: `${createdAt}#${purchaseId}`,
    title: proposal.title,
    ngoName: proposal.ngo.name,
    ngoCreditCode: proposal.ngo.creditCode,
    serviceArea: proposal.serviceArea,
    serviceItem: proposal.serviceItem,
    district: proposal.district,
    districtKey: searchKey(proposal.district),
    totalFen: proposal.totalFen,
    budgetYear,
    searchText: searchTextOf(purchaseId, proposal),
  };
}

/** GSI2's partition of a budget year. */
export function listingPartition(budgetYear: number): string {
  return `YEAR#${budgetYear}`;
}

/** The reference data's partition, and the chain id of its audit trail's entries. */
export const REFERENCE_CHAIN = 'REFERENCE';
/** The delegations' partition, and the chain id of their audit trail's entries. */
export const DELEGATION_CHAIN = 'DELEGATIONS';

/** The chain head of a partition with an audit trail of its own (not a purchase's). */
const chainHead = (chain: string) => ({ PK: chain, SK: 'HEAD' });
const chainAudit = (chain: string, seq: number) => ({
  PK: chain,
  SK: `AUDIT#${String(seq).padStart(8, '0')}`,
});

export const keys = {
  purchase: (purchaseId: string) => ({ PK: `PURCHASE#${purchaseId}`, SK: 'META' }),
  audit: (purchaseId: string, seq: number) => ({
    PK: `PURCHASE#${purchaseId}`,
    SK: `AUDIT#${String(seq).padStart(8, '0')}`,
  }),
  event: (purchaseId: string, eventId: string) => ({ PK: `PURCHASE#${purchaseId}`, SK: `EVENT#${eventId}` }),
  step: (purchaseId: string, stepKey: string) => ({ PK: `PURCHASE#${purchaseId}`, SK: `STEP#${stepKey}` }),
  idempotency: (creator: string, key: string) => ({ PK: `IDEMPOTENCY#${creator}`, SK: key }),
  task: (taskId: string) => ({ PK: `TASK#${taskId}`, SK: 'META' }),
  budgetLine: (lineId: string) => ({ PK: `BUDGET#${lineId}`, SK: 'META' }),
  reservation: (lineId: string, purchaseId: string) => ({
    PK: `BUDGET#${lineId}`,
    SK: `RESERVATION#${purchaseId}`,
  }),
  deliverable: (purchaseId: string, uploadId: string) => ({
    PK: `PURCHASE#${purchaseId}`,
    SK: `DELIVERABLE#${uploadId}`,
  }),
  wait: (purchaseId: string, kind: string) => ({ PK: `PURCHASE#${purchaseId}`, SK: `WAIT#${kind}` }),
  uploadCounts: (purchaseId: string) => ({ PK: `${UPLOAD_COUNTS_PARTITION}${purchaseId}` }),
  uploadCount: (purchaseId: string, day: string, kind: string, measure: string) => ({
    PK: `${UPLOAD_COUNTS_PARTITION}${purchaseId}`,
    SK: `${SORT_KEY_PREFIXES.uploadCount}${day}#${kind}#${measure}`,
  }),
  payment: (purchaseId: string, tranche: number) => ({
    PK: `PURCHASE#${purchaseId}`,
    SK: `PAYMENT#${String(tranche).padStart(2, '0')}`,
  }),
  settlementWait: (purchaseId: string) => ({ PK: `PURCHASE#${purchaseId}`, SK: 'SETTLEMENT' }),
  ngo: (creditCode: string) => ({ PK: `NGO#${creditCode}` }),
  referenceSection: (section: string) => ({ PK: REFERENCE_CHAIN, SK: `SECTION#${section}` }),
  chainHead,
  chainAudit,
  delegation: (id: string) => ({ PK: DELEGATION_CHAIN, SK: `DELEGATION#${id}` }),
  trackRecord: (creditCode: string, purchaseId: string) => ({
    PK: `NGO#${creditCode}`,
    SK: `EVALUATION#${purchaseId}`,
  }),
} as const;

/** Sort-key prefixes of the item kinds listed per partition. */
export const SORT_KEY_PREFIXES = {
  deliverable: 'DELIVERABLE#',
  payment: 'PAYMENT#',
  trackRecord: 'EVALUATION#',
  uploadCount: 'COUNT#',
} as const;

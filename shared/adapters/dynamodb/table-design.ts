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
 * | payment step         | PURCHASE#<purchaseId>  | PAYMENT#<tranche, 2 dig>|                       |                           |
 * | NGO track record     | NGO#<creditCode>       | EVALUATION#<purchaseId> |                       |                           |
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
 * - A payment step moves NOTIFIED -> CONFIRMED, or to WITHHELD / CANCELLED while not CONFIRMED,
 *   each move conditional on the status it leaves and audited in the same transaction.
 * - Track record entries live under the NGO (the bar on new purchases reads one partition) and
 *   are written once per purchase.
 * - Nothing is ever deleted: released reservations and decided tasks stay with their status.
 */

export const TABLE_KEYS = { partitionKey: 'PK', sortKey: 'SK' } as const;
export const GSI1 = { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' } as const;

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
  payment: (purchaseId: string, tranche: number) => ({
    PK: `PURCHASE#${purchaseId}`,
    SK: `PAYMENT#${String(tranche).padStart(2, '0')}`,
  }),
  ngo: (creditCode: string) => ({ PK: `NGO#${creditCode}` }),
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
} as const;

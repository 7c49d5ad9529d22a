import { createHash } from 'node:crypto';
import type { AuditEntry, AuditInput, ChainVerification } from './audit.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The audit log is a hash chain: each entry carries the hash of the one before it, and its own
 * hash covers every other field. Editing, deleting or reordering an entry breaks the chain.
 * Pure code, no AWS: the repository stores entries, this module says whether they are intact.
 */

/** `prevHash` of the first entry of every purchase. */
export const GENESIS_HASH = '0'.repeat(64);

export type UnhashedAuditEntry = Omit<AuditEntry, 'hash'>;

/** SHA-256 (hex) over the canonical JSON of the entry's fields other than `hash`. */
export function computeEntryHash(entry: UnhashedAuditEntry): string {
  // Pick the fields explicitly: an extra attribute on a stored item must not change the hash.
  const { purchaseId, seq, at, actor, action, detail, eventId, prevHash } = entry;
  const canonical = canonicalJson({ purchaseId, seq, at, actor, action, detail, eventId, prevHash });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * The entry that follows the given chain head. `detail` goes through a JSON round trip so the
 * hashed value is exactly what DynamoDB stores and gives back.
 */
export function nextAuditEntry(
  head: { purchaseId: string; auditSeq: number; auditHash: string },
  input: AuditInput & { eventId: string; at: string },
): AuditEntry {
  const unhashed: UnhashedAuditEntry = {
    purchaseId: head.purchaseId,
    seq: head.auditSeq + 1,
    at: input.at,
    actor: input.actor,
    action: input.action,
    detail: JSON.parse(JSON.stringify(input.detail ?? {})) as Record<string, unknown>,
    eventId: input.eventId,
    prevHash: head.auditSeq === 0 ? GENESIS_HASH : head.auditHash,
  };
  return { ...unhashed, hash: computeEntryHash(unhashed) };
}

/**
 * Checks the entries of one purchase, oldest first: sequence numbers 1, 2, 3, ... without gaps,
 * each `prevHash` equal to the previous entry's hash, each hash recomputed from the content.
 * With the purchase's chain head it also detects entries cut off at the end.
 * `brokenAt` is the sequence number where the chain stops being trustworthy.
 */
export function verifyChain(
  entries: readonly AuditEntry[],
  head?: { auditSeq: number; auditHash: string },
): ChainVerification {
  let prevHash = GENESIS_HASH;
  const purchaseId = entries[0]?.purchaseId;
  for (const [index, entry] of entries.entries()) {
    const expectedSeq = index + 1;
    if (entry.seq !== expectedSeq) {
      return {
        valid: false,
        brokenAt: expectedSeq,
        reason: `expected entry ${expectedSeq}, found ${entry.seq}`,
      };
    }
    if (entry.purchaseId !== purchaseId) {
      return { valid: false, brokenAt: expectedSeq, reason: `entry belongs to purchase ${entry.purchaseId}` };
    }
    if (entry.prevHash !== prevHash) {
      return { valid: false, brokenAt: expectedSeq, reason: 'prevHash does not match the previous entry' };
    }
    if (computeEntryHash(entry) !== entry.hash) {
      return { valid: false, brokenAt: expectedSeq, reason: 'content does not match its hash' };
    }
    prevHash = entry.hash;
  }
  if (head) {
    const last = entries.at(-1);
    const lastSeq = last?.seq ?? 0;
    if (head.auditSeq !== lastSeq || (last !== undefined && head.auditHash !== last.hash)) {
      return {
        valid: false,
        // Missing tail: the first absent entry; extra tail: the first one past the head; else the last.
        brokenAt:
          head.auditSeq > lastSeq ? lastSeq + 1 : head.auditSeq < lastSeq ? head.auditSeq + 1 : lastSeq,
        reason: `the purchase's chain head is entry ${head.auditSeq}, the log ends at ${lastSeq}`,
      };
    }
  }
  return { valid: true, entries: entries.length };
}

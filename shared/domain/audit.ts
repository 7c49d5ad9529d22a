/** The append-only, hash-chained audit trail of a purchase. */

/** The actor of every entry the workflow's own steps write. */
export const WORKFLOW_ACTOR = 'system:workflow';

export interface AuditInput {
  /** Who: a staff subject, an assignee e-mail, or `system:<function>`. */
  actor: string;
  /** What, as a verb phrase id: `proposal.submitted`, `approval.decided`, ... */
  action: string;
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends Required<AuditInput> {
  purchaseId: string;
  seq: number;
  at: string;
  /** Names the change; the same eventId is never appended twice. */
  eventId: string;
  prevHash: string;
  /** SHA-256 (hex) over the canonical JSON of every other field of this entry. */
  hash: string;
}

export type ChainVerification =
  | { valid: true; entries: number }
  | { valid: false; brokenAt: number; reason: string };

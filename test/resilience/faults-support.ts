import type { AwsCall, AwsCallLog } from '../../infra/local/services/aws-calls.js';
import type { MailboxMail, PurchaseView, UsersClient } from '../../infra/local/users.js';

/**
 * What the fault and duplicate cases measure: side effects from the runtime's call log, mails
 * from the mailbox, audit entries from the staff API.
 */

/** Calls that change something outside DynamoDB: each must happen once per intended effect. */
export const SIDE_EFFECT_OPERATIONS = new Set([
  'SendEmail',
  'Publish',
  'SendTaskSuccess',
  'SendTaskFailure',
  'StartExecution',
  'PutObject',
  'PutObjectTagging',
]);

/** A function's name without the hash CloudFormation appends to its logical id. */
export function functionLabel(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

/** `<Function> <service>:<Operation>` of a call. */
export function effectKey(call: Pick<AwsCall, 'caller' | 'service' | 'operation'>): string {
  return `${functionLabel(call.caller)} ${call.service}:${call.operation}`;
}

/** Successful side-effect calls made after call `sinceSeq`, counted by function and operation. */
export function sideEffectsSince(calls: AwsCallLog, sinceSeq: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls.all) {
    if (call.seq <= sinceSeq || call.outcome !== 'ok' || !SIDE_EFFECT_OPERATIONS.has(call.operation))
      continue;
    const key = effectKey(call);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** The seq of the last call logged so far (calls after it belong to what comes next). */
export function lastSeq(calls: AwsCallLog): number {
  return calls.all.at(-1)?.seq ?? 0;
}

/** Every mail about a purchase, as the mailbox holds them (no dedup: a duplicate shows twice). */
export async function mailsAbout(users: UsersClient, purchaseId: string): Promise<MailboxMail[]> {
  return (await users.mails()).filter((m) => (m.body.text ?? '').includes(purchaseId));
}

function mailKey(mail: MailboxMail): string {
  return JSON.stringify([mail.destination.to, mail.subject, mail.body.text ?? '']);
}

/** Mails that arrived more than once with the same recipient, subject and text. */
export function repeatedMails(mails: readonly MailboxMail[]): string[] {
  const seen = new Map<string, number>();
  for (const mail of mails) seen.set(mailKey(mail), (seen.get(mailKey(mail)) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

/**
 * Number of mails by subject (what a fault-free purchase is compared on). Recipients are left out:
 * the evaluation agency is chosen per purchase; so is the purchase id some subjects name.
 */
export function mailCounts(mails: readonly MailboxMail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of mails) {
    const key = mail.subject.replace(/PUR-\d{4}-[A-Z0-9]+/g, 'PUR-…');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

type AuditEntry = PurchaseView['audit'][number];

/** Audit entries by action. */
export function auditActions(audit: readonly AuditEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of audit) counts.set(entry.action, (counts.get(entry.action) ?? 0) + 1);
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** Entries whose action and detail appear more than once: the same change recorded twice. */
export function repeatedAuditEntries(audit: readonly AuditEntry[]): string[] {
  const seen = new Map<string, number>();
  for (const entry of audit) {
    const key = `${entry.action} ${JSON.stringify(entry.detail)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

/** Entries of one action. */
export function auditCount(view: Pick<PurchaseView, 'audit'>, action: string): number {
  return view.audit.filter((e) => e.action === action).length;
}

export function describeCounts(counts: Map<string, number>): string {
  return [...counts].map(([key, n]) => `${key}×${n}`).join(', ');
}

/**
 * The side effects with the settlement's hand-back counted once, whoever sent it: the last
 * finance confirmation (TaskLink) hands the closing step its answer, or, when every tranche was
 * settled before the closing step armed its wait, that step (AwaitSettlement) does. Which of the
 * two it is depends on timing, not on faults or duplicates.
 */
export function withSettlementHandBack(effects: ReadonlyMap<string, number>): Map<string, number> {
  const merged = new Map(effects);
  const byClosingStep = 'AwaitSettlement sfn:SendTaskSuccess';
  const byConfirmation = 'TaskLink sfn:SendTaskSuccess';
  const handedBack = merged.get(byClosingStep) ?? 0;
  merged.delete(byClosingStep);
  if (handedBack > 0) merged.set(byConfirmation, (merged.get(byConfirmation) ?? 0) + handedBack);
  return merged;
}

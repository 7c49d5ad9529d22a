import { RESEND_FUNCTION_OUTPUT, ROTATE_LINK_KEYS_FUNCTION_OUTPUT } from '../../infra/stacks/outputs.js';
import type { StaffMember } from '../../shared/domain/staff-roles.js';
import type { UploadKind } from '../../shared/domain/uploads.js';
import type { Now } from '../../shared/ports/clock.js';
import {
  listOpenPurchases,
  type OpenPurchaseFilter,
  verifyAuditChain,
} from '../../shared/usecases/operations.js';
import { purchaseView } from '../../shared/usecases/purchase-view.js';
import type { ResendOutcome } from '../../shared/usecases/resend-task-link.js';
import { resumePurchase } from '../../shared/usecases/resume.js';
import type { LinkKeysOutcome, LinkKeysRequest } from '../../shared/usecases/rotate-link-keys.js';
import type { OpsConnection } from './connection.js';

/** What a command found or did: `ok` false is exit code 1; `data` is the --json output; `text` the lines for people. */
export interface CommandResult {
  ok: boolean;
  data: unknown;
  text: string[];
}

/** An operator reads with the account's credentials, as an auditor sees: every purchase, nothing to change. */
const OPERATOR: StaffMember = { sub: 'operator', roles: ['auditor'] };

const UPLOAD_KINDS_AWAITED: readonly UploadKind[] = ['SIGNED_CONTRACT', 'MIDTERM_REPORT', 'FINAL_REPORT'];

export async function listCommand(
  ops: OpsConnection,
  filter: OpenPurchaseFilter,
  now: Now,
): Promise<CommandResult> {
  const { purchases, tasks, waits } = ops.repositories;
  const listed = await listOpenPurchases({ purchases, tasks, waits, now }, filter);
  const rows = listed.map((p) => {
    const overdue = p.overdue
      .map((o) =>
        o.kind === 'TASK' ? `${o.purpose} link expired ${o.expiredAt}` : `${o.upload} due ${o.dueDate}`,
      )
      .join('; ');
    const failure = p.failure ? `FAILED at "${p.failure.state}" (${p.failure.error}, ${p.failure.at})` : '';
    return `${p.purchaseId}  ${p.stage.padEnd(14)} ${String(p.pendingTasks).padStart(2)} pending  ${[overdue, failure].filter(Boolean).join('  ')}`;
  });
  return {
    ok: true,
    data: listed,
    text: [`${listed.length} open purchase(s)`, ...rows],
  };
}

export async function showCommand(ops: OpsConnection, purchaseId: string): Promise<CommandResult> {
  const view = await purchaseView({ ...ops.repositories, executions: ops.executions }, purchaseId, OPERATOR);
  if (!view) return notFound(purchaseId);
  const waits = (
    await Promise.all(UPLOAD_KINDS_AWAITED.map((kind) => ops.repositories.waits.getWait(purchaseId, kind)))
  ).flatMap((w) => (w ? [{ kind: w.kind, status: w.status, since: w.since, uploadId: w.uploadId }] : []));
  const data = {
    purchaseId,
    stage: view.stage,
    title: view.title,
    ngo: view.ngo.name,
    totalYuan: view.totalYuan,
    pendingTasks: view.pendingTasks.map((t) => ({
      taskId: t.taskId,
      purpose: t.purpose,
      level: t.level,
      attempt: t.attempt,
      assignee: `${t.assignee.name} <${t.assignee.email}>`,
      since: t.createdAt,
      expiresAt: t.expiresAt,
    })),
    uploadWaits: waits,
    executions: view.executions,
    failure: view.failure,
    payments: view.payments.map((p) => ({ tranche: p.tranche, status: p.status, amountFen: p.amountFen })),
    auditChain: view.auditChain,
  };
  const text = [
    `${purchaseId}  ${view.stage}  ${view.title}`,
    `  NGO ${view.ngo.name}, ${view.totalYuan}`,
    'pending tasks:',
    ...(data.pendingTasks.length === 0 ? ['  none'] : []),
    ...data.pendingTasks.map(
      (t) =>
        `  ${t.taskId}  ${t.purpose}${t.level ? ` ${t.level}` : ''} (${t.attempt})  ${t.assignee}  since ${t.since}, link until ${t.expiresAt}`,
    ),
    'upload waits:',
    ...(waits.length === 0 ? ['  none'] : []),
    ...waits.map(
      (w) => `  ${w.kind}  ${w.status}  since ${w.since}${w.uploadId ? `  upload ${w.uploadId}` : ''}`,
    ),
    'executions:',
    ...view.executions.map(
      (e) =>
        `  ${e.name}  ${e.status}${'resumeAt' in e && e.resumeAt ? ` at ${e.resumeAt}` : ''}  ${'startDate' in e ? `${e.startDate} → ${e.stopDate ?? 'running'}` : `requested ${e.requestedAt}`}`,
    ),
    `failure: ${view.failure ? `"${view.failure.state}" ${view.failure.error} at ${view.failure.at}` : 'none'}`,
    `payments: ${data.payments.map((p) => `#${p.tranche} ${p.status}`).join(', ') || 'none yet'}`,
    `audit chain: ${view.auditChain.valid ? `verified, ${view.audit.length} entries` : `BROKEN at entry ${view.auditChain.brokenAt}`}`,
  ];
  return { ok: true, data, text };
}

export async function resumeCommand(
  ops: OpsConnection,
  purchaseId: string,
  now: Now,
): Promise<CommandResult> {
  const outcome = await resumePurchase(
    { purchases: ops.repositories.purchases, workflow: ops.workflow, executions: ops.executions, now },
    purchaseId,
  );
  if (outcome.resumed)
    return { ok: true, data: outcome, text: [`started ${outcome.execution} at ${outcome.resumed}`] };
  const why = {
    RUNNING: `an execution of ${purchaseId} is running (stage ${outcome.stage}): nothing to resume`,
    FINISHED: `${purchaseId} is finished (${outcome.stage}): nothing to resume`,
    UNKNOWN: `no purchase ${purchaseId}`,
  }[outcome.reason];
  return { ok: false, data: outcome, text: [why] };
}

export async function verifyCommand(ops: OpsConnection, purchaseId: string): Promise<CommandResult> {
  const verified = await verifyAuditChain(ops.repositories, purchaseId);
  if (!verified) return notFound(purchaseId);
  const { entries, chain } = verified;
  return {
    ok: chain.valid,
    data: { purchaseId, entries, ...chain },
    text: [
      chain.valid
        ? `${purchaseId}: audit chain verified, ${entries} ${entries === 1 ? 'entry' : 'entries'}`
        : `${purchaseId}: audit chain BROKEN at entry ${chain.brokenAt}: ${chain.reason}`,
    ],
  };
}

/**
 * Everything recorded about the purchase (never a task token or nonce), as JSON even without
 * --json: the staff view with its whole audit trail and every upload, not the view's newest pages.
 */
export async function exportCommand(ops: OpsConnection, purchaseId: string): Promise<CommandResult> {
  const view = await purchaseView({ ...ops.repositories, executions: ops.executions }, purchaseId, OPERATOR);
  if (!view) return notFound(purchaseId);
  const [audit, deliverables] = await Promise.all([
    ops.repositories.purchases.listAudit(purchaseId),
    ops.repositories.deliverables.listDeliverables(purchaseId),
  ]);
  const { auditNext: _audit, deliverablesNext: _deliverables, ...rest } = view;
  const whole = { ...rest, audit, deliverables };
  return { ok: true, data: whole, text: [JSON.stringify(whole, null, 2)] };
}

/** The one-off migration of the purchases list: what it looked at and how many purchases it gave the list's attributes. */
export async function backfillListingCommand(ops: OpsConnection): Promise<CommandResult> {
  const { scanned, updated } = await ops.backfillListing();
  return {
    ok: true,
    data: { scanned, updated },
    text: [
      updated === 0
        ? `every purchase is listed already (${scanned} items looked at)`
        : `${updated} purchase(s) given their list attributes and assignees (${scanned} items looked at)`,
    ],
  };
}

/** A new link for a lost task mail, by the app's own function (the link key never leaves the account). */
export async function resendCommand(ops: OpsConnection, taskId: string, by: string): Promise<CommandResult> {
  const { functionError, payload } = await ops.invoke(RESEND_FUNCTION_OUTPUT, { taskId, by });
  if (functionError) {
    const { errorType, errorMessage } = payload as { errorType?: string; errorMessage?: string };
    return { ok: false, data: payload, text: [`resend failed: ${errorType}: ${errorMessage}`] };
  }
  const outcome = payload as ResendOutcome;
  return { ok: outcome.outcome === 'RESENT', data: outcome, text: [resendText(outcome, taskId)] };
}

function resendText(outcome: ResendOutcome, taskId: string): string {
  switch (outcome.outcome) {
    case 'RESENT':
      return `mailed ${outcome.to} a new link (task ${outcome.taskId}); the link of ${outcome.previousTaskId} no longer works`;
    case 'NOT_PENDING':
      return `task ${taskId} is ${outcome.status}: nothing to resend`;
    case 'NOT_MAILED':
      return `not resent: ${outcome.reason}`;
    case 'UNKNOWN':
      return `no task ${taskId}`;
  }
}

/** Rotates or retires link keys through the app's RotateLinkKeys function: the keys stay in the account. */
export async function linkKeysCommand(ops: OpsConnection, request: LinkKeysRequest): Promise<CommandResult> {
  const { functionError, payload } = await ops.invoke(ROTATE_LINK_KEYS_FUNCTION_OUTPUT, request);
  if (functionError) {
    const { errorType, errorMessage } = payload as { errorType?: string; errorMessage?: string };
    return { ok: false, data: payload, text: [`${request.action} failed: ${errorType}: ${errorMessage}`] };
  }
  const outcome = payload as LinkKeysOutcome;
  const links = outcome.kind === 'task' ? 'task links' : 'NGO page links';
  const text =
    outcome.action === 'rotate'
      ? `${links} are signed with key ${outcome.currentId} from now on (functions read it within 10 minutes); keys ${outcome.keyIds.join(', ')} all open the links they signed`
      : outcome.changed
        ? `${links}: retired ${outcome.retiredIds.join(', ')}; only ${outcome.currentId} opens links now`
        : `${links}: only ${outcome.currentId} is kept already; nothing to retire`;
  return { ok: true, data: outcome, text: [text] };
}

function notFound(purchaseId: string): CommandResult {
  return { ok: false, data: { purchaseId, found: false }, text: [`no purchase ${purchaseId}`] };
}

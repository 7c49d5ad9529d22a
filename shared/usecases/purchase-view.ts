import * as z from 'zod/mini';
import type { AuditEntry } from '../domain/audit.js';
import type { DeliverableRecord } from '../domain/deliverables.js';
import { ValidationError } from '../domain/errors.js';
import { formatTotal } from '../domain/evaluation.js';
import { stepAsides, submittedEvaluation } from '../domain/evaluation-assignment.js';
import { newestPage, positionOf } from '../domain/history-pages.js';
import type { EvaluationCriterion } from '../domain/lifecycle-settings.js';
import { formatYuan } from '../domain/money.js';
import { maskedNgo } from '../domain/payee-account.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { assertMayViewPurchase, type StaffMember } from '../domain/staff-roles.js';
import type { PublicHumanTask } from '../domain/tasks.js';
import { zodIssuesToFieldErrors } from '../domain/zod-field-errors.js';
import type {
  DeliverableRepository,
  PaymentRepository,
  PurchaseRepository,
  TaskRepository,
} from '../ports/repositories.js';
import type { WorkflowExecutions } from '../ports/workflow.js';
import { startedExecutions } from './start-workflow.js';

export interface PurchaseViewDeps {
  purchases: PurchaseRepository;
  tasks: TaskRepository;
  deliverables: DeliverableRepository;
  payments: PaymentRepository;
  executions: WorkflowExecutions;
}

/** The query of GET /purchases/{id}: where the audit trail's and the uploads' pages end (the newest without). */
const ViewQuerySchema = z.strictObject({
  auditBefore: z.optional(z.string()),
  deliverablesBefore: z.optional(z.string()),
});

/** The two histories, oldest first, ordered by a key that sorts as text. */
const auditKey = (entry: AuditEntry) => String(entry.seq).padStart(8, '0');
const deliverableKey = (d: DeliverableRecord) => `${d.uploadedAt}#${d.uploadId}`;

function parseViewQuery(query: Record<string, string | undefined>, purchaseId: string) {
  const raw = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  const parsed = ViewQuerySchema.safeParse(raw);
  if (!parsed.success)
    throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, raw, ViewQuerySchema));
  const { auditBefore, deliverablesBefore } = parsed.data;
  return {
    audit:
      auditBefore === undefined ? undefined : positionOf(auditBefore, 'audit', purchaseId, 'auditBefore'),
    deliverables:
      deliverablesBefore === undefined
        ? undefined
        : positionOf(deliverablesBefore, 'deliverables', purchaseId, 'deliverablesBefore'),
  };
}

/**
 * What staff see of one purchase: never a task token or nonce (listTasks leaves them out).
 * An approver sees only a purchase they hold or held a task on (NotPermittedError otherwise).
 *
 * The audit trail and the uploads grow for as long as the purchase runs, so the view carries a
 * page of each (history-pages.ts): the newest, or the one before `auditBefore` /
 * `deliverablesBefore`, with the cursor of the page before it (`auditNext`, `deliverablesNext`).
 * The chain is still verified whole, here, on every view: its head is on the purchase, and a
 * page's entries alone could not show an entry cut out of the older ones.
 */
export async function purchaseView(
  deps: PurchaseViewDeps,
  purchaseId: string,
  viewer: StaffMember,
  query: Record<string, string | undefined> = {},
) {
  if (!/^PUR-\d{4}-[A-Z0-9]{16}$/.test(purchaseId)) return undefined;
  const before = parseViewQuery(query, purchaseId);
  const [trail, tasks, deliverables, payments] = await Promise.all([
    deps.purchases.auditTrail(purchaseId),
    deps.tasks.listTasks(purchaseId),
    deps.deliverables.listDeliverables(purchaseId),
    deps.payments.listPayments(purchaseId),
  ]);
  if (!trail) return undefined;
  assertMayViewPurchase(
    viewer,
    tasks.map((t) => t.assignee.email),
  );
  const { purchase, entries, chain } = trail;
  const executions = await executionsOf(deps, entries);
  const audit = newestPage(entries, auditKey, { history: 'audit', purchaseId, before: before.audit });
  const uploads = newestPage(deliverables, deliverableKey, {
    history: 'deliverables',
    purchaseId,
    before: before.deliverables,
  });
  const { proposal } = purchase;
  return {
    purchaseId,
    stage: purchase.stage,
    version: purchase.version,
    title: proposal.title,
    // The bank account in full is finance's, on the payment notice and confirmation page only.
    ngo: maskedNgo(proposal.ngo),
    serviceArea: proposal.serviceArea,
    term: proposal.term,
    totalFen: proposal.totalFen,
    totalYuan: formatYuan(proposal.totalFen),
    budget: purchase.budget,
    approvalLevels: purchase.approvalLevels,
    approvals: purchase.approvals,
    outcome: purchase.outcome,
    contract: purchase.contract,
    decisions: purchase.decisions,
    termination: purchase.termination,
    withdrawal: purchase.withdrawal,
    // The whole proposal as it stands (the revise form starts from it) and each revision made of it.
    proposal: { ...proposal, ngo: maskedNgo(proposal.ngo) },
    revisions: purchase.revisions ?? [],
    // Each amendment of the signed contract, whatever became of it, oldest first (never deleted).
    amendments: purchase.amendments ?? [],
    awaitingRevision: awaitingRevisionOf(purchase, tasks),
    evaluation: evaluationOf(purchase),
    // The last unexpected workflow failure (state, error, time), for the operator who resumes it.
    failure: purchase.failure,
    deliverables: uploads.items,
    ...(uploads.before ? { deliverablesNext: uploads.before } : {}),
    deliverablesTotal: deliverables.length,
    // Counted over the whole trail: the flags may lie on an older page.
    laterVersionsQuarantined: entries.filter((e) => e.action === 'deliverable.later-version-quarantined')
      .length,
    payments,
    pendingTasks: tasks.filter((t) => t.status === 'PENDING'),
    executions,
    tasks,
    audit: audit.items,
    ...(audit.before ? { auditNext: audit.before } : {}),
    auditChain: chain,
    createdBy: purchase.createdBy,
    createdAt: purchase.createdAt,
    updatedAt: purchase.updatedAt,
  };
}

/**
 * The return an officer is asked to answer now: the level, the round and the approver's RETURN, while
 * the purchase's REVISION task waits (undefined otherwise).
 */
function awaitingRevisionOf(purchase: PurchaseRecord, tasks: readonly PublicHumanTask[]) {
  const task = tasks.find((t) => t.purpose === 'REVISION' && t.status === 'PENDING');
  const returned = task?.level === undefined ? undefined : purchase.approvals[task.level];
  if (!task?.level || returned?.decision !== 'RETURN') return undefined;
  return { level: task.level, round: Number(task.context?.round ?? 1), returned, dueBy: task.expiresAt };
}

/**
 * The agency's scores by criterion (from its submitted decision, in whichever round), its weighted
 * total and grade; and every agency that declined the assignment or declared a conflict of
 * interest, with what it wrote.
 */
function evaluationOf(purchase: PurchaseRecord) {
  const { evaluation } = purchase;
  if (!evaluation) return undefined;
  const decision = submittedEvaluation(purchase.decisions);
  const scores = decision?.data?.scores as Partial<Record<EvaluationCriterion, number>> | undefined;
  const declarations = stepAsides(purchase.decisions).map(
    ({ decision: declared, by, byName, comment, at }) => ({
      decision: declared,
      agency: byName,
      email: by,
      reason: comment,
      at,
    }),
  );
  return {
    ...evaluation,
    ...(evaluation.total === undefined ? {} : { totalText: formatTotal(evaluation.total) }),
    ...(scores ? { scores } : {}),
    declarations,
  };
}

/**
 * The workflow executions started for the purchase, oldest first, with what Step Functions says of
 * each; NOT_STARTED when the start after the record failed.
 */
async function executionsOf(deps: PurchaseViewDeps, audit: readonly AuditEntry[]) {
  return Promise.all(
    startedExecutions(audit).map(async (started) => {
      const found = await deps.executions.describe(started.name);
      return found ? { ...found, ...started } : { ...started, status: 'NOT_STARTED' as const };
    }),
  );
}

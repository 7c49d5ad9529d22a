import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { CONTRACT_CONTENT_TYPE } from '../domain/contract.js';
import { type HandOver, handOverBefore, type PlanContext } from '../domain/execution-budget.js';
import type { LifecycleSettings } from '../domain/lifecycle-settings.js';
import { uploadRequestNotes } from '../domain/ngo-notices.js';
import { officialCalendar } from '../domain/official-calendar.js';
import { tranchePlan } from '../domain/payments.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import type { RecordedDecision, TaskAttempt } from '../domain/tasks.js';
import type { UploadKind } from '../domain/uploads.js';
import { approvalWait, signedContractWait } from '../domain/waits.js';
import { workflowEnding } from '../domain/workflow-errors.js';
import {
  type AttemptTimeouts,
  attemptTimeouts,
  type WaitTimeout,
  waitDeadline,
} from '../domain/working-days.js';
import { ngoLinkExpiresAt, signNgoLink } from '../links/ngo-link.js';
import type { Now } from '../ports/clock.js';
import type {
  BudgetRepository,
  DeliverableRepository,
  PaymentRepository,
  PurchaseRepository,
  TaskRepository,
  WaitRepository,
} from '../ports/repositories.js';
import type { DocumentStore } from '../ports/storage.js';
import { renderContract } from '../presentation/contract-document.js';
import { renderUploadOverdueMail, renderUploadRequestMail } from '../presentation/mail/ngo-mail.js';
import { decisionOfStep, type HumanStepPorts, handBack } from './human-steps.js';
import { loadPurchase } from './load-purchase.js';
import { onceForPurchase } from './once.js';

/**
 * The contracting stage: the contract with the mandatory terms is issued into the documents
 * bucket, the NGO uploads the signed copy from its page, the section chief countersigns from a
 * link (or refuses, and the NGO uploads again), then the contract is published and the first
 * tranche falls due. Every step reads what DynamoDB holds, so a resumed execution picks up
 * where the last one stopped.
 */

export interface ContractingDeps {
  purchases: PurchaseRepository;
  budgets: BudgetRepository;
  tasks: TaskRepository;
  deliverables: DeliverableRepository;
  waits: WaitRepository;
  payments: PaymentRepository;
  policy: PolicySettings;
  lifecycle: LifecycleSettings;
  now: Now;
}

export type IssueContractDeps = ContractingDeps & { documents: DocumentStore };

/** Key of the issued contract: one per purchase, outside the NGO's upload prefix. */
export function contractKey(purchaseId: string): string {
  return `contracts/${purchaseId}/contract.html`;
}

/** Renders the contract with the mandatory terms and stores it, once. */
export async function issueContract(deps: IssueContractDeps, purchaseId: string): Promise<{ key: string }> {
  const purchase = await loadPurchase(deps, purchaseId);
  if (purchase.contract) return { key: purchase.contract.key };
  const { contract: bureau, payments } = deps.lifecycle;
  const rendered = renderContract({
    purchaseId,
    proposal: purchase.proposal,
    approvedAt: purchase.outcome?.at ?? deps.now(),
    bureau: { name: bureau.bureauName, nameEn: bureau.bureauNameEn },
    trancheAmounts: tranchePlan(purchase.proposal),
    paymentDueDays: payments.dueDays,
    ...(payments.dueWorkingDays === undefined ? {} : { paymentDueWorkingDays: payments.dueWorkingDays }),
  });
  const key = contractKey(purchaseId);
  // Rendering is deterministic, so a retry writes the same bytes (a new version, same content).
  const { sha256 } = await deps.documents.putDocument(key, rendered.html, CONTRACT_CONTENT_TYPE);
  const now = deps.now();
  await deps.purchases.change({
    purchaseId,
    set: { contract: { key, sha256, issuedAt: now } },
    audit: { actor: WORKFLOW_ACTOR, action: 'contract.issued', detail: { key, sha256 } },
    eventId: 'contract.issued',
    now,
  });
  return { key };
}

/** The countersignature of a round, by the section chief or, after an escalation, the deputy. */
function countersignDecision(purchase: PurchaseRecord, round: number): RecordedDecision | undefined {
  return decisionOfStep(purchase, `COUNTERSIGN:${round}`);
}

/** Instants compared as instants: stored timestamps may differ in precision. */
function notBefore(instant: string, since: string): boolean {
  return Date.parse(instant) >= Date.parse(since);
}

export type ContractingStep =
  | { next: 'AWAIT_SIGNED'; round: number; since: string; timeouts: AttemptTimeouts }
  | { next: 'COUNTERSIGN'; round: number; since: string; uploadId: string; timeouts: AttemptTimeouts }
  | { next: 'DONE'; round: number; since: string; uploadId: string };

/**
 * Where contracting stands, from DynamoDB: each REFUSE of the countersignature starts a new
 * round that needs a signed copy uploaded after the refusal.
 */
export async function planContracting(
  deps: ContractingDeps,
  purchaseId: string,
  execution: PlanContext = {},
): Promise<ContractingStep | HandOver> {
  const purchase = await loadPurchase(deps, purchaseId);
  if (!purchase.contract) throw new Error(`purchase ${purchaseId} has no issued contract yet`);
  let round = 1;
  let since = purchase.contract.issuedAt;
  for (;;) {
    const decision = countersignDecision(purchase, round);
    if (decision?.decision !== 'REFUSE') break;
    round += 1;
    since = decision.at;
  }
  const signed = (await deps.deliverables.listDeliverables(purchaseId))
    .filter((d) => d.kind === 'SIGNED_CONTRACT' && d.status === 'ACCEPTED' && notBefore(d.uploadedAt, since))
    .at(-1);
  const now = deps.now();
  // The next wait's timeouts (on the official calendar when it counts working days); hand over
  // first if it could outlast this execution.
  const timeoutsOf = (wait: WaitTimeout) =>
    attemptTimeouts(Date.parse(now), wait, officialCalendar(deps.policy));
  const handOverBeforeWait = (timeouts: AttemptTimeouts) =>
    handOverBefore({ ...execution, now }, { endsBy: timeouts.endsBy });
  if (!signed) {
    const timeouts = timeoutsOf(signedContractWait(deps.lifecycle));
    return handOverBeforeWait(timeouts) ?? { next: 'AWAIT_SIGNED', round, since, timeouts };
  }
  if (countersignDecision(purchase, round)?.decision === 'COUNTERSIGN')
    return { next: 'DONE', round, since, uploadId: signed.uploadId };
  const timeouts = timeoutsOf(approvalWait(deps.policy));
  return (
    handOverBeforeWait(timeouts) ?? {
      next: 'COUNTERSIGN',
      round,
      since,
      uploadId: signed.uploadId,
      timeouts,
    }
  );
}

export interface AwaitUploadInput {
  purchaseId: string;
  kind: UploadKind;
  /** Only uploads at or after this instant count (the round's start). */
  since: string;
  attempt: TaskAttempt;
  taskToken: string;
  /** When the file is due (ISO instant); the signed contract's is worked out from the settings. */
  deadline?: string;
}

export type AwaitUploadDeps = ContractingDeps & HumanStepPorts;

/**
 * Arms the wait for an upload with this execution's token and asks the NGO for the file
 * (once per attempt and round: request, reminder, escalation with a note to the officer).
 * An upload that arrived before the wait was armed resumes the step at once.
 */
export async function awaitUpload(
  deps: AwaitUploadDeps,
  input: AwaitUploadInput,
): Promise<{ status: 'WAITING' | 'SATISFIED' }> {
  const purchase = await loadPurchase(deps, input.purchaseId);
  const now = deps.now();
  const wait = await deps.waits.armWait({ ...input, now });
  const early = (await deps.deliverables.listDeliverables(input.purchaseId))
    .filter((d) => d.kind === input.kind && d.status === 'ACCEPTED' && notBefore(d.uploadedAt, input.since))
    .at(-1);
  if (wait.status === 'SATISFIED' || early) {
    const uploadId = wait.uploadId ?? early?.uploadId;
    if (uploadId) {
      if (wait.status === 'WAITING') {
        await deps.waits.satisfyWait({ ...input, uploadId, now });
      }
      await handBack(deps.callbacks, input.taskToken, { uploadId, kind: input.kind });
      return { status: 'SATISFIED' };
    }
  }

  const { proposal } = purchase;
  const link = signNgoLink(
    deps.baseUrl,
    purchase.purchaseId,
    ngoLinkExpiresAt(now, deps.lifecycle.ngoLinks.validityDays),
    await deps.linkKey(),
  );
  const dueDate = chinaCalendarDate(
    input.deadline ??
      new Date(
        waitDeadline(
          Date.parse(input.since),
          signedContractWait(deps.lifecycle),
          officialCalendar(deps.policy),
        ).at,
      ).toISOString(),
  );
  const mail = renderUploadRequestMail({
    purchaseId: purchase.purchaseId,
    proposal,
    kind: input.kind,
    dueDate,
    link,
    attempt: input.attempt,
    notes: uploadRequestNotes(purchase, input.kind, input.since),
  });
  // Once per attempt of the round, and again when an extension moved the deadline (a new due date and link).
  const round = input.deadline === undefined ? input.since : `${input.since}:${input.deadline}`;
  await onceForPurchase(
    deps,
    purchase,
    `ngo.asked:${input.kind}:${round}:${input.attempt}`,
    {
      actor: WORKFLOW_ACTOR,
      action: 'ngo.asked',
      detail: { kind: input.kind, attempt: input.attempt, to: proposal.ngo.contactEmail },
    },
    () => deps.mailer.send({ to: proposal.ngo.contactEmail, ...mail }),
  );
  if (input.attempt === 'ESCALATION' && purchase.createdBy.includes('@')) {
    const overdue = renderUploadOverdueMail({
      purchaseId: purchase.purchaseId,
      proposal,
      kind: input.kind,
      dueDate,
      ngoName: proposal.ngo.name,
    });
    await onceForPurchase(
      deps,
      purchase,
      `officer.told-overdue:${input.kind}:${input.since}`,
      {
        actor: WORKFLOW_ACTOR,
        action: 'officer.told-overdue',
        detail: { kind: input.kind, to: purchase.createdBy },
      },
      () => deps.mailer.send({ to: purchase.createdBy, ...overdue }),
    );
  }
  return { status: 'WAITING' };
}

/** The countersigned contract is published: the purchase moves on to the mid-term review. */
export async function concludeContracting(deps: ContractingDeps, purchaseId: string): Promise<void> {
  const purchase = await loadPurchase(deps, purchaseId);
  if (purchase.stage !== 'CONTRACTING') return;
  const step = await planContracting(deps, purchaseId);
  if (step.next !== 'DONE' || !purchase.contract) {
    throw new Error(`purchase ${purchaseId} is not countersigned (next: ${step.next})`);
  }
  const countersign = countersignDecision(purchase, step.round);
  const now = deps.now();
  const midterm = purchase.proposal.deliverables.find((d) => d.kind === 'MIDTERM_REPORT');
  await deps.purchases.change({
    purchaseId,
    from: 'CONTRACTING',
    to: 'MIDTERM_REVIEW',
    set: {
      contract: {
        ...purchase.contract,
        signedUploadId: step.uploadId,
        countersignedBy: countersign?.by,
        signedAt: countersign?.at ?? now,
      },
      ...(midterm ? { midterm: { round: 1, dueDate: midterm.dueDate } } : {}),
    },
    audit: {
      actor: countersign?.by ?? WORKFLOW_ACTOR,
      action: 'contract.published',
      detail: { signedUploadId: step.uploadId, round: step.round },
    },
    eventId: 'contract.published',
    now,
  });
}

/**
 * Ends a purchase that cannot go on (the contract never signed, a mid-term report refused or
 * never delivered): TERMINATED, open links closed, every tranche finance was not yet told to
 * pay cancelled, and the reserved budget given back less what was already committed.
 */
export async function terminatePurchase(
  deps: ContractingDeps,
  input: { purchaseId: string; error?: string; cause?: string },
): Promise<void> {
  const purchase = await loadPurchase(deps, input.purchaseId);
  const now = deps.now();
  await deps.tasks.expireOpenTasks(purchase.purchaseId, now);
  if (purchase.stage === 'TERMINATED') return;
  const { reason, text: reasonText } = workflowEnding(input.error ?? 'Terminated', input.cause);
  const payments = await deps.payments.listPayments(purchase.purchaseId);
  const committed = payments.filter((p) => p.status === 'NOTIFIED' || p.status === 'CONFIRMED');
  for (const tranche of tranchePlan(purchase.proposal)) {
    if (committed.some((p) => p.tranche === tranche.tranche)) continue;
    await deps.payments.closePayment({
      purchaseId: purchase.purchaseId,
      tranche: tranche.tranche,
      milestone: tranche.milestone,
      amountFen: tranche.amountFen,
      status: 'CANCELLED',
      reason,
      now,
    });
  }
  let budget = purchase.budget;
  if (budget?.status === 'RESERVED') {
    const keepFen = committed.reduce((sum, p) => sum + p.amountFen, 0);
    await deps.budgets.release({ lineId: budget.lineId, purchaseId: purchase.purchaseId, keepFen, now });
    budget = { ...budget, status: 'RELEASED', at: now };
  }
  await deps.purchases.change({
    purchaseId: purchase.purchaseId,
    from: purchase.stage,
    to: 'TERMINATED',
    set: { termination: { reason, reasonText, by: WORKFLOW_ACTOR, at: now }, ...(budget ? { budget } : {}) },
    audit: {
      actor: WORKFLOW_ACTOR,
      action: 'purchase.terminated',
      detail: {
        reason,
        reasonText,
        budgetReleased: budget?.status === 'RELEASED',
        tranchesKept: committed.map((p) => p.tranche),
      },
    },
    eventId: 'purchase.terminated',
    now,
  });
}

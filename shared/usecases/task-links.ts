import type { ApprovalLevel } from '../config/settings.js';
import { verifyTaskSignature } from '../links/signing.js';
import type { HtmlPage } from '../pages/layout.js';
import {
  BAD_REQUEST_MESSAGES,
  badRequestPage,
  expiredPage,
  forbiddenPage,
  notFoundPage,
} from '../pages/status-pages.js';
import {
  COMMENT_MAX_LENGTH,
  confirmationPage,
  confirmationPageModel,
  decidedPage,
  decidedPageModel,
} from '../pages/task-pages.js';
import type { Decision, HumanTask, PurchaseRepository, TaskRepository } from '../persistence/ports.js';
import { decisionOutput } from './approval-workflow.js';
import { type Now, type TaskCallbacks, TaskClosedError } from './ports.js';

/**
 * The e-mailed decision link. GET and HEAD only ever render; the decision is a POST that
 * carries the page's nonce. The signature is checked before anything is read, so a forged
 * link learns nothing about which task ids exist.
 */
export interface TaskLinkDeps {
  tasks: TaskRepository;
  purchases: PurchaseRepository;
  callbacks: TaskCallbacks;
  linkKey: () => Promise<Buffer>;
  now: Now;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

/** The tasks these pages serve: approvals, which always carry their level. */
type ApprovalTask = HumanTask & { level: ApprovalLevel };

type Opened = { ok: true; task: ApprovalTask } | { ok: false; page: HtmlPage };

function isApprovalTask(task: HumanTask): task is ApprovalTask {
  return task.purpose === 'APPROVAL' && task.level !== undefined;
}

async function openLink(deps: TaskLinkDeps, taskId: string, sig: string | undefined): Promise<Opened> {
  if (!sig || !verifyTaskSignature(taskId, sig, await deps.linkKey()))
    return { ok: false, page: forbiddenPage() };
  const task = await deps.tasks.getTask(taskId);
  // Tasks of the later stages are not decided through the approval pages.
  if (!task || !isApprovalTask(task)) return { ok: false, page: notFoundPage() };
  return { ok: true, task };
}

async function decidedView(
  deps: TaskLinkDeps,
  task: HumanTask,
  level: ApprovalLevel,
  variant: 'RECORDED' | 'ALREADY_DECIDED',
) {
  const purchase = await deps.purchases.getPurchase(task.purchaseId);
  if (!task.decision) throw new Error(`task of ${task.purchaseId} is DECIDED without a decision`);
  return decidedPage(
    decidedPageModel({
      variant,
      title: purchase?.proposal.title ?? task.purchaseId,
      level,
      decision: task.decision,
    }),
  );
}

function isExpired(task: HumanTask, now: string): boolean {
  return task.status === 'EXPIRED' || task.status === 'SUPERSEDED' || task.expiresAt <= now;
}

/** GET/HEAD: the confirmation page, or what was decided; never a change. */
export async function showTask(
  deps: TaskLinkDeps,
  input: { taskId: string; sig?: string },
): Promise<HtmlPage> {
  const opened = await openLink(deps, input.taskId, input.sig);
  if (!opened.ok) return opened.page;
  const { task } = opened;
  if (task.status === 'DECIDED') return decidedView(deps, task, task.level, 'ALREADY_DECIDED');
  if (isExpired(task, deps.now())) return expiredPage();
  const purchase = await deps.purchases.getPurchase(task.purchaseId);
  if (!purchase) return notFoundPage();
  return confirmationPage(
    confirmationPageModel({ purchaseId: purchase.purchaseId, proposal: purchase.proposal, task }),
  );
}

export interface DecisionForm {
  nonce?: string;
  decision?: string;
  comment?: string;
}

/** Hands a recorded decision to the waiting execution, once. */
async function deliver(deps: TaskLinkDeps, task: HumanTask): Promise<'DELIVERED' | 'CLOSED'> {
  if (!task.decision || task.taskToken === undefined) return 'CLOSED';
  try {
    await deps.callbacks.succeed(task.taskToken, decisionOutput(task.decision));
  } catch (error) {
    if (error instanceof TaskClosedError) return 'CLOSED';
    throw error;
  }
  await deps.tasks.markDelivered(task.taskId, deps.now());
  return 'DELIVERED';
}

/**
 * POST: records the decision with a conditional write (the first one wins), then calls
 * SendTaskSuccess. Later POSTs, and a second tab, see the recorded decision.
 */
export async function decideTask(
  deps: TaskLinkDeps,
  input: { taskId: string; sig?: string; form: DecisionForm },
): Promise<HtmlPage> {
  const opened = await openLink(deps, input.taskId, input.sig);
  if (!opened.ok) return opened.page;
  const { nonce, decision, comment = '' } = input.form;
  if (!nonce) return badRequestPage(BAD_REQUEST_MESSAGES.MISSING_NONCE);
  if (decision !== 'APPROVE' && decision !== 'REJECT')
    return badRequestPage(BAD_REQUEST_MESSAGES.INVALID_DECISION);
  const trimmed = comment.trim();
  if (trimmed.length > COMMENT_MAX_LENGTH) return badRequestPage(BAD_REQUEST_MESSAGES.COMMENT_TOO_LONG);
  if (decision === 'REJECT' && trimmed.length === 0)
    return badRequestPage(BAD_REQUEST_MESSAGES.COMMENT_REQUIRED);

  const result = await deps.tasks.decide({
    taskId: input.taskId,
    nonce,
    decision: decision satisfies Decision,
    comment: trimmed,
    now: deps.now(),
  });
  switch (result.outcome) {
    case 'DECIDED': {
      const delivered = await deliver(deps, result.task);
      if (delivered === 'CLOSED') {
        // The execution is not waiting on this token. While the purchase is still in
        // APPROVAL it is being resumed, and the resumed execution picks the recorded
        // decision up from DynamoDB; otherwise the step is over (the approval lapsed).
        const purchase = await deps.purchases.getPurchase(result.task.purchaseId);
        deps.log?.('decision recorded while no execution waited for it', {
          purchaseId: result.task.purchaseId,
          stage: purchase?.stage,
        });
        if (purchase?.stage !== 'APPROVAL') return expiredPage();
      }
      return decidedView(deps, result.task, opened.task.level, 'RECORDED');
    }
    case 'ALREADY_DECIDED':
      // A first POST that recorded but could not deliver (a crash, a throttled call) is completed here.
      if (!result.task.deliveredAt) await deliver(deps, result.task);
      return decidedView(deps, result.task, opened.task.level, 'ALREADY_DECIDED');
    case 'NOT_PENDING':
    case 'EXPIRED':
      return expiredPage();
    case 'BAD_NONCE':
      return badRequestPage(BAD_REQUEST_MESSAGES.MISSING_NONCE);
    case 'NOT_FOUND':
      return notFoundPage();
  }
}

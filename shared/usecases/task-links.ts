import type { BilingualText } from '../domain/bilingual.js';
import { CRITERION_LABELS, gradeFor, scoreEvaluation } from '../domain/evaluation.js';
import type { Stage } from '../domain/lifecycle.js';
import {
  DEFAULT_GRADE_BANDS,
  DEFAULT_RUBRIC,
  type EvaluationCriterion,
  type GradeBands,
  type RubricLine,
} from '../domain/lifecycle-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import type { Decision, HumanTask, TaskPurpose } from '../domain/tasks.js';
import type { UploadKind } from '../domain/uploads.js';
import { verifyTaskSignature } from '../links/signing.js';
import type { Now } from '../ports/clock.js';
import type {
  DeliverableRepository,
  PaymentRepository,
  PurchaseRepository,
  TaskRepository,
} from '../ports/repositories.js';
import type { ObjectStore } from '../ports/storage.js';
import type { TaskCallbacks } from '../ports/workflow.js';
import type { HtmlPage } from '../presentation/pages/layout.js';
import {
  BAD_REQUEST_MESSAGES,
  badRequestPage,
  expiredPage,
  forbiddenPage,
  notFoundPage,
} from '../presentation/pages/status-pages.js';
import { confirmationPage, confirmationPageModel } from '../presentation/pages/task/approval-page.js';
import { countersignPage, countersignPageModel } from '../presentation/pages/task/countersign-page.js';
import { decidedPage, decidedPageModel } from '../presentation/pages/task/decided-page.js';
import {
  COMMENT_MAX_LENGTH,
  DECLARE_VALUE,
  PAYMENT_REFERENCE_PATTERN,
} from '../presentation/pages/task/decision-form-fields.js';
import { evaluationPage, evaluationPageModel } from '../presentation/pages/task/evaluation-page.js';
import { lateReportPage, lateReportPageModel } from '../presentation/pages/task/late-report-page.js';
import {
  midtermReviewPage,
  midtermReviewPageModel,
  rectificationAllowed,
} from '../presentation/pages/task/midterm-review-page.js';
import {
  paymentConfirmationPage,
  paymentConfirmationPageModel,
} from '../presentation/pages/task/payment-confirmation-page.js';
import { decisionOutput } from './approval-workflow.js';
import { handBack } from './human-steps.js';

/**
 * The e-mailed task link. GET and HEAD only ever render; the decision is a POST that
 * carries the page's nonce. The signature is checked before anything is read, so a forged
 * link learns nothing about which task ids exist.
 */
export interface TaskLinkDeps {
  tasks: TaskRepository;
  purchases: PurchaseRepository;
  payments: PaymentRepository;
  callbacks: TaskCallbacks;
  linkKey: () => Promise<Buffer>;
  now: Now;
  /**
   * Short-lived links to the uploads a review task is about (REVIEWED_UPLOAD_KINDS, see
   * reviewedUploadLinks); without it the page has none. Never asked for an evaluation whose
   * agency has not declared independence.
   */
  documentUrls?: (task: HumanTask) => Promise<ReviewedDocument[]>;
  /**
   * The evaluation rubric the agency scores on.
   * @default DEFAULT_RUBRIC
   */
  rubric?: readonly RubricLine[];
  /**
   * The grade bands a submitted total is graded by.
   * @default DEFAULT_GRADE_BANDS
   */
  bands?: GradeBands;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

/** The decisions each purpose's page offers; a purpose not listed has no page here yet. */
export const DECISIONS_BY_PURPOSE = {
  APPROVAL: ['APPROVE', 'REJECT'],
  COUNTERSIGN: ['COUNTERSIGN', 'REFUSE'],
  PAYMENT_CONFIRMATION: ['CONFIRM'],
  MIDTERM_REVIEW: ['PASS', 'RECTIFY', 'TERMINATE'],
  LATE_REPORT: ['EXTEND', 'TERMINATE'],
  EVALUATION: ['SUBMIT'],
} as const satisfies Partial<Record<TaskPurpose, readonly Decision[]>>;

export type LinkPurpose = keyof typeof DECISIONS_BY_PURPOSE;

/**
 * The stage in which an execution resumed from DynamoDB picks a recorded decision up when
 * no execution waited on the token; outside it the step is over.
 */
const WAITING_STAGE: Readonly<Record<LinkPurpose, Stage | undefined>> = {
  APPROVAL: 'APPROVAL',
  COUNTERSIGN: 'CONTRACTING',
  // Nobody waits on a payment confirmation: recording it is the whole step.
  PAYMENT_CONFIRMATION: undefined,
  MIDTERM_REVIEW: 'MIDTERM_REVIEW',
  LATE_REPORT: 'MIDTERM_REVIEW',
  EVALUATION: 'EVALUATION',
};

/** Why a POST was refused, beyond the approval's messages in status-pages.ts. */
export const TASK_FORM_MESSAGES = {
  NOT_DECIDABLE_HERE: {
    zh: '此任务不能在此页面处理。请联系发起采购的经办人。',
    en: 'This task cannot be decided on this page. Contact the officer who registered the purchase.',
  },
  INVALID_COUNTERSIGN_DECISION: {
    zh: '请点击“会签”或“退回”按钮提交。',
    en: 'Submit with the Countersign or the Refuse button.',
  },
  INVALID_PAYMENT_DECISION: {
    zh: '请点击“确认已付款”按钮提交。',
    en: 'Submit with the Confirm payment made button.',
  },
  INVALID_MIDTERM_DECISION: {
    zh: '请点击“通过”“整改”或“终止”按钮提交。',
    en: 'Submit with the Pass, the Rectify or the Terminate button.',
  },
  INVALID_LATE_REPORT_DECISION: {
    zh: '请点击“延期”或“终止”按钮提交。',
    en: 'Submit with the Extend or the Terminate button.',
  },
  RECTIFY_COMMENT_REQUIRED: {
    zh: '要求整改时必须写明需要整改的内容（将转告承接机构）。请返回上一页填写评审意见后再提交。',
    en: 'When asking for rectification, say what the NGO must fix (it is passed on to them). Go back, write it in the comment box and submit again.',
  },
  TERMINATION_COMMENT_REQUIRED: {
    zh: '终止项目时必须写明理由。请返回上一页填写意见后再提交。',
    en: 'When terminating the purchase, give the reason. Go back, write it in the comment box and submit again.',
  },
  REFUSAL_COMMENT_REQUIRED: {
    zh: '退回时必须写明需要修改的内容（将转告承接机构）。请返回上一页填写会签意见后再提交。',
    en: 'When refusing, say what the NGO must fix (it is passed on to them). Go back, write it in the comment box and submit again.',
  },
  REFERENCE_REQUIRED: {
    zh: '请填写“银行交易流水号”（reference）后再提交。',
    en: 'Fill in the bank transaction reference (field “reference”) and submit again.',
  },
  INVALID_EVALUATION_DECISION: {
    zh: '请勾选独立性声明后点击“声明无利益冲突”，或在声明之后点击“提交评分”按钮提交。',
    en: 'Tick the declaration and press Declare independence, or, once declared, submit with the Submit scores button.',
  },
  DECLARATION_FIRST: {
    zh: '请先声明与承接机构及采购单位不存在利益冲突，然后才能提交评分。请重新打开邮件中的链接完成声明。',
    en: 'Declare your independence from the NGO and the bureau first; scores can only be submitted after that. Open the link in the e-mail again to make the declaration.',
  },
  NOT_DECLARABLE: {
    zh: '此任务不需要独立性声明。',
    en: 'This task takes no declaration of independence.',
  },
  REFERENCE_INVALID: {
    zh: '“银行交易流水号”（reference）须为 4–64 个字符，只能包含字母、数字、“-”“_”“/”。请返回上一页更正后再提交。',
    en: "The bank transaction reference (field “reference”) must be 4-64 characters: letters, digits, '-', '_' or '/'. Go back, correct it and submit again.",
  },
} as const satisfies Record<string, BilingualText>;

const INVALID_DECISION: Readonly<Record<LinkPurpose, BilingualText>> = {
  APPROVAL: BAD_REQUEST_MESSAGES.INVALID_DECISION,
  COUNTERSIGN: TASK_FORM_MESSAGES.INVALID_COUNTERSIGN_DECISION,
  PAYMENT_CONFIRMATION: TASK_FORM_MESSAGES.INVALID_PAYMENT_DECISION,
  MIDTERM_REVIEW: TASK_FORM_MESSAGES.INVALID_MIDTERM_DECISION,
  LATE_REPORT: TASK_FORM_MESSAGES.INVALID_LATE_REPORT_DECISION,
  EVALUATION: TASK_FORM_MESSAGES.INVALID_EVALUATION_DECISION,
};

/** Why a criterion's score was refused: missing, out of range, or more than one decimal. */
export function invalidScore(criterion: string): BilingualText {
  const label = Object.hasOwn(CRITERION_LABELS, criterion)
    ? CRITERION_LABELS[criterion as EvaluationCriterion]
    : { zh: criterion, en: criterion };
  return {
    zh: `“${label.zh}”的评分（score_${criterion}）须为 0–100 之间的数，最多一位小数。请返回上一页更正后再提交。`,
    en: `The score for ${label.en} (field score_${criterion}) must be a number from 0 to 100 with at most one decimal. Go back, correct it and submit again.`,
  };
}

/** Why a score of a criterion outside the rubric was refused (a page from before the rubric changed). */
export function unknownCriterion(criterion: string): BilingualText {
  return {
    zh: `“${criterion}”（score_${criterion}）不是本评分表的评分项。请重新打开邮件中的链接后再评分。`,
    en: `${criterion} (field score_${criterion}) is not a criterion of this rubric. Open the link in the e-mail again and score once more.`,
  };
}

/** Decisions that mean nothing without a reason (the officer or the NGO must be told why), and what a POST without one is told. */
const COMMENT_MISSING: Readonly<Partial<Record<Decision, BilingualText>>> = {
  REJECT: BAD_REQUEST_MESSAGES.COMMENT_REQUIRED,
  REFUSE: TASK_FORM_MESSAGES.REFUSAL_COMMENT_REQUIRED,
  RECTIFY: TASK_FORM_MESSAGES.RECTIFY_COMMENT_REQUIRED,
  TERMINATE: TASK_FORM_MESSAGES.TERMINATION_COMMENT_REQUIRED,
};

/** Why a RECTIFY is refused: the round has no rectification left (rectificationAllowed), in its numbers when known. */
export function noRectificationLeft(context: HumanTask['context']): BilingualText {
  const { round, maxRounds } = context ?? {};
  if (round === undefined || maxRounds === undefined)
    return {
      zh: '此评审未记录当前轮次或最多轮次，不能要求整改。请返回上一页选择“通过”或“终止”，或联系经办人。',
      en: 'This review does not record its round or the last round, so rectification cannot be asked for. Go back and choose Pass or Terminate, or contact the officer.',
    };
  return {
    zh: `已是最后一轮（第 ${round} 轮，共 ${maxRounds} 轮），不能再要求整改。请返回上一页选择“通过”或“终止”。`,
    en: `This is the last round (round ${round} of ${maxRounds}): rectification can no longer be asked for. Go back and choose Pass or Terminate.`,
  };
}

export class TaskContextError extends Error {
  override name = 'TaskContextError';
}

function isLinkPurpose(purpose: TaskPurpose): purpose is LinkPurpose {
  return Object.hasOwn(DECISIONS_BY_PURPOSE, purpose);
}

/** A task these pages can serve: one of the link purposes, and an approval always with its level. */
function isServed(task: HumanTask): boolean {
  return isLinkPurpose(task.purpose) && (task.purpose !== 'APPROVAL' || task.level !== undefined);
}

type Opened = { ok: true; task: HumanTask } | { ok: false; page: HtmlPage };

async function openLink(deps: TaskLinkDeps, taskId: string, sig: string | undefined): Promise<Opened> {
  if (!sig || !verifyTaskSignature(taskId, sig, await deps.linkKey()))
    return { ok: false, page: forbiddenPage() };
  const task = await deps.tasks.getTask(taskId);
  if (!task) return { ok: false, page: notFoundPage() };
  return { ok: true, task };
}

async function decidedView(deps: TaskLinkDeps, task: HumanTask, variant: 'RECORDED' | 'ALREADY_DECIDED') {
  const purchase = await deps.purchases.getPurchase(task.purchaseId);
  if (!task.decision) throw new Error(`task of ${task.purchaseId} is DECIDED without a decision`);
  return decidedPage(
    decidedPageModel({
      variant,
      title: purchase?.proposal.title ?? task.purchaseId,
      purpose: task.purpose,
      ...(task.level === undefined ? {} : { level: task.level }),
      decision: task.decision,
    }),
  );
}

function isExpired(task: HumanTask, now: string): boolean {
  return task.status === 'EXPIRED' || task.status === 'SUPERSEDED' || task.expiresAt <= now;
}

async function reviewedDocuments(deps: TaskLinkDeps, task: HumanTask): Promise<ReviewedDocument[]> {
  return (await deps.documentUrls?.(task)) ?? [];
}

/** The link of the review's one document of a kind, when the deps give one. */
async function reviewedDocument(deps: TaskLinkDeps, task: HumanTask, kind: UploadKind) {
  return (await reviewedDocuments(deps, task)).find((d) => d.kind === kind)?.url;
}

async function pendingPage(deps: TaskLinkDeps, task: HumanTask, purchase: PurchaseRecord): Promise<HtmlPage> {
  const { purchaseId, proposal } = purchase;
  switch (task.purpose) {
    case 'APPROVAL': {
      const { level } = task;
      if (level === undefined) return notFoundPage();
      return confirmationPage(confirmationPageModel({ purchaseId, proposal, task: { ...task, level } }));
    }
    case 'COUNTERSIGN': {
      const documentUrl = await reviewedDocument(deps, task, 'SIGNED_CONTRACT');
      return countersignPage(countersignPageModel({ purchaseId, proposal, task, documentUrl }));
    }
    case 'PAYMENT_CONFIRMATION':
      return paymentConfirmationPage(paymentConfirmationPageModel({ purchaseId, proposal, task }));
    case 'MIDTERM_REVIEW': {
      const documentUrl = await reviewedDocument(deps, task, 'MIDTERM_REPORT');
      return midtermReviewPage(midtermReviewPageModel({ purchaseId, proposal, task, documentUrl }));
    }
    case 'LATE_REPORT':
      return lateReportPage(lateReportPageModel({ purchaseId, proposal, task, now: deps.now() }));
    case 'EVALUATION': {
      // The reports are presigned only for an agency that has declared its independence.
      const documents = task.declaredAt === undefined ? [] : await reviewedDocuments(deps, task);
      const rubric = deps.rubric ?? DEFAULT_RUBRIC;
      return evaluationPage(evaluationPageModel({ purchaseId, proposal, task, rubric, documents }));
    }
  }
}

/** GET/HEAD: the confirmation page, or what was decided; never a decision. */
export async function showTask(
  deps: TaskLinkDeps,
  input: { taskId: string; sig?: string },
): Promise<HtmlPage> {
  const opened = await openLink(deps, input.taskId, input.sig);
  if (!opened.ok) return opened.page;
  const { task } = opened;
  if (!isServed(task)) return notFoundPage();
  if (task.status === 'DECIDED') {
    // Opening never decides; but a confirmation already recorded whose payment step a crash cut
    // off would otherwise wait for a POST the page no longer offers. Finishing it is idempotent.
    if (task.purpose === 'PAYMENT_CONFIRMATION') await completePayment(deps, task);
    return decidedView(deps, task, 'ALREADY_DECIDED');
  }
  if (isExpired(task, deps.now())) return expiredPage();
  const purchase = await deps.purchases.getPurchase(task.purchaseId);
  if (!purchase) return notFoundPage();
  return pendingPage(deps, task, purchase);
}

export interface DecisionForm {
  nonce?: string;
  decision?: string;
  comment?: string;
  /** PAYMENT_CONFIRMATION: the bank transaction reference. */
  reference?: string;
  /** EVALUATION: DECLARE_VALUE when the declaration of independence was ticked. */
  declare?: string;
  /** EVALUATION: the submitted scores by criterion (the `score_<CRITERION>` fields, prefix removed). */
  scores?: Record<string, string>;
}

/**
 * How long after a decision a later POST takes over its delivery even when nothing says the first
 * POST failed (it crashed or timed out): by then that request must be over, since the HTTP API
 * cuts a request off after 30 s. Meanwhile the next attempt of the waiting step (the reminder) or
 * a resumed execution picks the recorded decision up from DynamoDB anyway.
 */
export const DELIVERY_TAKEOVER_SECONDS = 30;

/** The audit entry of a decision the POST that recorded it could not hand to the workflow. */
export const DELIVERY_FAILED_ACTION = 'task.delivery-failed';

/**
 * Whether a later POST must deliver a recorded decision itself: only once the POST that recorded
 * it has given up (its failure is on the audit log) or must be over. A POST racing the first one
 * leaves the delivery to it, so twenty clicks make one SendTaskSuccess.
 */
async function deliveryAbandoned(deps: TaskLinkDeps, task: HumanTask): Promise<boolean> {
  if (task.deliveredAt !== undefined || !task.decision || task.taskToken === undefined) return false;
  if (Date.parse(deps.now()) - Date.parse(task.decision.at) >= DELIVERY_TAKEOVER_SECONDS * 1000) return true;
  const audit = await deps.purchases.listAudit(task.purchaseId);
  return audit.some((e) => e.action === DELIVERY_FAILED_ACTION && e.detail.taskId === task.taskId);
}

/**
 * A failed SendTaskSuccess of the decision this POST recorded goes on the audit log before the
 * error page, so the person's next POST delivers at once.
 */
async function recordFailedDelivery(deps: TaskLinkDeps, task: HumanTask, error: unknown): Promise<void> {
  try {
    await deps.purchases.change({
      purchaseId: task.purchaseId,
      audit: {
        actor: 'system:task-link',
        action: DELIVERY_FAILED_ACTION,
        detail: {
          taskId: task.taskId,
          purpose: task.purpose,
          error: error instanceof Error ? error.name : 'Error',
        },
      },
      eventId: `${DELIVERY_FAILED_ACTION}:${task.taskId}`,
      now: deps.now(),
    });
  } catch (recording) {
    // The delivery's own error is the one to answer with; the takeover after a while still applies.
    deps.log?.('could not record a failed delivery', {
      purchaseId: task.purchaseId,
      error: recording instanceof Error ? recording.name : 'Error',
    });
  }
}

/**
 * Hands a recorded decision to the waiting execution, once; a task without a token has nobody
 * waiting. `recordFailure`: this POST recorded the decision, so a failure is put on the audit log.
 */
async function deliver(
  deps: TaskLinkDeps,
  task: HumanTask,
  recordFailure = false,
): Promise<'DELIVERED' | 'CLOSED' | 'NO_WAITER'> {
  if (task.taskToken === undefined) return 'NO_WAITER';
  if (!task.decision) return 'CLOSED';
  let delivered: boolean;
  try {
    delivered = await handBack(deps.callbacks, task.taskToken, decisionOutput(task.decision));
  } catch (error) {
    if (recordFailure) await recordFailedDelivery(deps, task, error);
    throw error;
  }
  if (!delivered) return 'CLOSED';
  await deps.tasks.markDelivered(task.taskId, deps.now());
  return 'DELIVERED';
}

function trancheOf(task: HumanTask): number {
  const tranche = Number(task.context?.tranche);
  if (!Number.isSafeInteger(tranche) || tranche < 1)
    throw new TaskContextError(
      `payment confirmation task of ${task.purchaseId} has no tranche in its context`,
    );
  return tranche;
}

/**
 * Records a confirmed payment on the tranche's payment step. Idempotent: a repeat finds it
 * CONFIRMED. Called after the decision is recorded, so a crash in between is completed by
 * the next POST (ALREADY_DECIDED).
 */
async function confirmPayment(deps: TaskLinkDeps, task: HumanTask): Promise<void> {
  const reference = task.decision?.data?.reference;
  if (task.decision?.decision !== 'CONFIRM' || typeof reference !== 'string') return;
  const tranche = trancheOf(task);
  const result = await deps.payments.confirmPayment({
    purchaseId: task.purchaseId,
    tranche,
    by: task.assignee.email,
    reference,
    now: deps.now(),
  });
  if (result.outcome === 'NOT_PAYABLE') {
    deps.log?.('payment confirmed on a tranche that is not payable', {
      purchaseId: task.purchaseId,
      tranche,
      status: result.payment?.status,
    });
  }
}

/** On a repeat POST or a later visit: completes the payment step only when the first POST did not get to it. */
async function completePayment(deps: TaskLinkDeps, task: HumanTask): Promise<void> {
  const payments = await deps.payments.listPayments(task.purchaseId);
  const tranche = trancheOf(task);
  if (payments.find((p) => p.tranche === tranche)?.status === 'NOTIFIED') await confirmPayment(deps, task);
}

type Checked =
  | { ok: true; decision: Decision; comment: string; data?: Record<string, unknown> }
  | { ok: false; page: HtmlPage };

/** A score as typed: 0-100 with at most one decimal. */
const SCORE_PATTERN = /^(?:100(?:\.0)?|\d{1,2}(?:\.\d)?)$/;

/**
 * An evaluation's SUBMIT: only after the declaration; one score per rubric criterion, none for
 * anything else; the weighted total and its grade go with the decision.
 */
function checkEvaluation(deps: TaskLinkDeps, task: HumanTask, form: DecisionForm): Checked {
  if (task.declaredAt === undefined)
    return { ok: false, page: badRequestPage(TASK_FORM_MESSAGES.DECLARATION_FIRST) };
  const rubric = deps.rubric ?? DEFAULT_RUBRIC;
  const submitted = form.scores ?? {};
  const inRubric = new Set<string>(rubric.map((line) => line.criterion));
  const unknown = Object.keys(submitted).find((criterion) => !inRubric.has(criterion));
  if (unknown !== undefined) return { ok: false, page: badRequestPage(unknownCriterion(unknown)) };
  const scores: Partial<Record<EvaluationCriterion, number>> = {};
  for (const { criterion } of rubric) {
    const typed = Object.hasOwn(submitted, criterion) ? (submitted[criterion] ?? '').trim() : '';
    if (!SCORE_PATTERN.test(typed)) return { ok: false, page: badRequestPage(invalidScore(criterion)) };
    scores[criterion] = Number(typed);
  }
  // Every score is valid by now: scoreEvaluation can only refuse a rubric that is not (a settings bug).
  const totalTenths = scoreEvaluation(scores, rubric);
  const grade = gradeFor(totalTenths, deps.bands ?? DEFAULT_GRADE_BANDS);
  return { ok: true, decision: 'SUBMIT', comment: '', data: { scores, totalTenths, grade } };
}

/**
 * The purpose's rules for a POSTed form: which decisions, a RECTIFY only while a round is left,
 * when a comment, and the reference of a CONFIRM.
 */
function checkForm(deps: TaskLinkDeps, purpose: LinkPurpose, task: HumanTask, form: DecisionForm): Checked {
  const allowed: readonly Decision[] = DECISIONS_BY_PURPOSE[purpose];
  const decision = allowed.find((d) => d === form.decision);
  if (!decision) return { ok: false, page: badRequestPage(INVALID_DECISION[purpose]) };
  if (decision === 'RECTIFY' && !rectificationAllowed(task.context))
    return { ok: false, page: badRequestPage(noRectificationLeft(task.context)) };
  const comment = (form.comment ?? '').trim();
  if (comment.length > COMMENT_MAX_LENGTH)
    return { ok: false, page: badRequestPage(BAD_REQUEST_MESSAGES.COMMENT_TOO_LONG) };
  const missing = COMMENT_MISSING[decision];
  if (missing && comment.length === 0) return { ok: false, page: badRequestPage(missing) };
  if (decision === 'SUBMIT') {
    const evaluation = checkEvaluation(deps, task, form);
    return evaluation.ok ? { ...evaluation, comment } : evaluation;
  }
  if (decision !== 'CONFIRM') return { ok: true, decision, comment };
  const reference = (form.reference ?? '').trim();
  if (reference.length === 0)
    return { ok: false, page: badRequestPage(TASK_FORM_MESSAGES.REFERENCE_REQUIRED) };
  if (!PAYMENT_REFERENCE_PATTERN.test(reference))
    return { ok: false, page: badRequestPage(TASK_FORM_MESSAGES.REFERENCE_INVALID) };
  return { ok: true, decision, comment, data: { reference } };
}

/**
 * POST: records the decision with a conditional write (the first one wins), then completes
 * it: a payment confirmation on the tranche's payment step, and SendTaskSuccess when an
 * execution waits on the task. Later POSTs, and a second tab, see the recorded decision.
 */
export async function decideTask(
  deps: TaskLinkDeps,
  input: { taskId: string; sig?: string; form: DecisionForm },
): Promise<HtmlPage> {
  const opened = await openLink(deps, input.taskId, input.sig);
  if (!opened.ok) return opened.page;
  const { task } = opened;
  if (!isServed(task) || !isLinkPurpose(task.purpose))
    return badRequestPage(TASK_FORM_MESSAGES.NOT_DECIDABLE_HERE);
  const purpose = task.purpose;
  if (!input.form.nonce) return badRequestPage(BAD_REQUEST_MESSAGES.MISSING_NONCE);
  if (input.form.declare !== undefined)
    return declareIndependence(deps, task, input.form.declare, input.form.nonce);
  const checked = checkForm(deps, purpose, task, input.form);
  if (!checked.ok) return checked.page;
  // A payment task that names no tranche is a bug upstream: refuse before anything is recorded.
  if (purpose === 'PAYMENT_CONFIRMATION') trancheOf(task);

  const result = await deps.tasks.decide({
    taskId: input.taskId,
    nonce: input.form.nonce,
    decision: checked.decision,
    comment: checked.comment,
    ...(checked.data ? { data: checked.data } : {}),
    now: deps.now(),
  });
  switch (result.outcome) {
    case 'DECIDED': {
      if (purpose === 'PAYMENT_CONFIRMATION') await confirmPayment(deps, result.task);
      const delivered = await deliver(deps, result.task, true);
      const stage = WAITING_STAGE[purpose];
      if (delivered === 'CLOSED' && stage) {
        // The execution is not waiting on this token. While the purchase is still in the
        // task's stage it is being resumed, and the resumed execution picks the recorded
        // decision up from DynamoDB; otherwise the step is over (it lapsed).
        const purchase = await deps.purchases.getPurchase(result.task.purchaseId);
        deps.log?.('decision recorded while no execution waited for it', {
          purchaseId: result.task.purchaseId,
          stage: purchase?.stage,
        });
        if (purchase?.stage !== stage) return expiredPage();
      }
      return decidedView(deps, result.task, 'RECORDED');
    }
    case 'ALREADY_DECIDED':
      // A first POST that recorded but did not finish (a crash, a throttled call) is completed here;
      // one still running delivers its own decision.
      if (purpose === 'PAYMENT_CONFIRMATION') await completePayment(deps, result.task);
      if (await deliveryAbandoned(deps, result.task)) await deliver(deps, result.task);
      return decidedView(deps, result.task, 'ALREADY_DECIDED');
    case 'NOT_PENDING':
    case 'EXPIRED':
      return expiredPage();
    case 'BAD_NONCE':
      return badRequestPage(BAD_REQUEST_MESSAGES.MISSING_NONCE);
    case 'NOT_FOUND':
      return notFoundPage();
  }
}

/**
 * POST with the ticked declaration: records the agency's independence (the first declaration
 * wins) and shows the same link's next phase, the reports and the rubric.
 */
async function declareIndependence(
  deps: TaskLinkDeps,
  task: HumanTask,
  declare: string,
  nonce: string,
): Promise<HtmlPage> {
  if (task.purpose !== 'EVALUATION') return badRequestPage(TASK_FORM_MESSAGES.NOT_DECLARABLE);
  if (declare !== DECLARE_VALUE) return badRequestPage(TASK_FORM_MESSAGES.INVALID_EVALUATION_DECISION);
  const result = await deps.tasks.declareIndependence({ taskId: task.taskId, nonce, now: deps.now() });
  switch (result.outcome) {
    case 'DECLARED':
    case 'ALREADY_DECLARED': {
      // A second tab may declare after the first already scored, or after the link lapsed.
      if (result.task.status === 'DECIDED') return decidedView(deps, result.task, 'ALREADY_DECIDED');
      if (isExpired(result.task, deps.now())) return expiredPage();
      const purchase = await deps.purchases.getPurchase(result.task.purchaseId);
      if (!purchase) return notFoundPage();
      return pendingPage(deps, result.task, purchase);
    }
    case 'ALREADY_DECIDED':
      return decidedView(deps, result.task, 'ALREADY_DECIDED');
    case 'NOT_PENDING':
    case 'EXPIRED':
      return expiredPage();
    case 'BAD_NONCE':
      return badRequestPage(BAD_REQUEST_MESSAGES.MISSING_NONCE);
    case 'NOT_EVALUATION':
      return badRequestPage(TASK_FORM_MESSAGES.NOT_DECLARABLE);
    case 'NOT_FOUND':
      return notFoundPage();
  }
}

/** Long enough to read a contract or a report, short enough that a forwarded page soon stops opening it. */
export const DOCUMENT_LINK_SECONDS = 10 * 60;

/** A short-lived link to one upload a review task is about. */
export interface ReviewedDocument {
  kind: UploadKind;
  url: string;
}

/** The uploads each review task is about; its page links the newest accepted one of each kind. */
export const REVIEWED_UPLOAD_KINDS = {
  COUNTERSIGN: ['SIGNED_CONTRACT'],
  MIDTERM_REVIEW: ['MIDTERM_REPORT'],
  EVALUATION: ['FINAL_REPORT', 'MIDTERM_REPORT'],
} as const satisfies Partial<Record<TaskPurpose, readonly UploadKind[]>>;

/**
 * A review page's document links: for each kind the task's purpose reviews, a presigned GET of
 * the purchase's latest accepted upload of that kind (the NGO's newest upload after any
 * refusal or rectification). A kind without one, or a purpose that reviews no upload, links nothing.
 */
export function reviewedUploadLinks(ports: {
  deliverables: Pick<DeliverableRepository, 'listDeliverables'>;
  objects: Pick<ObjectStore, 'presignGet'>;
}): (task: HumanTask) => Promise<ReviewedDocument[]> {
  return async (task) => {
    if (!Object.hasOwn(REVIEWED_UPLOAD_KINDS, task.purpose)) return [];
    const kinds: readonly UploadKind[] =
      REVIEWED_UPLOAD_KINDS[task.purpose as keyof typeof REVIEWED_UPLOAD_KINDS];
    const uploads = await ports.deliverables.listDeliverables(task.purchaseId);
    const documents: ReviewedDocument[] = [];
    for (const kind of kinds) {
      const latest = uploads.filter((d) => d.kind === kind && d.status === 'ACCEPTED').at(-1);
      if (latest)
        documents.push({ kind, url: await ports.objects.presignGet(latest.key, DOCUMENT_LINK_SECONDS) });
    }
    return documents;
  };
}

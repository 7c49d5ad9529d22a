import type { BilingualText } from '../../domain/bilingual.js';
import {
  ACTING_EMAIL_MAX_LENGTH,
  ACTING_EMAIL_PATTERN,
  COMMENT_MAX_LENGTH,
  isSharedMailbox,
  needsConfirmation,
  PAYMENT_REFERENCE_PATTERN,
  rectificationAllowed,
} from '../../domain/decision-rules.js';
import { gradeFor, scoreEvaluation } from '../../domain/evaluation.js';
import {
  DEFAULT_GRADE_BANDS,
  DEFAULT_RUBRIC,
  type EvaluationCriterion,
} from '../../domain/lifecycle-settings.js';
import { readYuan } from '../../domain/money.js';
import {
  DECISIONS_BY_PURPOSE,
  type Decision,
  type HumanTask,
  type LinkPurpose,
  needsReason,
} from '../../domain/tasks.js';
import { BAD_REQUEST_MESSAGES } from '../../presentation/pages/status-pages.js';
import {
  amountAboveDue,
  COMMENT_MISSING_MESSAGES,
  INVALID_DECISION_MESSAGES,
  invalidScore,
  noRectificationLeft,
  TASK_FORM_MESSAGES,
  unknownCriterion,
} from '../../presentation/task-form-messages.js';
import type { TaskLinkDeps } from './task-link-deps.js';

/** A task page's POSTed form, as typed. */
export interface DecisionForm {
  nonce?: string;
  decision?: string;
  comment?: string;
  /** PAYMENT_CONFIRMATION: the bank transaction reference. */
  reference?: string;
  /** PAYMENT_CONFIRMATION: the amount paid now, yuan as typed; empty means all that is due on the link. */
  amount?: string;
  /** EVALUATION: DECLARE_VALUE when the declaration of independence was ticked. */
  declare?: string;
  /** COUNTERSIGN, MIDTERM_REVIEW, EVALUATION: the upload ids of the files the page showed. */
  reviewed?: string[];
  /** A shared mailbox's page: the acting person's own e-mail address. */
  actingEmail?: string;
  /** APPROVE: `1` once the approver confirmed on the second step (CONFIRMED_VALUE). */
  confirmed?: string;
  /** EVALUATION: the submitted scores by criterion (the `score_<CRITERION>` fields, prefix removed). */
  scores?: Record<string, string>;
  /** EVALUATION: DRAFT_VALUE when Save draft was pressed (the scores are kept, not submitted). */
  draft?: string;
}

/**
 * A form the purpose's rules accept, as it is recorded (once `confirmed`: an approval is recorded
 * only from its second, deliberate step); or why it is refused (nothing is recorded).
 */
export type CheckedForm =
  | { ok: true; decision: Decision; comment: string; data?: Record<string, unknown>; confirmed: boolean }
  | { ok: false; refusal: BilingualText };

type Accepted = Omit<Extract<CheckedForm, { ok: true }>, 'confirmed'>;
type Checked = Accepted | Extract<CheckedForm, { ok: false }>;

/** The value of the second step's `confirmed` field. */
export const CONFIRMED_VALUE = '1';

type ScoringDeps = Pick<TaskLinkDeps, 'rubric' | 'bands'>;

/** A score as typed: 0-100 with at most one decimal. */
const SCORE_PATTERN = /^(?:100(?:\.0)?|\d{1,2}(?:\.\d)?)$/;

/**
 * An evaluation's SUBMIT: only after the declaration; one score per rubric criterion, none for
 * anything else; the weighted total and its grade go with the decision.
 */
function checkEvaluation(deps: ScoringDeps, task: HumanTask, form: DecisionForm): Checked {
  if (task.declaredAt === undefined) return { ok: false, refusal: TASK_FORM_MESSAGES.DECLARATION_FIRST };
  const rubric = deps.rubric ?? DEFAULT_RUBRIC;
  const submitted = form.scores ?? {};
  const inRubric = new Set<string>(rubric.map((line) => line.criterion));
  const unknown = Object.keys(submitted).find((criterion) => !inRubric.has(criterion));
  if (unknown !== undefined) return { ok: false, refusal: unknownCriterion(unknown) };
  const scores: Partial<Record<EvaluationCriterion, number>> = {};
  for (const { criterion } of rubric) {
    const typed = Object.hasOwn(submitted, criterion) ? (submitted[criterion] ?? '').trim() : '';
    if (!SCORE_PATTERN.test(typed)) return { ok: false, refusal: invalidScore(criterion) };
    scores[criterion] = Number(typed);
  }
  // Every score is valid by now: scoreEvaluation can only refuse a rubric that is not (a settings bug).
  const totalTenths = scoreEvaluation(scores, rubric);
  const grade = gradeFor(totalTenths, deps.bands ?? DEFAULT_GRADE_BANDS);
  return { ok: true, decision: 'SUBMIT', comment: '', data: { scores, totalTenths, grade } };
}

/** A draft as it is saved, or why it is refused (nothing is saved). */
export type CheckedDraft =
  | { ok: true; draft: { scores: Record<string, string>; comment: string } }
  | { ok: false; refusal: BilingualText };

/**
 * A draft of the scores: any of the rubric's criteria, each blank (left out) or a score as a submit
 * takes it, none outside the rubric; the comment within its length. Nothing has to be complete.
 */
export function checkDraft(deps: ScoringDeps, form: DecisionForm): CheckedDraft {
  const rubric = deps.rubric ?? DEFAULT_RUBRIC;
  const inRubric = new Set<string>(rubric.map((line) => line.criterion));
  const typed = form.scores ?? {};
  const unknown = Object.keys(typed).find((criterion) => !inRubric.has(criterion));
  if (unknown !== undefined) return { ok: false, refusal: unknownCriterion(unknown) };
  const scores: Record<string, string> = {};
  for (const { criterion } of rubric) {
    const score = Object.hasOwn(typed, criterion) ? (typed[criterion] ?? '').trim() : '';
    if (score === '') continue;
    if (!SCORE_PATTERN.test(score)) return { ok: false, refusal: invalidScore(criterion) };
    scores[criterion] = score;
  }
  const comment = (form.comment ?? '').trim();
  if (comment.length > COMMENT_MAX_LENGTH)
    return { ok: false, refusal: BAD_REQUEST_MESSAGES.COMMENT_TOO_LONG };
  return { ok: true, draft: { scores, comment } };
}

/**
 * The purpose's rules for a POSTed form (checkDecision); then who acted, where the link went to a
 * shared mailbox; and whether the decision is confirmed, where it needs a second step.
 */
export function checkForm(
  deps: ScoringDeps,
  purpose: LinkPurpose,
  task: HumanTask,
  form: DecisionForm,
): CheckedForm {
  const checked = checkDecision(deps, purpose, task, form);
  if (!checked.ok) return checked;
  const confirmed = !needsConfirmation(checked.decision) || form.confirmed === CONFIRMED_VALUE;
  if (!isSharedMailbox(task.assignee.role)) return { ...checked, confirmed };
  const actingEmail = (form.actingEmail ?? '').trim().toLowerCase();
  if (actingEmail.length === 0) return { ok: false, refusal: TASK_FORM_MESSAGES.ACTING_EMAIL_REQUIRED };
  if (actingEmail.length > ACTING_EMAIL_MAX_LENGTH || !ACTING_EMAIL_PATTERN.test(actingEmail))
    return { ok: false, refusal: TASK_FORM_MESSAGES.ACTING_EMAIL_INVALID };
  return { ...checked, data: { ...checked.data, actedBy: actingEmail }, confirmed };
}

/**
 * The purpose's rules for a POSTed form: which decisions, a RECTIFY only while a round is left,
 * when a comment, and the reference of a CONFIRM.
 */
function checkDecision(
  deps: ScoringDeps,
  purpose: LinkPurpose,
  task: HumanTask,
  form: DecisionForm,
): Checked {
  const allowed: readonly Decision[] = DECISIONS_BY_PURPOSE[purpose];
  const decision = allowed.find((d) => d === form.decision);
  if (!decision) return { ok: false, refusal: INVALID_DECISION_MESSAGES[purpose] };
  if (decision === 'RECTIFY' && !rectificationAllowed(task.context))
    return { ok: false, refusal: noRectificationLeft(task.context) };
  const comment = (form.comment ?? '').trim();
  if (comment.length > COMMENT_MAX_LENGTH)
    return { ok: false, refusal: BAD_REQUEST_MESSAGES.COMMENT_TOO_LONG };
  if (decision === 'DECLINE' && task.declaredAt !== undefined)
    return { ok: false, refusal: TASK_FORM_MESSAGES.DECLINE_AFTER_DECLARATION };
  if (needsReason(decision) && comment.length === 0)
    return { ok: false, refusal: COMMENT_MISSING_MESSAGES[decision] };
  if (decision === 'SUBMIT') {
    const evaluation = checkEvaluation(deps, task, form);
    return evaluation.ok ? { ...evaluation, comment } : evaluation;
  }
  if (decision !== 'CONFIRM') return { ok: true, decision, comment };
  const reference = (form.reference ?? '').trim();
  if (reference.length === 0) return { ok: false, refusal: TASK_FORM_MESSAGES.REFERENCE_REQUIRED };
  if (!PAYMENT_REFERENCE_PATTERN.test(reference))
    return { ok: false, refusal: TASK_FORM_MESSAGES.REFERENCE_INVALID };
  const amount = checkAmountPaid(task, form.amount);
  if (!amount.ok) return amount;
  return {
    ok: true,
    decision,
    comment,
    data: { reference, ...(amount.amountFen === undefined ? {} : { amountFen: amount.amountFen }) },
  };
}

/**
 * A CONFIRM's amount paid now: what the link asks for when left empty, else exact fen above zero
 * and no more than the link asks for (what was due on the tranche when the link was given).
 */
function checkAmountPaid(
  task: HumanTask,
  typed: string | undefined,
): { ok: true; amountFen?: number } | { ok: false; refusal: BilingualText } {
  if ((typed ?? '').trim() === '') return { ok: true };
  const read = readYuan(typed ?? '');
  if ('problem' in read || read.fen <= 0) return { ok: false, refusal: TASK_FORM_MESSAGES.AMOUNT_INVALID };
  const dueFen = Number(task.context?.amountFen);
  if (Number.isSafeInteger(dueFen) && read.fen > dueFen)
    return { ok: false, refusal: amountAboveDue(dueFen) };
  return { ok: true, amountFen: read.fen };
}

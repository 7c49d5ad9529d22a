import type { EvaluationRecord, PurchaseRecord } from './purchase.js';
import type { Decision, RecordedDecision, TaskAttempt } from './tasks.js';

/**
 * Which agency evaluates, round by round. An agency that declines the assignment or declares a
 * conflict of interest steps aside: its decision is recorded on the purchase under its step key
 * (with the reason, like every decision) and the next round begins at once with the next
 * independent agency from the roster, which gets a step (and a task link) of its own. Within a
 * round the wait is the usual one: the agency is asked, reminded, and on escalation replaced.
 */

export const EVALUATION_STEP = 'EVALUATION';

/** The decisions by which an agency steps aside; the evaluation goes on with another agency. */
export const STEP_ASIDE_DECISIONS = ['DECLINE', 'CONFLICT'] as const satisfies readonly Decision[];
export type StepAsideDecision = (typeof STEP_ASIDE_DECISIONS)[number];

export function stepsAside(decision: Decision): decision is StepAsideDecision {
  return (STEP_ASIDE_DECISIONS as readonly Decision[]).includes(decision);
}

/**
 * The step key of a round's task: `EVALUATION` for the first round (as before rounds existed),
 * `EVALUATION:<round>` after; an escalation's is the round's with `:ESCALATED`.
 */
export function evaluationStepKey(round: number, attempt: TaskAttempt): string {
  const base = round === 1 ? EVALUATION_STEP : `${EVALUATION_STEP}:${round}`;
  return attempt === 'ESCALATION' ? `${base}:ESCALATED` : base;
}

function isEvaluationStepKey(stepKey: string): boolean {
  return stepKey === EVALUATION_STEP || stepKey.startsWith(`${EVALUATION_STEP}:`);
}

/** The decisions of every evaluation round, oldest first. */
export function evaluationDecisions(decisions: PurchaseRecord['decisions']): RecordedDecision[] {
  return Object.entries(decisions)
    .filter(([stepKey]) => isEvaluationStepKey(stepKey))
    .map(([, decision]) => decision)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** The agencies' declines and conflict declarations, oldest first. */
export function stepAsides(decisions: PurchaseRecord['decisions']): RecordedDecision[] {
  return evaluationDecisions(decisions).filter((d) => stepsAside(d.decision));
}

/** The scores an agency submitted, whichever round it was. */
export function submittedEvaluation(decisions: PurchaseRecord['decisions']): RecordedDecision | undefined {
  return evaluationDecisions(decisions).find((d) => d.decision === 'SUBMIT');
}

/** The round the evaluation is in: 1, then +1 for every agency that stepped aside. */
export function evaluationRound(decisions: PurchaseRecord['decisions']): number {
  return stepAsides(decisions).length + 1;
}

/**
 * When the current agency was assigned. A record from before rounds were kept was assigned in the
 * first round, on escalation when an agency had already been replaced.
 */
export function assignedIn(evaluation: EvaluationRecord): NonNullable<EvaluationRecord['assignedIn']> {
  if (evaluation.assignedIn) return evaluation.assignedIn;
  return { round: 1, attempt: (evaluation.excludedAgencies ?? []).length > 0 ? 'ESCALATION' : 'FIRST' };
}

export type AgencyChange =
  | { assign: false }
  /** A new agency is assigned; `exclude` is every agency no longer asked, the replaced one included. */
  | { assign: true; exclude: string[]; replaces?: string };

/**
 * Whether an ask of the given round and attempt needs a new agency: at the first ask; when the
 * current agency was assigned in an earlier round (it stepped aside); and on the round's
 * escalation, once, when the agency asked first has not answered. A retry of an ask that already
 * assigned finds the assignment done.
 */
export function agencyChange(
  evaluation: EvaluationRecord | undefined,
  round: number,
  attempt: TaskAttempt,
): AgencyChange {
  if (!evaluation?.agencyId) return { assign: true, exclude: [] };
  const current = assignedIn(evaluation);
  const replaced =
    current.round < round ||
    (attempt === 'ESCALATION' && current.round === round && current.attempt === 'FIRST');
  if (!replaced) return { assign: false };
  const excluded = evaluation.excludedAgencies ?? [];
  const exclude = excluded.includes(evaluation.agencyId) ? excluded : [...excluded, evaluation.agencyId];
  return { assign: true, exclude, replaces: evaluation.agencyId };
}

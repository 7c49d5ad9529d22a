import type { BilingualText } from './bilingual.js';
import {
  DEFAULT_FINAL_TRANCHE_SHARES,
  type EvaluationAgency,
  type EvaluationCriterion,
  type FinalTrancheShares,
  GRADES,
  type Grade,
  type GradeBands,
  type RubricLine,
} from './lifecycle-settings.js';
import { assertFen, type Fen } from './money.js';

/**
 * Third-party evaluation: an independent agency scores the project on the rubric, the
 * weighted total decides the grade, and the grade decides the final tranche. Totals are
 * integers of tenths of a point (89.9 is 899) so no float ever decides a boundary.
 */

// The grades are the settings' (its bands and shares are per grade); said here for the rules that use them.
export { DEFAULT_FINAL_TRANCHE_SHARES, type FinalTrancheShares, GRADES, type Grade };

export const GRADE_LABELS: Readonly<Record<Grade, BilingualText>> = {
  EXCELLENT: { zh: '优秀', en: 'Excellent' },
  GOOD: { zh: '良好', en: 'Good' },
  PASS: { zh: '合格', en: 'Pass' },
  FAIL: { zh: '不合格', en: 'Fail' },
};

export const CRITERION_LABELS: Readonly<Record<EvaluationCriterion, BilingualText>> = {
  PROFESSIONAL_SERVICE: { zh: '专业服务', en: 'Professional service' },
  OUTCOMES: { zh: '服务成效', en: 'Outcomes' },
  MANAGEMENT: { zh: '项目管理', en: 'Management' },
};

/** A weighted total in tenths of a point: 899 is 89.9. */
export type TotalTenths = number;

export class EvaluationScoreError extends Error {
  override name = 'EvaluationScoreError';
}

/** A score of 0-100 with at most one decimal, as tenths; undefined when it is not one. */
function scoreTenths(score: number): number | undefined {
  if (!Number.isFinite(score) || score < 0 || score > 100) return undefined;
  const tenths = Math.round(score * 10);
  return Math.abs(score * 10 - tenths) < 1e-6 ? tenths : undefined;
}

/**
 * The weighted total of the scores, rounded half up to one decimal, in tenths. Every rubric
 * criterion needs a score of 0-100 (at most one decimal); a missing, extra or out-of-range
 * score is an EvaluationScoreError naming it.
 */
export function scoreEvaluation(
  scores: Readonly<Partial<Record<EvaluationCriterion, number>>>,
  rubric: readonly RubricLine[],
): TotalTenths {
  const problems: string[] = [];
  const inRubric = new Set(rubric.map((line) => line.criterion));
  for (const criterion of Object.keys(scores)) {
    if (!inRubric.has(criterion as EvaluationCriterion))
      problems.push(`${criterion} is not a rubric criterion`);
  }
  const weightTotal = rubric.reduce((total, line) => total + line.weight, 0);
  if (weightTotal !== 100) problems.push(`the rubric weights sum to ${weightTotal}, not 100`);
  // Sum of weight (percent) x score (tenths): hundredths of a tenth, an exact integer.
  let weighted = 0;
  for (const { criterion, weight } of rubric) {
    const score = scores[criterion];
    if (score === undefined) {
      problems.push(`no score for ${criterion}`);
      continue;
    }
    const tenths = scoreTenths(score);
    if (tenths === undefined) {
      problems.push(`the score for ${criterion} is ${score}; a score is 0 to 100 with at most one decimal`);
      continue;
    }
    weighted += weight * tenths;
  }
  if (problems.length > 0) throw new EvaluationScoreError(problems.join('; '));
  return Math.floor((weighted + 50) / 100);
}

/** 899 -> "89.9". */
export function formatTotal(total: TotalTenths): string {
  return `${Math.trunc(total / 10)}.${Math.abs(total % 10)}`;
}

function bandTenths(points: number): number {
  return Math.round(points * 10);
}

/** The grade of a total in tenths: at or above a band's threshold is in that band. */
export function gradeFor(total: TotalTenths, bands: GradeBands): Grade {
  if (total >= bandTenths(bands.excellent)) return 'EXCELLENT';
  if (total >= bandTenths(bands.good)) return 'GOOD';
  if (total >= bandTenths(bands.pass)) return 'PASS';
  return 'FAIL';
}

export type FinalTrancheDecision = 'PAY_IN_FULL' | 'REDUCE' | 'WITHHOLD';

/** What the grade makes of the planned final tranche: the share paid, in fen, and what goes back to the budget. */
export interface FinalTrancheAward {
  decision: FinalTrancheDecision;
  /** Absent when no evaluation was submitted (the tranche is withheld). */
  grade?: Grade;
  sharePercent: number;
  /** The tranche as the proposal's schedule planned it. */
  plannedFen: Fen;
  /** What finance is told to pay: the share of the plan, rounded down to the fen. */
  amountFen: Fen;
  /** plannedFen - amountFen, returned to the budget line when the purchase closes. */
  releasedFen: Fen;
}

/**
 * The final tranche a grade pays: `sharePercent` of the plan, rounded down to the whole fen (the
 * bureau never pays more than the share; the fen left over goes back to the budget line with the
 * rest of the reduction). 100% pays in full, 0% (or a share that rounds to nothing) withholds, any
 * other share reduces. No grade (no evaluation was submitted) withholds.
 */
export function finalTrancheAward(
  grade: Grade | undefined,
  plannedFen: Fen,
  shares: FinalTrancheShares = DEFAULT_FINAL_TRANCHE_SHARES,
): FinalTrancheAward {
  assertFen(plannedFen, 'the planned final tranche');
  const sharePercent = grade === undefined ? 0 : shares[grade];
  // BigInt: a tranche of up to 2^53 fen times 100 stays exact.
  const amountFen = Number((BigInt(plannedFen) * BigInt(sharePercent)) / 100n);
  const decision: FinalTrancheDecision =
    amountFen === 0 ? 'WITHHOLD' : amountFen === plannedFen ? 'PAY_IN_FULL' : 'REDUCE';
  return {
    decision,
    ...(grade === undefined ? {} : { grade }),
    sharePercent,
    plannedFen,
    amountFen,
    releasedFen: plannedFen - amountFen,
  };
}

/** What a grade does to the final tranche under the given shares (the default: a fail withholds, a pass pays). */
export function finalTrancheDecision(
  grade: Grade,
  shares: FinalTrancheShares = DEFAULT_FINAL_TRANCHE_SHARES,
): FinalTrancheDecision {
  const share = shares[grade];
  return share === 0 ? 'WITHHOLD' : share === 100 ? 'PAY_IN_FULL' : 'REDUCE';
}

export interface SkippedAgency {
  agencyId: string;
  reason: 'LINKED_TO_NGO' | 'LINKED_TO_BUREAU' | 'EXCLUDED';
}

export class NoIndependentAgencyError extends Error {
  override name = 'NoIndependentAgencyError';
  constructor(
    readonly purchaseId: string,
    readonly skipped: readonly SkippedAgency[],
  ) {
    const why: Record<SkippedAgency['reason'], string> = {
      LINKED_TO_NGO: 'linked to the NGO',
      LINKED_TO_BUREAU: 'linked to the bureau',
      EXCLUDED: 'excluded (declined or declared a conflict)',
    };
    super(
      skipped.length === 0
        ? `no evaluation agency can be assigned to ${purchaseId}: the roster is empty`
        : `no independent evaluation agency for ${purchaseId}: ${skipped.map((s) => `${s.agencyId} ${why[s.reason]}`).join('; ')}`,
    );
  }
}

/** FNV-1a over the UTF-8 bytes: a stable spread, not a secret. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export interface AgencyRequest {
  ngoCreditCode: string;
  purchaseId: string;
  /** Agencies already tried for this purchase (declined, declared a conflict, timed out). */
  exclude?: readonly string[];
}

/**
 * The evaluation agency for a purchase: agencies in id order, starting at a position given by
 * a hash of the purchase id (so work spreads over the roster, and a retry picks the same
 * one); the first that is tied neither to the NGO nor to the bureau and is not excluded.
 */
export function assignAgency(roster: readonly EvaluationAgency[], request: AgencyRequest): EvaluationAgency {
  const ordered = [...roster].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const start = ordered.length === 0 ? 0 : fnv1a(request.purchaseId) % ordered.length;
  const rotated = [...ordered.slice(start), ...ordered.slice(0, start)];
  const excluded = new Set(request.exclude ?? []);
  const ngo = request.ngoCreditCode.trim().toUpperCase();
  const skipped: SkippedAgency[] = [];
  for (const agency of rotated) {
    if (agency.linkedNgoCreditCodes.some((code) => code.toUpperCase() === ngo)) {
      skipped.push({ agencyId: agency.id, reason: 'LINKED_TO_NGO' });
    } else if (agency.linkedToBureau) {
      skipped.push({ agencyId: agency.id, reason: 'LINKED_TO_BUREAU' });
    } else if (excluded.has(agency.id)) {
      skipped.push({ agencyId: agency.id, reason: 'EXCLUDED' });
    } else {
      return agency;
    }
  }
  throw new NoIndependentAgencyError(request.purchaseId, skipped);
}

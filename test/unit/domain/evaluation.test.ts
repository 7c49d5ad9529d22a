import { describe, expect, it } from 'vitest';
import { creditCodeFrom, sampleProposal } from '../../../infra/local/samples/proposals.js';
import {
  assignAgency,
  EvaluationScoreError,
  type FinalTrancheShares,
  finalTrancheAward,
  finalTrancheDecision,
  formatTotal,
  gradeFor,
  NoIndependentAgencyError,
  scoreEvaluation,
} from '../../../shared/domain/evaluation.js';
import {
  DEFAULT_GRADE_BANDS,
  DEFAULT_RUBRIC,
  type EvaluationAgency,
} from '../../../shared/domain/lifecycle-settings.js';
import { InvalidAmountError } from '../../../shared/domain/money.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

const SHARES: FinalTrancheShares = { EXCELLENT: 100, GOOD: 100, PASS: 80, FAIL: 0 };

const NGO = sampleProposal().ngo.creditCode;
const OTHER_NGO = creditCodeFrom('52350212MJ0581942');

function agency(id: string, overrides: Partial<EvaluationAgency> = {}): EvaluationAgency {
  return {
    id,
    name: `${id} 评估中心`,
    email: `${id}@eval.example.org`,
    linkedNgoCreditCodes: [],
    linkedToBureau: false,
    sample: true,
    ...overrides,
  };
}

describe('scoreEvaluation', () => {
  it('weights the scores 40/40/20 by default', () => {
    const total = scoreEvaluation({ PROFESSIONAL_SERVICE: 90, OUTCOMES: 80, MANAGEMENT: 70 }, DEFAULT_RUBRIC);
    expect(total).toBe(820);
    expect(formatTotal(total)).toBe('82.0');
  });

  it('computes in integers, so a half that floating point loses still rounds up', () => {
    const thirds = [
      { criterion: 'PROFESSIONAL_SERVICE', weight: 33 },
      { criterion: 'OUTCOMES', weight: 33 },
      { criterion: 'MANAGEMENT', weight: 34 },
    ] as const;
    // Exactly 69.45, but 0.33*60.3 + 0.33*80.3 + 0.34*67.8 is 69.44999999999999 in floating point.
    expect(0.33 * 60.3 + 0.33 * 80.3 + 0.34 * 67.8).toBeLessThan(69.45);
    expect(scoreEvaluation({ PROFESSIONAL_SERVICE: 60.3, OUTCOMES: 80.3, MANAGEMENT: 67.8 }, thirds)).toBe(
      695,
    );
    const total = scoreEvaluation(
      { PROFESSIONAL_SERVICE: 89.9, OUTCOMES: 89.9, MANAGEMENT: 89.9 },
      DEFAULT_RUBRIC,
    );
    expect(total).toBe(899);
    expect(gradeFor(total, DEFAULT_GRADE_BANDS)).toBe('GOOD');
  });

  it('rounds the weighted total half up to one decimal', () => {
    // 0.4*85.3 + 0.4*90.1 + 0.2*77.7 = 85.7 exactly; 0.4*85.1 + 0.4*85.1 + 0.2*85.2 = 85.12 -> 85.1
    expect(
      scoreEvaluation({ PROFESSIONAL_SERVICE: 85.3, OUTCOMES: 90.1, MANAGEMENT: 77.7 }, DEFAULT_RUBRIC),
    ).toBe(857);
    expect(
      scoreEvaluation({ PROFESSIONAL_SERVICE: 85.1, OUTCOMES: 85.1, MANAGEMENT: 85.2 }, DEFAULT_RUBRIC),
    ).toBe(851);
    // 0.4*59.9 + 0.4*60 + 0.2*60.1 = 59.98 -> 60.0
    expect(
      scoreEvaluation({ PROFESSIONAL_SERVICE: 59.9, OUTCOMES: 60, MANAGEMENT: 60.1 }, DEFAULT_RUBRIC),
    ).toBe(600);
    // 1/3 weights: 0.33*60.1 + 0.33*60.1 + 0.34*60 = 60.066 -> 60.1; 0.33*0.1 +... = 0.066 -> 0.1
    const thirds = [
      { criterion: 'PROFESSIONAL_SERVICE', weight: 33 },
      { criterion: 'OUTCOMES', weight: 33 },
      { criterion: 'MANAGEMENT', weight: 34 },
    ] as const;
    expect(scoreEvaluation({ PROFESSIONAL_SERVICE: 60.1, OUTCOMES: 60.1, MANAGEMENT: 60 }, thirds)).toBe(601);
    expect(scoreEvaluation({ PROFESSIONAL_SERVICE: 0.1, OUTCOMES: 0.1, MANAGEMENT: 0 }, thirds)).toBe(1);
  });

  it('scores the extremes 0 and 100', () => {
    expect(
      scoreEvaluation({ PROFESSIONAL_SERVICE: 100, OUTCOMES: 100, MANAGEMENT: 100 }, DEFAULT_RUBRIC),
    ).toBe(1000);
    expect(scoreEvaluation({ PROFESSIONAL_SERVICE: 0, OUTCOMES: 0, MANAGEMENT: 0 }, DEFAULT_RUBRIC)).toBe(0);
  });

  it('names a missing score', () => {
    expect(() => scoreEvaluation({ PROFESSIONAL_SERVICE: 90, OUTCOMES: 80 }, DEFAULT_RUBRIC)).toThrow(
      new EvaluationScoreError('no score for MANAGEMENT'),
    );
  });

  it('names an out-of-range, non-number or too-precise score', () => {
    const attempt = (management: number) => () =>
      scoreEvaluation({ PROFESSIONAL_SERVICE: 90, OUTCOMES: 80, MANAGEMENT: management }, DEFAULT_RUBRIC);
    expect(attempt(100.1)).toThrow(
      'the score for MANAGEMENT is 100.1; a score is 0 to 100 with at most one decimal',
    );
    expect(attempt(-1)).toThrow('the score for MANAGEMENT is -1');
    expect(attempt(Number.NaN)).toThrow('the score for MANAGEMENT is NaN');
    expect(attempt(80.25)).toThrow(EvaluationScoreError);
  });

  it('refuses a score for a criterion the rubric does not have', () => {
    const scores = { PROFESSIONAL_SERVICE: 90, OUTCOMES: 80, MANAGEMENT: 70, CHARM: 100 } as never;
    expect(() => scoreEvaluation(scores, DEFAULT_RUBRIC)).toThrow('CHARM is not a rubric criterion');
  });
});

describe('gradeFor', () => {
  it('puts each boundary in the band it opens', () => {
    const cases: [number, string][] = [
      [1000, 'EXCELLENT'],
      [900, 'EXCELLENT'],
      [899, 'GOOD'],
      [800, 'GOOD'],
      [799, 'PASS'],
      [600, 'PASS'],
      [599, 'FAIL'],
      [0, 'FAIL'],
    ];
    for (const [total, grade] of cases)
      expect(gradeFor(total, DEFAULT_GRADE_BANDS), String(total)).toBe(grade);
  });

  it('follows configured bands, including one with a decimal', () => {
    const bands = { excellent: 92.5, good: 85, pass: 70 };
    expect(gradeFor(925, bands)).toBe('EXCELLENT');
    expect(gradeFor(924, bands)).toBe('GOOD');
    expect(gradeFor(699, bands)).toBe('FAIL');
    expect(gradeFor(700, bands)).toBe('PASS');
  });
});

describe('finalTrancheDecision', () => {
  it('by default withholds the final tranche on a fail and pays it in full on any passing grade', () => {
    expect(finalTrancheDecision('FAIL')).toBe('WITHHOLD');
    expect(finalTrancheDecision('PASS')).toBe('PAY_IN_FULL');
    expect(finalTrancheDecision('GOOD')).toBe('PAY_IN_FULL');
    expect(finalTrancheDecision('EXCELLENT')).toBe('PAY_IN_FULL');
  });

  it('reduces the final tranche on a grade whose configured share is between 0 and 100%', () => {
    expect(finalTrancheDecision('PASS', SHARES)).toBe('REDUCE');
    expect(finalTrancheDecision('GOOD', SHARES)).toBe('PAY_IN_FULL');
    expect(finalTrancheDecision('FAIL', SHARES)).toBe('WITHHOLD');
  });
});

describe('finalTrancheAward', () => {
  it('pays the share of the planned tranche rounded down to the fen; the rest goes back to the budget', () => {
    expect(finalTrancheAward('PASS', 14_400_001, SHARES)).toEqual({
      decision: 'REDUCE',
      grade: 'PASS',
      sharePercent: 80,
      plannedFen: 14_400_001,
      amountFen: 11_520_000,
      releasedFen: 2_880_001,
    });
  });

  it('pays a grade of 100% in full and releases nothing', () => {
    expect(finalTrancheAward('EXCELLENT', 9_999, SHARES)).toMatchObject({
      decision: 'PAY_IN_FULL',
      amountFen: 9_999,
      releasedFen: 0,
    });
  });

  it('withholds a fail, and a tranche without a grade (no evaluation was submitted), releasing all of it', () => {
    expect(finalTrancheAward('FAIL', 5_000, SHARES)).toMatchObject({
      decision: 'WITHHOLD',
      amountFen: 0,
      releasedFen: 5_000,
    });
    const none = finalTrancheAward(undefined, 5_000, SHARES);
    expect(none).toEqual({
      decision: 'WITHHOLD',
      sharePercent: 0,
      plannedFen: 5_000,
      amountFen: 0,
      releasedFen: 5_000,
    });
  });

  it('withholds a share that rounds down to no fen at all rather than notifying finance of ¥0.00', () => {
    expect(finalTrancheAward('PASS', 1, SHARES)).toMatchObject({
      decision: 'WITHHOLD',
      amountFen: 0,
      releasedFen: 1,
    });
  });

  it('stays exact for a tranche near the largest safe integer of fen', () => {
    const planned = Number.MAX_SAFE_INTEGER;
    const award = finalTrancheAward('PASS', planned, SHARES);
    expect(BigInt(award.amountFen)).toBe((BigInt(planned) * 80n) / 100n);
    expect(award.amountFen + award.releasedFen).toBe(planned);
  });

  it('refuses a planned tranche that is not whole fen', () => {
    expect(() => finalTrancheAward('PASS', 10.5, SHARES)).toThrow(InvalidAmountError);
  });
});

describe('assignAgency', () => {
  const roster = [agency('alpha'), agency('bravo'), agency('charlie'), agency('delta')];

  it('gives the same purchase the same agency every time, whatever the roster order', () => {
    const first = assignAgency(roster, { ngoCreditCode: NGO, purchaseId: 'PUR-2026-A' });
    const again = assignAgency([...roster].reverse(), { ngoCreditCode: NGO, purchaseId: 'PUR-2026-A' });
    expect(again.id).toBe(first.id);
  });

  it('spreads purchases over the roster', () => {
    const chosen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      chosen.add(assignAgency(roster, { ngoCreditCode: NGO, purchaseId: `PUR-2026-${i}` }).id);
    }
    expect(chosen).toEqual(new Set(['alpha', 'bravo', 'charlie', 'delta']));
  });

  it('never assigns an agency linked to the NGO or to the bureau', () => {
    const tied = [
      agency('alpha', { linkedNgoCreditCodes: [NGO] }),
      agency('bravo', { linkedToBureau: true }),
      agency('charlie'),
    ];
    for (let i = 0; i < 20; i++) {
      expect(assignAgency(tied, { ngoCreditCode: NGO, purchaseId: `PUR-2026-${i}` }).id).toBe('charlie');
    }
    // The tie to one NGO does not keep the agency from evaluating another.
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      ids.add(assignAgency(tied, { ngoCreditCode: OTHER_NGO, purchaseId: `PUR-2026-${i}` }).id);
    }
    expect(ids).toEqual(new Set(['alpha', 'charlie']));
  });

  it('matches the NGO credit code whatever its case or surrounding spaces', () => {
    const tied = [agency('alpha', { linkedNgoCreditCodes: [NGO] }), agency('bravo')];
    for (let i = 0; i < 10; i++) {
      const request = { ngoCreditCode: ` ${NGO.toLowerCase()} `, purchaseId: `PUR-${i}` };
      expect(assignAgency(tied, request).id).toBe('bravo');
    }
  });

  it('moves on to the next agency when one is excluded (declined or declared a conflict)', () => {
    const request = { ngoCreditCode: NGO, purchaseId: 'PUR-2026-B' };
    const first = assignAgency(roster, request);
    const second = assignAgency(roster, { ...request, exclude: [first.id] });
    expect(second.id).not.toBe(first.id);
    const third = assignAgency(roster, { ...request, exclude: [first.id, second.id] });
    expect([first.id, second.id]).not.toContain(third.id);
  });

  it('fails with NoIndependentAgencyError saying why each agency was skipped', () => {
    const tied = [
      agency('alpha', { linkedNgoCreditCodes: [NGO] }),
      agency('bravo', { linkedToBureau: true }),
      agency('charlie'),
    ];
    let error: unknown;
    try {
      assignAgency(tied, { ngoCreditCode: NGO, purchaseId: 'PUR-2026-C', exclude: ['charlie'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NoIndependentAgencyError);
    const noAgency = error as NoIndependentAgencyError;
    expect(noAgency.name).toBe('NoIndependentAgencyError');
    expect(noAgency.skipped).toEqual(
      expect.arrayContaining([
        { agencyId: 'alpha', reason: 'LINKED_TO_NGO' },
        { agencyId: 'bravo', reason: 'LINKED_TO_BUREAU' },
        { agencyId: 'charlie', reason: 'EXCLUDED' },
      ]),
    );
    expect(noAgency.message).toContain('alpha linked to the NGO');
    expect(noAgency.message).toContain('bravo linked to the bureau');
    expect(noAgency.message).toContain('charlie excluded');
  });

  it('fails clearly on an empty roster', () => {
    expect(() => assignAgency([], { ngoCreditCode: NGO, purchaseId: 'PUR-2026-D' })).toThrow(
      'no evaluation agency can be assigned to PUR-2026-D: the roster is empty',
    );
  });

  it('assigns the sample elderly-care NGO an agency other than the one that advised it', () => {
    const roster = TEST_LIFECYCLE.evaluation.agencies;
    for (let i = 0; i < 10; i++) {
      expect(assignAgency(roster, { ngoCreditCode: NGO, purchaseId: `PUR-2026-${i}` }).id).not.toBe(
        'ludao-eval',
      );
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  agencyChange,
  evaluationRound,
  evaluationStepKey,
  stepAsides,
  submittedEvaluation,
} from '../../../shared/domain/evaluation-assignment.js';
import type { RecordedDecision } from '../../../shared/domain/tasks.js';

const decided = (decision: RecordedDecision['decision'], at: string): RecordedDecision => ({
  decision,
  by: `${decision.toLowerCase()}@agency.example.org`,
  byName: decision,
  comment: `why ${decision}`,
  at,
  taskId: `task-${at}`,
});

describe('evaluation rounds', () => {
  it('keeps the first round’s step keys and numbers the later rounds', () => {
    expect(evaluationStepKey(1, 'FIRST')).toBe('EVALUATION');
    expect(evaluationStepKey(1, 'REMINDER')).toBe('EVALUATION');
    expect(evaluationStepKey(1, 'ESCALATION')).toBe('EVALUATION:ESCALATED');
    expect(evaluationStepKey(3, 'FIRST')).toBe('EVALUATION:3');
    expect(evaluationStepKey(3, 'ESCALATION')).toBe('EVALUATION:3:ESCALATED');
  });

  it('counts a round for each agency that declined or declared a conflict, in any step of the evaluation only', () => {
    const decisions = {
      'COUNTERSIGN:1': decided('REFUSE', '2026-04-01T00:00:00.000Z'),
      'MIDTERM_REVIEW:1': decided('PASS', '2026-08-01T00:00:00.000Z'),
      EVALUATION: decided('CONFLICT', '2026-09-01T00:00:00.000Z'),
      'EVALUATION:2:ESCALATED': decided('DECLINE', '2026-09-10T00:00:00.000Z'),
    };

    expect(evaluationRound({})).toBe(1);
    expect(evaluationRound(decisions)).toBe(3);
    expect(stepAsides(decisions).map((d) => d.decision)).toEqual(['CONFLICT', 'DECLINE']);
    expect(submittedEvaluation(decisions)).toBeUndefined();
    const submitted = decided('SUBMIT', '2026-09-20T00:00:00.000Z');
    expect(submittedEvaluation({ ...decisions, 'EVALUATION:3': submitted })).toEqual(submitted);
  });
});

describe('agencyChange', () => {
  it('assigns at the first ask, with nobody excluded', () => {
    expect(agencyChange(undefined, 1, 'FIRST')).toEqual({ assign: true, exclude: [] });
  });

  it('keeps the agency for its own round’s asks and reminder', () => {
    const evaluation = {
      agencyId: 'a',
      excludedAgencies: [],
      assignedIn: { round: 2, attempt: 'FIRST' as const },
    };
    expect(agencyChange(evaluation, 2, 'FIRST')).toEqual({ assign: false });
    expect(agencyChange(evaluation, 2, 'REMINDER')).toEqual({ assign: false });
  });

  it('replaces an agency that stepped aside at the next round’s first ask, excluding it with those before', () => {
    const evaluation = {
      agencyId: 'b',
      excludedAgencies: ['a'],
      assignedIn: { round: 1, attempt: 'ESCALATION' as const },
    };
    expect(agencyChange(evaluation, 2, 'FIRST')).toEqual({
      assign: true,
      exclude: ['a', 'b'],
      replaces: 'b',
    });
  });

  it('replaces the silent agency once on its round’s escalation; the retry finds it done', () => {
    const first = {
      agencyId: 'a',
      excludedAgencies: [],
      assignedIn: { round: 2, attempt: 'FIRST' as const },
    };
    expect(agencyChange(first, 2, 'ESCALATION')).toEqual({ assign: true, exclude: ['a'], replaces: 'a' });
    const escalated = {
      agencyId: 'b',
      excludedAgencies: ['a'],
      assignedIn: { round: 2, attempt: 'ESCALATION' as const },
    };
    expect(agencyChange(escalated, 2, 'ESCALATION')).toEqual({ assign: false });
  });

  it('reads a record from before rounds were kept as the first round: escalated once an agency was replaced', () => {
    expect(agencyChange({ agencyId: 'a', excludedAgencies: [] }, 1, 'ESCALATION')).toEqual({
      assign: true,
      exclude: ['a'],
      replaces: 'a',
    });
    expect(agencyChange({ agencyId: 'b', excludedAgencies: ['a'] }, 1, 'ESCALATION')).toEqual({
      assign: false,
    });
  });
});

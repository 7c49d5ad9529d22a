import { describe, expect, it } from 'vitest';
import {
  ALLOWED_TRANSITIONS,
  assertTransition,
  canTransition,
  IllegalTransitionError,
  isTerminal,
  STAGES,
} from '../../../shared/domain/lifecycle.js';
import { formatYuan, splitByPercent, yuanToFen } from '../../../shared/domain/money.js';

describe('purchase lifecycle', () => {
  it('moves forward stage by stage from proposal to closed', () => {
    const happyPath = [
      'PROPOSAL',
      'APPROVAL',
      'CONTRACTING',
      'MIDTERM_REVIEW',
      'EVALUATION',
      'CLOSED',
    ] as const;
    for (let i = 0; i + 1 < happyPath.length; i++) {
      expect(canTransition(happyPath[i] as never, happyPath[i + 1] as never)).toBe(true);
    }
  });

  it('rejects only before a contract exists and terminates only after', () => {
    expect(canTransition('PROPOSAL', 'REJECTED')).toBe(true);
    expect(canTransition('APPROVAL', 'REJECTED')).toBe(true);
    expect(canTransition('CONTRACTING', 'REJECTED')).toBe(false);
    expect(canTransition('APPROVAL', 'TERMINATED')).toBe(false);
    expect(canTransition('MIDTERM_REVIEW', 'TERMINATED')).toBe(true);
  });

  it('never skips a stage or goes back', () => {
    expect(canTransition('PROPOSAL', 'CONTRACTING')).toBe(false);
    expect(canTransition('CONTRACTING', 'APPROVAL')).toBe(false);
    expect(canTransition('EVALUATION', 'MIDTERM_REVIEW')).toBe(false);
  });

  it('has no way out of a final stage', () => {
    for (const stage of STAGES.filter(isTerminal)) {
      expect(ALLOWED_TRANSITIONS[stage]).toEqual([]);
      for (const to of STAGES) expect(canTransition(stage, to)).toBe(false);
    }
    expect(STAGES.filter(isTerminal)).toEqual(['CLOSED', 'REJECTED', 'TERMINATED']);
  });

  it('names both stages and the allowed ones when a move is illegal', () => {
    expect(() => assertTransition('CLOSED', 'APPROVAL')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('PROPOSAL', 'CLOSED')).toThrow(
      'a purchase at PROPOSAL cannot move to CLOSED; allowed: APPROVAL, REJECTED',
    );
    expect(() => assertTransition('CLOSED', 'APPROVAL')).toThrow('allowed: none (final stage)');
  });
});

describe('money in fen', () => {
  it('shows fen as yuan with two decimals and thousands separators', () => {
    expect(formatYuan(11_553_800)).toBe('¥115,538.00');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(-150)).toBe('-¥1.50');
    expect(() => formatYuan(1.5)).toThrow(/whole number of fen/);
  });

  it('splits a total by percentages without losing a fen', () => {
    const shares = splitByPercent(10_000_001, [30, 40, 30]);
    expect(shares).toEqual([3_000_000, 4_000_000, 3_000_001]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(10_000_001);
  });

  it('converts yuan to fen exactly for two-decimal amounts', () => {
    expect(yuanToFen(115_538)).toBe(11_553_800);
    expect(yuanToFen(0.29)).toBe(29);
  });
});

import { describe, expect, it } from 'vitest';
import {
  creditCodeFrom,
  largeElderlyCareProposal,
  sampleProposal,
  smallMinorProtectionProposal,
} from '../../../infra/local/samples/proposals.js';
import { isValidCreditCode } from '../../../shared/domain/credit-code.js';
import { sumFen } from '../../../shared/domain/money.js';
import { checkProposalPolicy, parseProposal } from '../../../shared/domain/policy.js';
import { TEST_POLICY } from '../../support/settings.js';

const policy = TEST_POLICY;

describe('sample proposals', () => {
  it.each([
    ['sampleProposal()', sampleProposal],
    ['largeElderlyCareProposal()', largeElderlyCareProposal],
    ['smallMinorProtectionProposal()', smallMinorProtectionProposal],
  ])('%s passes the schema and every policy rule with config/settings.json', (_name, make) => {
    const proposal = make();
    expect(parseProposal(proposal, policy)).toEqual(proposal);
    expect(checkProposalPolicy(proposal, policy)).toEqual([]);
  });

  it('runs over calendar 2026 against budget line 2026-MZ-ELDER-01 with tranches of 30/40/30', () => {
    const p = sampleProposal();
    expect(p.term).toEqual({ start: '2026-01-01', end: '2026-12-31' });
    expect(p.budgetLineRef).toBe('2026-MZ-ELDER-01');
    expect(p.district).toBe('思明区');
    expect(p.trancheSchedule.map((t) => [t.milestone, t.percent])).toEqual([
      ['CONTRACT_SIGNED', 30],
      ['MIDTERM_PASSED', 40],
      ['EVALUATION_PASSED', 30],
    ]);
    expect(sumFen(p.budgetLines.map((l) => l.amountFen))).toBe(p.totalFen);
    expect(isValidCreditCode(p.ngo.creditCode)).toBe(true);
  });

  it('puts the large sample above and the small sample below the full-chain threshold', () => {
    expect(largeElderlyCareProposal().totalFen).toBe(48_000_000);
    expect(smallMinorProtectionProposal().totalFen).toBe(12_000_000);
    expect(largeElderlyCareProposal().totalFen).toBeGreaterThan(policy.approval.fullChainAboveFen);
    expect(smallMinorProtectionProposal().totalFen).toBeLessThanOrEqual(policy.approval.fullChainAboveFen);
  });

  it('replaces top-level fields with the overrides given', () => {
    const p = sampleProposal({ district: '湖里区', totalFen: 1 });
    expect(p.district).toBe('湖里区');
    expect(p.totalFen).toBe(1);
    expect(p.title).toBe(sampleProposal().title);
  });

  it('builds fresh objects on every call, so changing one sample leaves the next untouched', () => {
    const first = sampleProposal();
    first.budgetLines[0] = { item: 'changed', amountFen: 0 };
    first.ngo.name = 'changed';
    expect(sampleProposal().budgetLines[0]?.item).not.toBe('changed');
    expect(sampleProposal().ngo.name).not.toBe('changed');
  });

  it('refuses to build a credit code from characters outside the code set', () => {
    expect(() => creditCodeFrom('52350203MJ042731O')).toThrow(/not 17 credit-code characters/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposal,
  liveSample,
  smallMinorProtectionProposal,
} from '../../../infra/local/samples/proposals.js';
import { checkProposalPolicy } from '../../../shared/domain/policy.js';
import type { PolicySettings } from '../../../shared/domain/policy-settings.js';
import { TEST_POLICY } from '../../support/settings.js';

/** The settings as a deployment would hold them on `today`: every benchmark up to the year before published. */
function policyOn(today: string): PolicySettings {
  const [newest] = [...TEST_POLICY.salaryBenchmarks].sort((a, b) => b.year - a.year);
  if (!newest) throw new Error('the settings hold no benchmark');
  const later = [];
  for (let year = newest.year + 1; year < Number(today.slice(0, 4)); year++)
    later.push({ ...newest, year, source: `test ${year}` });
  return { ...TEST_POLICY, salaryBenchmarks: [...TEST_POLICY.salaryBenchmarks, ...later] };
}

describe('samples moved to the real clock', () => {
  for (const today of ['2026-11-27', '2027-01-01', '2027-07-15', '2027-12-31', '2028-06-30']) {
    it(`pass every policy rule on ${today}, with the mid-term report due already and the term still running`, () => {
      for (const base of [largeElderlyCareProposal(), smallMinorProtectionProposal()]) {
        const live = liveSample(base, today);
        expect(checkProposalPolicy(live, policyOn(today), { today })).toEqual([]);
        const midterm = live.deliverables.find((d) => d.kind === 'MIDTERM_REPORT');
        expect(midterm && midterm.dueDate < today).toBe(true);
        expect(live.term.end > today).toBe(true);
        expect(live.title.slice(0, 4)).toBe(live.term.start.slice(0, 4));
        expect(live.budgetLineRef.slice(0, 4)).toBe(live.term.start.slice(0, 4));
      }
    });
  }

  it('keeps every date in its place in the term and the amounts as they were', () => {
    const base = largeElderlyCareProposal();
    const live = liveSample(base, '2027-03-10', 40);
    expect(live.term.end).toBe('2027-04-19');
    const offsets = (p: typeof base) =>
      p.deliverables.map((d) => (Date.parse(d.dueDate) - Date.parse(p.term.start)) / 86_400_000);
    expect(offsets(live)).toEqual(offsets(base));
    expect(live.totalFen).toBe(base.totalFen);
    expect(live.trancheSchedule).toEqual(base.trancheSchedule);
  });
});

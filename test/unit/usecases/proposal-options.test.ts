import { beforeEach, describe, expect, it } from 'vitest';
import { NEGATIVE_LIST } from '../../../shared/domain/catalogue.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { PolicySettings } from '../../../shared/domain/policy-settings.js';
import { proposalOptions } from '../../../shared/usecases/proposal-options.js';
import { createFakes, type Fakes } from '../../support/fakes/index.js';
import { recordingCalls } from '../../support/handler-harness.js';
import { TEST_POLICY } from '../../support/settings.js';

let fakes: Fakes;

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
});

const options = (query: Record<string, string | undefined> = {}, settings: PolicySettings = TEST_POLICY) =>
  proposalOptions({ budgets: fakes.budgets, settings, now: fakes.clock.now }, query);

describe('the new-proposal form’s options for a budget year', () => {
  it('lists the year’s budget lines, a line never reserved on with its whole total left', async () => {
    const answer = await options({ year: '2026' });

    expect(answer.year).toBe(2026);
    expect(answer.budgetLines.map((l) => l.lineId)).toEqual([
      '2026-MZ-ELDER-01',
      '2026-MZ-MINOR-01',
      '2026-MZ-RURAL-01',
    ]);
    expect(answer.budgetLines[0]).toEqual({
      lineId: '2026-MZ-ELDER-01',
      description: '2026 elderly care (sample)',
      totalFen: 500_000_000,
      availableFen: 500_000_000,
      totalYuan: '¥5,000,000.00',
      availableYuan: '¥5,000,000.00',
      inUse: false,
    });
  });

  it('shows what is left on a line once proposals have reserved on it', async () => {
    await fakes.budgets.ensureBudgetLine({
      lineId: '2026-MZ-MINOR-01',
      year: 2026,
      description: '2026 minor protection (sample)',
      totalFen: 200_000_000,
    });
    await fakes.budgets.reserve({
      lineId: '2026-MZ-MINOR-01',
      purchaseId: 'PUR-2026-A',
      amountFen: 12_000_050,
      now: fakes.clock.now(),
    });

    const minor = (await options({ year: '2026' })).budgetLines.find((l) => l.lineId === '2026-MZ-MINOR-01');

    expect(minor).toMatchObject({
      totalFen: 200_000_000,
      availableFen: 187_999_950,
      availableYuan: '¥1,879,999.50',
      inUse: true,
    });
  });

  it('takes this year in China when the query names none (08:00 on 31 December in Beijing is already the next year)', async () => {
    fakes.clock.set('2026-12-31T16:30:00.000Z');
    const answer = await options();
    expect(answer).toMatchObject({ year: 2027, today: '2027-01-01' });
    expect(answer.budgetLines.every((l) => l.lineId.startsWith('2027-'))).toBe(true);
  });

  it('has no budget line for a year the settings do not fund', async () => {
    expect((await options({ year: '2031' })).budgetLines).toEqual([]);
  });

  it('offers the catalogue by service area and the negative list with why each entry is refused', async () => {
    const answer = await options({ year: '2026' });

    expect(answer.catalogue.map((c) => c.serviceArea)).toEqual([
      'ELDERLY_CARE',
      'MINOR_PROTECTION',
      'RURAL_REVITALISATION',
    ]);
    expect(answer.catalogue[0]?.items[0]).toEqual({
      code: 'EC-HOME-CARE',
      nameZh: '居家养老上门服务',
      nameEn: 'Home-based elderly care visits',
    });
    expect(answer.negativeList).toHaveLength(NEGATIVE_LIST.length);
    expect(answer.negativeList.find((e) => e.code === 'NL-LABOUR-DISPATCH')?.reason).toMatch(
      /labour dispatch/,
    );
    expect(answer.termMonths).toEqual({ plain: 12, justified: 36 });
  });

  it('gives the salary benchmark of the year before, with the monthly minimum per worker', async () => {
    // The sample 2025 figure is the 2021 one repeated: 115,538 yuan a year is 9,628.17 a month, rounded up.
    expect((await options({ year: '2026' })).salaryBenchmark).toEqual({
      year: 2025,
      wantedYear: 2025,
      exact: true,
      annualWageFen: 11_553_800,
      monthlyMinimumFen: 962_817,
      annualWageYuan: '¥115,538.00',
      monthlyMinimumYuan: '¥9,628.17',
      source: expect.stringContaining('sample'),
      sample: true,
    });
  });

  it('lets the newest year stand in for one not published yet, saying until when, and gives none once a newer one is overdue', async () => {
    // On 2026-03-02 a 2027 proposal wants 2026, which nobody has; 2025 stands in until 2026's is due.
    expect((await options({ year: '2027' })).salaryBenchmark).toMatchObject({
      year: 2025,
      wantedYear: 2026,
      exact: false,
      standsInUntil: '2027-06-30',
    });
    const settings = structuredClone(TEST_POLICY) as PolicySettings;
    settings.salaryBenchmarks = settings.salaryBenchmarks.filter((b) => b.year < 2024);
    // 2024's figure was due by 2025-06-30: the form offers no benchmark, as the rule would refuse.
    expect((await options({ year: '2026' }, settings)).salaryBenchmark).toBeUndefined();
  });

  it('has no benchmark for a year before the first configured one (the form says the check cannot be made)', async () => {
    expect((await options({ year: '2021' })).salaryBenchmark).toBeUndefined();
  });

  it('refuses a year that is not one, or a parameter it does not know, naming it, before reading anything', async () => {
    const recorded = recordingCalls({ budgets: fakes.budgets });
    const read = (query: Record<string, string>) =>
      proposalOptions({ ...recorded.deps, settings: TEST_POLICY, now: fakes.clock.now }, query);

    for (const year of ['26', '2026a', '1999', '2101', '２０２６']) {
      const refused = await read({ year }).catch((e: unknown) => e);
      expect(refused, year).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).errors).toEqual([
        expect.objectContaining({ field: 'year', rule: 'schema-invalid-format' }),
      ]);
    }
    const typo = (await read({ yaer: '2026' }).catch((e: unknown) => e)) as ValidationError;
    expect(typo.errors).toEqual([expect.objectContaining({ field: 'yaer', rule: 'schema-unknown-field' })]);
    expect(recorded.calls).toEqual([]);
  });
});

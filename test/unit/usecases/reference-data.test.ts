import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { type FieldError, ValidationError } from '../../../shared/domain/errors.js';
import { checkProposalPolicy } from '../../../shared/domain/policy.js';
import type { BudgetLineSetting } from '../../../shared/domain/policy-settings.js';
import {
  deployedPolicy,
  policyWithReferenceData,
  REFERENCE_SECTIONS,
  referenceSeed,
  SEED_ACTOR,
} from '../../../shared/domain/reference-data.js';
import {
  currentReferenceData,
  editReferenceSection,
  ReferenceDataMissingError,
  referenceDataView,
} from '../../../shared/usecases/reference-data.js';
import { createFakes, type Fakes } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

const SEED = referenceSeed(TEST_POLICY, TEST_LIFECYCLE);
const ADMIN = 'admin@civil-affairs.example.gov.cn';
const ELDER_LINE = '2026-MZ-ELDER-01';
const ELDER_INDEX = SEED.budgetLines.findIndex((l) => l.lineId === ELDER_LINE);
const ELDER_TOTAL = SEED.budgetLines[ELDER_INDEX]?.totalFen ?? 0;
const RESERVED = 48_000_000;
let fakes: Fakes;

const deps = () => ({ referenceData: fakes.referenceData, budgets: fakes.budgets, now: fakes.clock.now });
const seed = () => fakes.referenceData.seed(SEED, fakes.clock.now());
const edit = (section: string, body: unknown) => editReferenceSection(deps(), { section, body, by: ADMIN });

/** The seeded budget lines, each a copy the test may change. */
const lines = (): BudgetLineSetting[] => SEED.budgetLines.map((line) => ({ ...line }));

/** The 2026 elderly-care line drawn on: its item created and RESERVED fen reserved on it. */
async function drawElderLine(): Promise<void> {
  await fakes.budgets.ensureBudgetLine({
    lineId: ELDER_LINE,
    year: 2026,
    description: 'elderly care',
    totalFen: ELDER_TOTAL,
  });
  await fakes.budgets.reserve({ lineId: ELDER_LINE, purchaseId: 'p-1', amountFen: RESERVED, now: 'x' });
}

/** The field errors an edit is refused with (it must be refused). */
async function refusal(section: string, body: unknown): Promise<FieldError[]> {
  const error = await edit(section, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).errors;
}

const versionOf = async (section: (typeof REFERENCE_SECTIONS)[number]) =>
  (await fakes.referenceData.read())[section]?.version;

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
});

describe('reading the reference data', () => {
  it('an unseeded table throws ReferenceDataMissingError naming every missing section', async () => {
    const read = currentReferenceData(fakes.referenceData);

    await expect(read).rejects.toThrow(ReferenceDataMissingError);
    await expect(read).rejects.toThrow(REFERENCE_SECTIONS.join(', '));
  });

  it('a seeded table gives the seeded values', async () => {
    await seed();

    expect(await currentReferenceData(fakes.referenceData)).toEqual(SEED);
  });

  it('the view gives each section with who changed it, what is left on drawn lines only, and the changes newest first', async () => {
    await seed();
    await drawElderLine();
    fakes.clock.advanceSeconds(60);
    const changedAt = fakes.clock.now();
    const deputy = { name: 'Acting Deputy', email: 'acting.deputy@civil-affairs.example.gov.cn' };
    expect(
      (await edit('approvers', { value: { ...SEED.approvers, DEPUTY: deputy }, version: 1 })).outcome,
    ).toBe('CHANGED');

    const view = await referenceDataView(deps());

    expect(view.sections.budgetLines).toEqual({
      value: SEED.budgetLines,
      version: 1,
      updatedAt: '2026-03-02T08:00:00.000Z',
      updatedBy: SEED_ACTOR,
      availableFen: { [ELDER_LINE]: ELDER_TOTAL - RESERVED },
    });
    expect(view.sections.approvers).toMatchObject({ version: 2, updatedBy: ADMIN, updatedAt: changedAt });
    expect(view.sections.agencies).toMatchObject({ value: SEED.agencies, version: 1 });
    expect(view.changes.map((c) => c.action)).toEqual(['reference.changed', 'reference.seeded']);
    expect(view.chain).toEqual({ valid: true, entries: 2 });
  });
});

describe('editing a section', () => {
  beforeEach(async () => {
    await seed();
  });

  it('an unknown section answers UNKNOWN_SECTION and changes nothing', async () => {
    expect(await edit('ngos', { value: [], version: 1 })).toEqual({ outcome: 'UNKNOWN_SECTION' });
    expect((await fakes.referenceData.changes()).entries).toHaveLength(1);
  });

  it('a body that breaks the schema throws ValidationError naming each field', async () => {
    const badTotal = lines();
    badTotal[0] = { ...SEED.budgetLines[0], totalFen: -5 } as BudgetLineSetting;
    const lineErrors = await refusal('budgetLines', { value: badTotal, version: 1 });
    expect(lineErrors.map((e) => e.field)).toEqual(['value[0].totalFen']);

    const badDeputy = { ...SEED.approvers, DEPUTY: { name: 'Deputy', email: 'not an address' } };
    const approverErrors = await refusal('approvers', { value: badDeputy, version: 1 });
    expect(approverErrors.map((e) => e.field)).toEqual(['value.DEPUTY.email']);

    expect(await versionOf('budgetLines')).toBe(1);
    expect(await versionOf('approvers')).toBe(1);
  });

  it('a line id, a benchmark year or an agency id given twice is reference-duplicate at the second row', async () => {
    const twiceLine = [...lines(), { ...lines()[0], description: 'again' } as BudgetLineSetting];
    expect(await refusal('budgetLines', { value: twiceLine, version: 1 })).toEqual([
      expect.objectContaining({
        rule: 'reference-duplicate',
        field: `value[${SEED.budgetLines.length}].lineId`,
      }),
    ]);

    const benchmark = SEED.salaryBenchmarks[0];
    const twiceYear = [benchmark, { ...benchmark, annualWageFen: 12_000_000 }];
    expect(await refusal('salaryBenchmarks', { value: twiceYear, version: 1 })).toEqual([
      expect.objectContaining({ rule: 'reference-duplicate', field: 'value[1].year' }),
    ]);

    const twiceAgency = [...SEED.agencies, { ...SEED.agencies[0], name: 'again' }];
    expect(await refusal('agencies', { value: twiceAgency, version: 1 })).toEqual([
      expect.objectContaining({ rule: 'reference-duplicate', field: `value[${SEED.agencies.length}].id` }),
    ]);
  });

  it('removing or renaming an existing budget line is reference-line-kept on value', async () => {
    const removed = lines().filter((l) => l.lineId !== ELDER_LINE);
    expect(await refusal('budgetLines', { value: removed, version: 1 })).toEqual([
      expect.objectContaining({ rule: 'reference-line-kept', field: 'value', value: [ELDER_LINE] }),
    ]);

    const renamed = lines().map((l) => (l.lineId === ELDER_LINE ? { ...l, lineId: '2026-MZ-ELDER-99' } : l));
    expect(await refusal('budgetLines', { value: renamed, version: 1 })).toEqual([
      expect.objectContaining({ rule: 'reference-line-kept', field: 'value', value: [ELDER_LINE] }),
    ]);
    expect(await versionOf('budgetLines')).toBe(1);
  });

  it("changing a line's year is reference-line-kept at that row's year", async () => {
    const moved = lines().map((l) => (l.lineId === ELDER_LINE ? { ...l, year: 2027 } : l));

    expect(await refusal('budgetLines', { value: moved, version: 1 })).toEqual([
      expect.objectContaining({ rule: 'reference-line-kept', field: `value[${ELDER_INDEX}].year` }),
    ]);
  });

  it('a total below what is reserved on the line is reference-total-below-reserved, and nothing moves', async () => {
    await drawElderLine();
    const lowered = lines().map((l) => (l.lineId === ELDER_LINE ? { ...l, totalFen: RESERVED - 1 } : l));

    expect(await refusal('budgetLines', { value: lowered, version: 1 })).toEqual([
      expect.objectContaining({
        rule: 'reference-total-below-reserved',
        field: `value[${ELDER_INDEX}].totalFen`,
      }),
    ]);
    expect(await fakes.budgets.getBudgetLine(ELDER_LINE)).toMatchObject({
      totalFen: ELDER_TOTAL,
      availableFen: ELDER_TOTAL - RESERVED,
    });
    expect(await versionOf('budgetLines')).toBe(1);
  });

  it('a higher total of a drawn line raises what is left on it by the difference', async () => {
    await drawElderLine();
    const raised = lines().map((l) =>
      l.lineId === ELDER_LINE ? { ...l, totalFen: ELDER_TOTAL + 1_000 } : l,
    );

    const outcome = await edit('budgetLines', { value: raised, version: 1 });

    expect(outcome).toMatchObject({
      outcome: 'CHANGED',
      section: { value: raised, version: 2, updatedBy: ADMIN },
    });
    expect(await fakes.budgets.getBudgetLine(ELDER_LINE)).toMatchObject({
      totalFen: ELDER_TOTAL + 1_000,
      availableFen: ELDER_TOTAL - RESERVED + 1_000,
    });
  });

  it('an edit of a version someone else changed meanwhile answers STALE and changes nothing', async () => {
    const chief = { name: 'New Chief', email: 'new.chief@civil-affairs.example.gov.cn' };
    expect(
      (await edit('approvers', { value: { ...SEED.approvers, SECTION_CHIEF: chief }, version: 1 })).outcome,
    ).toBe('CHANGED');

    const late = { name: 'Late Chief', email: 'late.chief@civil-affairs.example.gov.cn' };
    expect(
      await edit('approvers', { value: { ...SEED.approvers, SECTION_CHIEF: late }, version: 1 }),
    ).toEqual({
      outcome: 'STALE',
    });
    expect((await fakes.referenceData.read()).approvers).toMatchObject({
      version: 2,
      value: { SECTION_CHIEF: chief },
    });
  });

  it('the change of the approvers is summed up by the role that changed', async () => {
    const director = { name: 'New Director', email: 'new.director@civil-affairs.example.gov.cn' };

    await edit('approvers', { value: { ...SEED.approvers, BUREAU_DIRECTOR: director }, version: 1 });

    const last = (await fakes.referenceData.changes()).entries.at(-1);
    expect(last?.detail).toEqual({
      section: 'approvers',
      version: 2,
      summary: 'BUREAU_DIRECTOR is now New Director <new.director@civil-affairs.example.gov.cn>',
    });
  });

  it('the policy rules see an edited benchmark: a salary the seed accepted is refused after a higher 2025 wage', async () => {
    const proposal = largeElderlyCareProposal();
    const policy = async () =>
      policyWithReferenceData(deployedPolicy(TEST_POLICY), await currentReferenceData(fakes.referenceData));
    expect(checkProposalPolicy(proposal, await policy())).toEqual([]);

    const higher2025 = { year: 2025, annualWageFen: 13_000_000, source: 'Xiamen 2025 (test)', sample: true };
    const others = SEED.salaryBenchmarks.filter((b) => b.year !== 2025);
    await edit('salaryBenchmarks', { value: [...others, higher2025], version: 1 });

    // The social workers earn 10,000 yuan a month with welfare: 120,000 a year, below 130,000.
    expect(checkProposalPolicy(proposal, await policy())).toEqual([
      expect.objectContaining({ rule: 'salary-benchmark', field: 'staffPlan[1].monthlySalaryFen' }),
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { fieldId, placeServerErrors, WHOLE_FORM } from '../../../console/src/proposal/field-errors.js';
import { AGENCIES, blankAgency } from '../../../console/src/reference/agencies-draft.js';
import { APPROVERS } from '../../../console/src/reference/approvers-draft.js';
import { BUDGET_LINES, blankBudgetLine } from '../../../console/src/reference/budget-lines-draft.js';
import {
  blankSalaryBenchmark,
  SALARY_BENCHMARKS,
} from '../../../console/src/reference/salary-benchmarks-draft.js';
import { editorPath, sectionPutBody } from '../../../console/src/reference/section-drafting.js';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { REFERENCE_SCHEMAS, referenceSeed } from '../../../shared/domain/reference-data.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

const SEED = referenceSeed(TEST_POLICY, TEST_LIFECYCLE);
const GOOD_CODE = sampleProposal().ngo.creditCode;

describe('the reference data editors turn what was typed into the PUT body', () => {
  it('sends each section unchanged when nothing was changed, in the shape the domain accepts', () => {
    const budgetLines = BUDGET_LINES.valueOf(BUDGET_LINES.draftOf(SEED.budgetLines));
    const salaryBenchmarks = SALARY_BENCHMARKS.valueOf(SALARY_BENCHMARKS.draftOf(SEED.salaryBenchmarks));
    const approvers = APPROVERS.valueOf(APPROVERS.draftOf(SEED.approvers));
    const agencies = AGENCIES.valueOf(AGENCIES.draftOf(SEED.agencies));
    expect({ budgetLines, salaryBenchmarks, approvers, agencies }).toEqual(SEED);
    expect(z.parse(REFERENCE_SCHEMAS.agencies, agencies)).toEqual(SEED.agencies);
  });

  it('sends a new budget line typed in yuan as exact fen, trimmed, its id in capitals, with the version edited', () => {
    const draft = BUDGET_LINES.draftOf(SEED.budgetLines);
    draft.push({
      ...blankBudgetLine(),
      lineId: ' 2026-mz-youth-02 ',
      year: ' 2026',
      description: '  青少年社会工作服务 ',
      totalYuan: '¥1,234,567.29',
    });
    const body = sectionPutBody(BUDGET_LINES, draft, 4);
    expect(body.version).toBe(4);
    expect(body.value).toEqual([
      ...SEED.budgetLines,
      { lineId: '2026-MZ-YOUTH-02', year: 2026, description: '青少年社会工作服务', totalFen: 123456729 },
    ]);
    expect(z.parse(REFERENCE_SCHEMAS.budgetLines, body.value)).toEqual(body.value);
    expect(BUDGET_LINES.typedProblems(draft, true).size).toBe(0);
  });

  it('marks the rows read from the server as saved and the rows added as new', () => {
    expect(BUDGET_LINES.draftOf(SEED.budgetLines).every((row) => row.saved)).toBe(true);
    expect(AGENCIES.draftOf(SEED.agencies).every((row) => row.saved)).toBe(true);
    expect([blankBudgetLine(), blankSalaryBenchmark(), blankAgency()].some((row) => row.saved)).toBe(false);
  });

  it('leaves out an amount that is not one and names it as typed, an empty one only once saving', () => {
    const draft = SALARY_BENCHMARKS.draftOf(SEED.salaryBenchmarks);
    draft.push({ ...blankSalaryBenchmark(), year: 'twenty', annualWageYuan: '115538.005', source: ' ' });
    draft.push(blankSalaryBenchmark());
    const last = SEED.salaryBenchmarks.length;
    expect((SALARY_BENCHMARKS.valueOf(draft) as unknown[]).slice(last)).toEqual([
      { year: 'twenty', sample: false },
      { sample: false },
    ]);
    const typing = SALARY_BENCHMARKS.typedProblems(draft, false);
    expect([...typing.keys()]).toEqual([`salaryBenchmarks[${last}].annualWageFen`]);
    expect(typing.get(`salaryBenchmarks[${last}].annualWageFen`)?.zh).toBe('金额最多两位小数（精确到分）。');
    expect([...SALARY_BENCHMARKS.typedProblems(draft, true).keys()]).toEqual([
      `salaryBenchmarks[${last}].annualWageFen`,
      `salaryBenchmarks[${last + 1}].annualWageFen`,
    ]);
  });

  it('sends every credit code row of an agency as the server reads it, an empty one too, so indexes match', () => {
    const draft = AGENCIES.draftOf(SEED.agencies);
    draft.push({
      ...blankAgency(),
      id: ' city-audit ',
      name: '市审计咨询中心',
      email: ' audit@example.org ',
      linkedNgoCreditCodes: [` ${GOOD_CODE.toLowerCase()} `, '', GOOD_CODE.slice(0, 10)],
    });
    const sent = (AGENCIES.valueOf(draft) as unknown[]).at(-1);
    expect(sent).toEqual({
      id: 'city-audit',
      name: '市审计咨询中心',
      email: 'audit@example.org',
      linkedNgoCreditCodes: [GOOD_CODE, '', GOOD_CODE.slice(0, 10)],
      linkedToBureau: false,
      sample: false,
    });
    const row = draft.length - 1;
    expect(AGENCIES.typedProblems(draft, false).size).toBe(0);
    expect([...AGENCIES.typedProblems(draft, true)]).toEqual([
      [
        `agencies[${row}].linkedNgoCreditCodes[2]`,
        expect.objectContaining({ zh: '统一社会信用代码为 18 位。' }),
      ],
    ]);
  });

  it('sends approvers trimmed, and a name emptied out is left out for the server to require', () => {
    const draft = APPROVERS.draftOf(SEED.approvers);
    draft.DEPUTY = { name: '  ', email: ' deputy@bureau.example.gov.cn ' };
    expect(sectionPutBody(APPROVERS, draft, 2)).toEqual({
      value: { ...SEED.approvers, DEPUTY: { email: 'deputy@bureau.example.gov.cn' } },
      version: 2,
    });
  });
});

describe("the server's field errors, next to the editor's inputs", () => {
  it('names a field of the body by the section in place of `value`, and leaves other fields as they are', () => {
    expect(editorPath('budgetLines', 'value[1].totalFen')).toBe('budgetLines[1].totalFen');
    expect(editorPath('approvers', 'value.DEPUTY.email')).toBe('approvers.DEPUTY.email');
    expect(editorPath('agencies', 'value[0].linkedNgoCreditCodes[2]')).toBe(
      'agencies[0].linkedNgoCreditCodes[2]',
    );
    expect(editorPath('budgetLines', 'value')).toBe('budgetLines');
    expect(editorPath('budgetLines', 'version')).toBe('version');
    expect(editorPath('agencies', 'values')).toBe('values');
  });

  it('lands each error on its input, a removed line on the list, and the version on the form, in both languages', () => {
    const draft = AGENCIES.draftOf(SEED.agencies);
    draft[0]?.linkedNgoCreditCodes.push('', '52350203MJ0427315X');
    const placed = placeServerErrors(
      [
        {
          field: 'value[0].linkedNgoCreditCodes[2]',
          rule: 'credit-code-check-digit',
          message: 'check character',
        },
        { field: 'value', rule: 'reference-duplicate', message: 'ludao-eval is listed twice' },
        { field: 'version', rule: 'schema-invalid-type', message: 'expected a number' },
      ].map((e) => ({ ...e, field: editorPath('agencies', e.field) })),
      AGENCIES.shownPaths(draft),
    );
    expect(placed.get('agencies[0].linkedNgoCreditCodes[2]')?.[0]?.en).toBe('Check character');
    expect(placed.get('agencies')).toEqual([
      { zh: '同一编号或年度只能出现一次。', en: 'Ludao-eval is listed twice' },
    ]);
    expect(placed.get(WHOLE_FORM)?.[0]?.en).toBe('Expected a number (version)');
  });

  it('gives the rules of the reference data a Chinese sentence of their own', () => {
    const placed = placeServerErrors(
      [
        {
          field: 'budgetLines[0].totalFen',
          rule: 'reference-total-below-reserved',
          message: '¥200.00 is reserved on 2026-MZ-ELDER-01: its total cannot be less',
        },
      ],
      BUDGET_LINES.shownPaths(BUDGET_LINES.draftOf(SEED.budgetLines)),
    );
    expect(placed.get('budgetLines[0].totalFen')?.[0]?.zh).toBe('预算指标总额不能低于其上已预留的金额。');
  });

  it('gives no two inputs of the page the same id', () => {
    const paths = [
      ...BUDGET_LINES.shownPaths(BUDGET_LINES.draftOf(SEED.budgetLines)),
      ...SALARY_BENCHMARKS.shownPaths(SALARY_BENCHMARKS.draftOf(SEED.salaryBenchmarks)),
      ...APPROVERS.shownPaths(APPROVERS.draftOf(SEED.approvers)),
      ...AGENCIES.shownPaths(AGENCIES.draftOf(SEED.agencies)),
    ];
    expect(new Set(paths.map(fieldId)).size).toBe(paths.length);
  });
});

import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { type FieldError, ValidationError } from '../../../shared/domain/errors.js';
import { parseProposal } from '../../../shared/domain/policy.js';
import { TEST_POLICY } from '../../support/settings.js';

const policy = TEST_POLICY;

/** The FieldErrors parseProposal throws for `raw`; fails the test when it does not throw. */
function errorsFor(raw: unknown, today?: string): FieldError[] {
  try {
    parseProposal(raw, policy, today === undefined ? {} : { today });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors;
  }
  throw new Error('parseProposal accepted the input');
}

/** The sample as JSON arriving over HTTP, with some fields changed. */
const body = (changes: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...JSON.parse(JSON.stringify(sampleProposal())),
  ...changes,
});

describe('parseProposal: schema problems in words', () => {
  it('reports an unknown top-level field at its own path, with the known fields', () => {
    expect(errorsFor(body({ discountPercent: 5 }))).toEqual([
      {
        field: 'discountPercent',
        rule: 'schema-unknown-field',
        value: 5,
        message: "unknown field 'discountPercent' is not allowed",
        allowed: expect.stringMatching(/^known fields: title, serviceArea, serviceItem, .*justification$/),
      },
    ]);
  });

  it('takes the bank account number as typed with spaces or hyphens, and names the field when it is not digits', () => {
    const raw = body();
    const account = {
      bankName: '中国建设银行厦门思明支行',
      accountName: '乐龄中心',
      accountNumber: ' 3515-0198 0101 0000 4215 ',
    };
    raw.ngo = { ...(raw.ngo as object), bankAccount: account };
    expect(parseProposal(raw, TEST_POLICY).ngo.bankAccount?.accountNumber).toBe('35150198010100004215');
    raw.ngo = { ...(raw.ngo as object), bankAccount: { ...account, accountNumber: '3515 0198 ABCD' } };
    expect(errorsFor(raw)).toEqual([
      expect.objectContaining({
        field: 'ngo.bankAccount.accountNumber',
        rule: 'schema-invalid-format',
        message:
          'must be a bank account number of 8 to 32 digits (spaces and hyphens may separate them), got the text "3515 0198 ABCD"',
      }),
    ]);
  });

  it('refuses a proposal without the NGO’s bank account, naming the field', () => {
    const raw = body();
    raw.ngo = { ...(raw.ngo as { bankAccount?: unknown }), bankAccount: undefined };
    expect(errorsFor(raw)).toEqual([
      expect.objectContaining({ field: 'ngo.bankAccount', rule: 'payee-account-required' }),
    ]);
  });

  it('reports each unknown field of a nested object as its own error', () => {
    const raw = body();
    raw.ngo = { ...(raw.ngo as object), website: 'ngo.example.org', legalPerson: '张三' };
    raw.staffPlan = [{ ...(raw.staffPlan as object[])[0], bonusFen: 1 }];
    expect(errorsFor(raw).map((e) => [e.field, e.rule, e.message, e.allowed])).toEqual([
      [
        'ngo.website',
        'schema-unknown-field',
        "unknown field 'website' is not allowed",
        'known fields: name, creditCode, contactEmail, bankAccount',
      ],
      [
        'ngo.legalPerson',
        'schema-unknown-field',
        "unknown field 'legalPerson' is not allowed",
        'known fields: name, creditCode, contactEmail, bankAccount',
      ],
      [
        'staffPlan[0].bonusFen',
        'schema-unknown-field',
        "unknown field 'bonusFen' is not allowed",
        'known fields: role, headcount, monthlySalaryFen, monthlySocialWelfareFen',
      ],
    ]);
  });

  it('names the expected type and what arrived instead', () => {
    expect(errorsFor(body({ serviceItem: 42 }))).toEqual([
      {
        field: 'serviceItem',
        rule: 'schema-invalid-type',
        value: 42,
        message: 'must be text, got number 42',
        allowed: 'text',
      },
    ]);
  });

  it('refuses an amount given as text and says fen are expected', () => {
    expect(errorsFor(body({ totalFen: '480000' }))).toEqual([
      expect.objectContaining({
        field: 'totalFen',
        rule: 'schema-invalid-type',
        message: 'must be a whole number of fen, got the text "480000"',
      }),
    ]);
  });

  it('refuses fractional fen under the integer-fen money rule', () => {
    const raw = body();
    raw.budgetLines = [{ item: '人员经费', amountFen: 48_000_000.5 }];
    expect(errorsFor(raw)).toEqual([
      {
        field: 'budgetLines[0].amountFen',
        rule: 'money-integer-fen',
        value: 48_000_000.5,
        message: 'must be a whole number of fen (1 yuan = 100 fen), got 48000000.5',
        allowed: 'a whole number of fen, e.g. 12345 for ¥123.45',
      },
    ]);
  });

  it('reports a missing required field with what it should hold', () => {
    const raw = body();
    delete raw.serviceArea;
    delete raw.term;
    expect(errorsFor(raw)).toEqual([
      {
        field: 'serviceArea',
        rule: 'schema-required',
        message: 'is required but was not given',
        allowed: 'one of ELDERLY_CARE, MINOR_PROTECTION, RURAL_REVITALISATION',
      },
      {
        field: 'term',
        rule: 'schema-required',
        message: 'is required but was not given',
        allowed: 'an object',
      },
    ]);
  });

  it('lists the allowed values of an enumeration', () => {
    expect(errorsFor(body({ procurementMethod: 'DIRECT_AWARD' }))).toEqual([
      expect.objectContaining({
        field: 'procurementMethod',
        rule: 'schema-invalid-value',
        message: expect.stringMatching(
          /^must be one of PUBLIC_TENDER, .*INQUIRY, got the text "DIRECT_AWARD"$/,
        ),
      }),
    ]);
  });

  it('states length limits of text and lists', () => {
    const raw = body({ title: ' 项目 ', deliverables: [] });
    expect(errorsFor(raw)).toEqual([
      expect.objectContaining({
        field: 'title',
        rule: 'schema-too-small',
        message: 'must have at least 4 characters; it has 2',
        allowed: 'at least 4 characters',
      }),
      expect.objectContaining({
        field: 'deliverables',
        rule: 'schema-too-small',
        message: 'must have at least 1 item; it has 0',
      }),
    ]);
  });

  it('states numeric bounds', () => {
    const raw = body();
    raw.staffPlan = [
      { role: '社工', headcount: 0, monthlySalaryFen: 800_000, monthlySocialWelfareFen: 200_000 },
    ];
    expect(errorsFor(raw)).toEqual([
      expect.objectContaining({
        field: 'staffPlan[0].headcount',
        rule: 'schema-too-small',
        message: 'must be more than 0; it is 0',
      }),
    ]);
  });

  it('asks for an exact length where one is fixed', () => {
    const raw = body();
    raw.ngo = { ...(raw.ngo as object), creditCode: '52350203MJ042731' };
    expect(errorsFor(raw)).toEqual([
      expect.objectContaining({
        field: 'ngo.creditCode',
        rule: 'schema-too-small',
        allowed: 'exactly 18 characters',
      }),
    ]);
  });

  it('describes dates and references by example rather than by regular expression', () => {
    const raw = body({ term: { start: '2026-02-30', end: '2026-12-31' }, budgetLineRef: 'elder 2026' });
    expect(errorsFor(raw)).toEqual([
      expect.objectContaining({
        field: 'term.start',
        rule: 'schema-invalid-format',
        message: 'must be a calendar date written YYYY-MM-DD, e.g. 2026-01-01, got the text "2026-02-30"',
      }),
      expect.objectContaining({
        field: 'budgetLineRef',
        rule: 'schema-invalid-format',
        allowed: expect.stringContaining('e.g. 2026-MZ-ELDER-01'),
      }),
    ]);
  });

  it('refuses a body that is not an object', () => {
    expect(errorsFor(null)).toEqual([
      expect.objectContaining({
        field: '(body)',
        rule: 'schema-invalid-type',
        message: 'must be an object, got null',
      }),
    ]);
  });

  it('joins every problem into the error message, each prefixed by its field', () => {
    try {
      parseProposal(body({ serviceItem: 42, extra: true }), policy);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ name: 'ValidationError' });
      expect((error as Error).message).toBe(
        "serviceItem: must be text, got number 42; extra: unknown field 'extra' is not allowed",
      );
    }
  });
});

describe('parseProposal: policy rules after the schema', () => {
  it('returns the parsed proposal, with the credit code trimmed and upper-cased', () => {
    const raw = body();
    const code = sampleProposal().ngo.creditCode;
    raw.ngo = { ...(raw.ngo as object), creditCode: ` ${code.toLowerCase()} ` };
    expect(parseProposal(raw, policy).ngo.creditCode).toBe(code);
  });

  it('reports every broken rule at once', () => {
    const raw = body({
      serviceItem: 'NL-GOODS',
      budgetLineRef: '2025-MZ-ELDER-01',
      staffPlan: [
        { role: '社工', headcount: 2, monthlySalaryFen: 700_000, monthlySocialWelfareFen: 150_000 },
      ],
    });
    expect(errorsFor(raw, '2026-02-01').map((e) => [e.field, e.rule])).toEqual([
      ['serviceItem', 'negative-list'],
      ['staffPlan[0].monthlySalaryFen', 'salary-benchmark'],
      ['budgetLineRef', 'budget-line-year'],
    ]);
  });

  it('passes today on to the rules that need it', () => {
    expect(errorsFor(body(), '2027-01-01').map((e) => [e.field, e.rule])).toEqual([
      ['term.end', 'term-already-ended'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  blankDraft,
  type DraftStore,
  discardDraft,
  draftOfProposal,
  draftStorageKey,
  loadDraft,
  type ProposalDraft,
  saveDraft,
  yuanTextOf,
} from '../../../console/src/proposal/draft.js';
import {
  fieldId,
  formPaths,
  placeOf,
  placeServerErrors,
  WHOLE_FORM,
} from '../../../console/src/proposal/field-errors.js';
import {
  proposalBody,
  termNeedsJustification,
  typedCreditCodeProblem,
  typedProblems,
} from '../../../console/src/proposal/proposal-body.js';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { parseProposal } from '../../../shared/domain/policy.js';
import { TEST_POLICY } from '../../support/settings.js';

const NOW = '2026-03-02T08:00:00.000Z';
const GOOD_CODE = sampleProposal().ngo.creditCode;

/** The large sample as an officer would type it, amounts in yuan. */
function typedSample(): ProposalDraft {
  const p = sampleProposal();
  return {
    ...blankDraft(NOW),
    title: p.title,
    serviceArea: p.serviceArea,
    serviceItem: p.serviceItem,
    district: p.district,
    purchasingUnit: p.purchasingUnit,
    procurementMethod: p.procurementMethod,
    term: { ...p.term },
    ngo: {
      ...p.ngo,
      creditCode: ` ${p.ngo.creditCode.toLowerCase()} `,
      bankAccount: { bankName: '', accountName: '', accountNumber: '', ...p.ngo.bankAccount },
    },
    budgetLineRef: p.budgetLineRef,
    totalYuan: '480,000',
    budgetLines: [
      { item: p.budgetLines[0]?.item ?? '', amountYuan: '382,800.00' },
      { item: p.budgetLines[1]?.item ?? '', amountYuan: '62000' },
      { item: p.budgetLines[2]?.item ?? '', amountYuan: '２0000' },
      { item: p.budgetLines[3]?.item ?? '', amountYuan: '¥15,200' },
    ],
    staffPlan: [
      { role: '项目主管', headcount: '1', monthlySalaryYuan: '9500', monthlySocialWelfareYuan: '2400' },
      { role: '社工', headcount: '2', monthlySalaryYuan: '8000.00', monthlySocialWelfareYuan: '2,000' },
    ],
    trancheSchedule: [
      { milestone: 'CONTRACT_SIGNED', percent: '30' },
      { milestone: 'MIDTERM_PASSED', percent: '40' },
      { milestone: 'EVALUATION_PASSED', percent: '30' },
    ],
    deliverables: p.deliverables.map((d) => ({ ...d })),
    justification: 'left over from a longer term that is no longer asked for',
  };
}

describe('the proposal form turns what was typed into the proposal the server reads', () => {
  it('sends amounts typed in yuan as exact fen, and the sample as typed is the sample', () => {
    const body = proposalBody(typedSample());
    expect(typedProblems(typedSample(), true).size).toBe(0);
    // The hidden justification of a 12-month term is not sent.
    expect(body).toEqual(sampleProposal());
    expect(parseProposal(body, TEST_POLICY)).toEqual(sampleProposal());
  });

  it('leaves empty fields out so the server says they are required, and sends a count that is not one as typed', () => {
    const draft = blankDraft(NOW);
    draft.staffPlan = [{ role: '', headcount: 'two', monthlySalaryYuan: '', monthlySocialWelfareYuan: '' }];
    const body = proposalBody(draft);
    expect(body).toEqual({
      ngo: {},
      term: {},
      budgetLines: [{}],
      staffPlan: [{ headcount: 'two' }],
      trancheSchedule: [
        { milestone: 'CONTRACT_SIGNED' },
        { milestone: 'MIDTERM_PASSED' },
        { milestone: 'EVALUATION_PASSED' },
      ],
      deliverables: [{ kind: 'MIDTERM_REPORT' }, { kind: 'FINAL_REPORT' }],
    });
  });

  it('sends the justification only with a term over 12 months', () => {
    const draft = typedSample();
    draft.term = { start: '2026-01-01', end: '2027-06-30' };
    expect(termNeedsJustification(draft.term)).toBe(true);
    expect(proposalBody(draft).justification).toBe(draft.justification);
    draft.term.end = '2026-12-31';
    expect(termNeedsJustification(draft.term)).toBe(false);
  });

  it('names an amount that is not one under the server’s path of its field, an empty one only once submitted', () => {
    const draft = typedSample();
    const line = draft.staffPlan[1];
    if (!line) throw new Error('no staff line');
    line.monthlySalaryYuan = '8000.505';
    draft.totalYuan = '';
    const typing = typedProblems(draft, false);
    expect([...typing.keys()]).toEqual(['staffPlan[1].monthlySalaryFen']);
    expect(typing.get('staffPlan[1].monthlySalaryFen')).toEqual({
      zh: '金额最多两位小数（精确到分）。',
      en: 'At most two decimals (fen).',
    });
    expect([...typedProblems(draft, true).keys()]).toEqual(['totalFen', 'staffPlan[1].monthlySalaryFen']);
  });
  it('sends nothing the server could register while a typed problem stands: the amount is left out, the code refused', () => {
    const badAmount = typedSample();
    const cost = badAmount.budgetLines[0];
    if (!cost) throw new Error('no cost line');
    cost.amountYuan = '382,800.001';
    expect(proposalBody(badAmount).budgetLines).toContainEqual({ item: cost.item });
    expect(() => parseProposal(proposalBody(badAmount), TEST_POLICY)).toThrow(
      /budgetLines\[0\]\.amountFen: is required/,
    );
    const badCode = typedSample();
    badCode.ngo.creditCode = `${GOOD_CODE.slice(0, 17)}${GOOD_CODE.endsWith('0') ? '1' : '0'}`;
    expect(typedProblems(badCode, false).has('ngo.creditCode')).toBe(true);
    expect(() => parseProposal(proposalBody(badCode), TEST_POLICY)).toThrow(/ngo\.creditCode: credit code/);
  });
});

describe('the credit code, checked as it is typed', () => {
  it('says nothing of an unfinished code whose characters so far are right', () => {
    for (let n = 0; n < 18; n++)
      expect(typedCreditCodeProblem(GOOD_CODE.slice(0, n)), String(n)).toBeUndefined();
    expect(typedCreditCodeProblem(GOOD_CODE)).toBeUndefined();
  });

  it('names a wrong character as soon as it is typed, and a wrong check character once all 18 are in', () => {
    expect(typedCreditCodeProblem('52O')?.en).toBe("Character 3 'O' is not used in credit codes.");
    expect(typedCreditCodeProblem('0')?.zh).toMatch(/第 1 位不是登记管理部门代码/);
    expect(typedCreditCodeProblem('5235')).toBeUndefined();
    expect(typedCreditCodeProblem('52999999')?.zh).toMatch(/行政区划/);
    const expected = GOOD_CODE.charAt(17);
    const wrong = `${GOOD_CODE.slice(0, 17)}${expected === '0' ? '1' : '0'}`;
    const problem = typedCreditCodeProblem(wrong);
    expect(problem?.zh).toBe(`校验位不对：前 17 位对应的第 18 位应为“${expected}”，请检查是否输错。`);
    expect(problem?.en).toMatch(new RegExp(`call for '${expected}'`));
  });

  it('counts an unfinished code as a problem once the officer submits', () => {
    const draft = typedSample();
    draft.ngo.creditCode = GOOD_CODE.slice(0, 12);
    expect(typedProblems(draft, false).has('ngo.creditCode')).toBe(false);
    expect(typedProblems(draft, true).get('ngo.creditCode')?.en).toBe('Must be 18 characters, got 12.');
  });
});

describe("the server's field errors, next to their fields", () => {
  const shown = formPaths(typedSample());

  it('lands an error on the input named by its path, a row field included', () => {
    expect(fieldId('staffPlan[1].monthlySalaryFen')).toBe('p-staffPlan-1-monthlySalaryFen');
    expect(placeOf('staffPlan[1].monthlySalaryFen', shown)).toBe('staffPlan[1].monthlySalaryFen');
    expect(placeOf('budgetLines', shown)).toBe('budgetLines');
  });

  it('climbs to the nearest part the form shows, else to the form itself', () => {
    expect(placeOf('staffPlan[7].role', shown)).toBe('staffPlan');
    expect(placeOf('term', shown)).toBe('term.start');
    expect(placeOf('justification', shown)).toBe(WHOLE_FORM);
    expect(placeOf('(body)', shown)).toBe(WHOLE_FORM);
    expect(placeOf('ngo.website', shown)).toBe('ngo.name');
  });

  it('shows each in Chinese by its rule and in English as the server wrote it', () => {
    const placed = placeServerErrors(
      [
        {
          field: 'staffPlan[1].monthlySalaryFen',
          rule: 'salary-benchmark',
          message: 'staff line 2 (社工): salary ¥5,000.00 … below the 2021 benchmark',
          allowed: 'at least ¥9,628.17 a month',
        },
        { field: 'staffPlan[9].role', rule: 'schema-required', message: 'is required but was not given' },
      ],
      shown,
    );
    expect(placed.get('staffPlan[1].monthlySalaryFen')).toEqual([
      {
        zh: '每名全职人员的月工资与社会保障费合计，折合全年低于上年度本市非私营单位在岗职工平均工资。',
        en: 'Staff line 2 (社工): salary ¥5,000.00 … below the 2021 benchmark. Allowed: at least ¥9,628.17 a month',
      },
    ]);
    expect(placed.get('staffPlan')).toEqual([
      { zh: '此项必须填写。', en: 'Is required but was not given (staffPlan[9].role)' },
    ]);
  });
});

describe('the draft kept in the browser', () => {
  class MemoryStore implements DraftStore {
    readonly items = new Map<string, string>();
    getItem(key: string) {
      return this.items.get(key) ?? null;
    }
    setItem(key: string, value: string) {
      this.items.set(key, value);
    }
    removeItem(key: string) {
      this.items.delete(key);
    }
  }

  it('comes back as it was typed, Idempotency-Key included, for the same person only', () => {
    const store = new MemoryStore();
    const draft = typedSample();
    saveDraft(store, 'officer-li', draft);
    const { accountNumber, ...keptAccount } = draft.ngo.bankAccount;
    expect(loadDraft(store, 'officer-li', NOW)).toEqual({
      ...draft,
      ngo: { ...draft.ngo, bankAccount: { ...keptAccount, accountNumber: '' } },
    });
    expect(loadDraft(store, 'officer-wang', NOW)).toBeUndefined();
    expect(draft.idempotencyKey).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(blankDraft(NOW).idempotencyKey).not.toBe(draft.idempotencyKey);
    discardDraft(store, 'officer-li');
    expect(loadDraft(store, 'officer-li', NOW)).toBeUndefined();
  });

  it("never keeps the NGO's account number in the browser's storage", () => {
    const store = new MemoryStore();
    const draft = typedSample();
    const digits = draft.ngo.bankAccount.accountNumber.replace(/\D/g, '');
    expect(digits.length).toBeGreaterThan(8);
    saveDraft(store, 'officer-li', draft);
    const stored = store.getItem(draftStorageKey('officer-li')) ?? '';
    expect(stored.replace(/\D/g, '')).not.toContain(digits);
    expect(draft.ngo.bankAccount.accountNumber).not.toBe('');
  });

  it('reads a stored draft field by field, so a broken or foreign one cannot break the form', () => {
    const store = new MemoryStore();
    store.setItem(
      'ngo-console:proposal-draft:officer-li',
      JSON.stringify({ title: 42, ngo: 'x', staffPlan: [{ role: 'r' }], extra: 1 }),
    );
    const draft = loadDraft(store, 'officer-li', NOW);
    expect(draft?.title).toBe('');
    expect(draft?.ngo).toEqual({
      creditCode: '',
      name: '',
      contactEmail: '',
      bankAccount: { bankName: '', accountName: '', accountNumber: '' },
    });
    expect(draft?.staffPlan).toEqual([
      { role: 'r', headcount: '1', monthlySalaryYuan: '', monthlySocialWelfareYuan: '' },
    ]);
    expect(draft).not.toHaveProperty('extra');
    store.setItem('ngo-console:proposal-draft:officer-li', '{not json');
    expect(loadDraft(store, 'officer-li', NOW)).toBeUndefined();
  });
});

describe('the NGO’s bank account in the form', () => {
  it('sends the account as typed, the number with its spaces (the server takes them out)', () => {
    const draft = typedSample();
    draft.ngo.bankAccount.accountNumber = '3515 0198 0101 0000 4215';
    expect(proposalBody(draft)).toMatchObject({
      ngo: {
        bankAccount: { ...sampleProposal().ngo.bankAccount, accountNumber: '3515 0198 0101 0000 4215' },
      },
    });
    expect(parseProposal(proposalBody(draft), TEST_POLICY).ngo.bankAccount?.accountNumber).toBe(
      '35150198010100004215',
    );
  });

  it('leaves an untyped account out, and the server’s refusal is shown at the bank’s field', () => {
    const draft = typedSample();
    draft.ngo.bankAccount = { bankName: ' ', accountName: '', accountNumber: '' };
    expect((proposalBody(draft).ngo as Record<string, unknown>).bankAccount).toBeUndefined();
    expect(placeOf('ngo.bankAccount', formPaths(draft))).toBe('ngo.bankAccount.bankName');
    expect(placeOf('ngo.bankAccount.accountNumber', formPaths(draft))).toBe('ngo.bankAccount.accountNumber');
  });

  it('a returned proposal whose account number came masked asks for the number again', () => {
    const stored = sampleProposal();
    const masked = {
      ...stored,
      ngo: {
        ...stored.ngo,
        bankAccount: {
          ...(stored.ngo.bankAccount as NonNullable<typeof stored.ngo.bankAccount>),
          accountNumber: '****4215',
        },
      },
    };
    const draft = draftOfProposal(masked, NOW);
    expect(draft.ngo.bankAccount.accountNumber).toBe('****4215');
    expect(() => parseProposal(proposalBody(draft), TEST_POLICY, { today: '2026-01-01' })).toThrow(
      /ngo\.bankAccount\.accountNumber|accountNumber/,
    );
  });
});

describe('a returned proposal opened in the form (draftOfProposal)', () => {
  it('shows every field of the stored proposal, amounts in yuan, and sends back exactly that proposal', () => {
    const stored = sampleProposal();
    const draft = draftOfProposal(stored, NOW);

    expect(draft.totalYuan).toBe('480000.00');
    expect(draft.staffPlan[0]?.headcount).toBe(String(stored.staffPlan[0]?.headcount));
    expect(parseProposal(proposalBody(draft), TEST_POLICY, { today: '2026-01-01' })).toEqual(stored);
  });

  it('writes a sum with fen as the form reads it back', () => {
    expect([yuanTextOf(1), yuanTextOf(10_000_001), yuanTextOf(0)]).toEqual(['0.01', '100000.01', '0.00']);
  });
});

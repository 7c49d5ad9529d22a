import type { BilingualText } from '../../../shared/domain/bilingual.js';
import type { Fen } from '../../../shared/domain/money.js';
import { tranchePlan } from '../../../shared/domain/payments.js';
import type { BudgetLine, Tranche, TrancheMilestone } from '../../../shared/domain/proposal.js';
import type { CostLineDraft } from '../proposal/draft.js';
import { yuanTextOf } from '../proposal/draft.js';
import { definedOnly, fenOfText, typedAmountProblem } from '../proposal/typed-text.js';

/**
 * The "new value" part of the amendment form: the total, its cost breakdown and the amount of
 * each tranche, typed in yuan and sent as exact fen. It starts from the contract as it stands; a
 * tranche finance was already told to pay keeps its amount (the server refuses to move it), so
 * the form shows it read-only and sends it as it is.
 */

export interface AmendmentTrancheDraft {
  milestone: TrancheMilestone;
  amountYuan: string;
  /** Finance was told to pay it (or it was paid): its amount stays. */
  settled: boolean;
}

export interface AmendmentValueDraft {
  totalYuan: string;
  budgetLines: CostLineDraft[];
  tranches: AmendmentTrancheDraft[];
}

/** What the form reads of the purchase view: the contract's money, and each tranche's payment step. */
export interface ContractMoney {
  totalFen: Fen;
  budgetLines: readonly BudgetLine[];
  trancheSchedule: readonly Tranche[];
}

export interface TranchePayment {
  milestone: TrancheMilestone;
  amountFen: Fen;
  /** When finance was notified; absent on a tranche withheld or cancelled before that. */
  notifiedAt?: string;
}

/**
 * The amount of each tranche of the plan as the contract stands, as the server plans payments
 * (tranchePlan); a notified tranche is what finance was told to pay.
 */
export function currentTranches(
  money: ContractMoney,
  payments: readonly TranchePayment[],
): { milestone: TrancheMilestone; amountFen: Fen; settled: boolean }[] {
  return tranchePlan({ totalFen: money.totalFen, trancheSchedule: [...money.trancheSchedule] }).map((t) => {
    const notified = payments.find((p) => p.milestone === t.milestone && p.notifiedAt !== undefined);
    return notified
      ? { milestone: t.milestone, amountFen: notified.amountFen, settled: true }
      : { milestone: t.milestone, amountFen: t.amountFen, settled: false };
  });
}

/** The form's value part as the contract stands, every amount as yuan text. */
export function valueDraftOf(money: ContractMoney, payments: readonly TranchePayment[]): AmendmentValueDraft {
  return {
    totalYuan: yuanTextOf(money.totalFen),
    budgetLines: money.budgetLines.map((l) => ({ item: l.item, amountYuan: yuanTextOf(l.amountFen) })),
    tranches: currentTranches(money, payments).map((t) => ({
      milestone: t.milestone,
      amountYuan: yuanTextOf(t.amountFen),
      settled: t.settled,
    })),
  };
}

/** The value part as it would be sent, so that "changed" means changed in fen, not in how it was typed. */
function valueBody(draft: AmendmentValueDraft) {
  return {
    totalFen: fenOfText(draft.totalYuan),
    budgetLines: draft.budgetLines.map((l) =>
      definedOnly({ item: l.item.trim() === '' ? undefined : l.item, amountFen: fenOfText(l.amountYuan) }),
    ),
    tranches: draft.tranches.map((t) =>
      definedOnly({ milestone: t.milestone, amountFen: fenOfText(t.amountYuan) }),
    ),
  };
}

/**
 * What the value part adds to the request: nothing while the value, its lines and the tranche
 * amounts are as the contract has them; else the total, the whole breakdown and every tranche
 * (the server takes a new value only with its breakdown, and a plan only whole).
 */
export function valueRequest(
  draft: AmendmentValueDraft,
  initial: AmendmentValueDraft,
): Partial<ReturnType<typeof valueBody>> {
  const body = valueBody(draft);
  return JSON.stringify(body) === JSON.stringify(valueBody(initial)) ? {} : body;
}

/** Amounts typed that are not amounts (or are left empty), by the server's path of their field. */
export function valueTypedProblems(draft: AmendmentValueDraft): Map<string, BilingualText> {
  const problems = new Map<string, BilingualText>();
  const amounts: [string, string][] = [
    ['totalFen', draft.totalYuan],
    ...draft.budgetLines.map((l, i): [string, string] => [`budgetLines[${i}].amountFen`, l.amountYuan]),
    ...draft.tranches.map((t, i): [string, string] => [`tranches[${i}].amountFen`, t.amountYuan]),
  ];
  for (const [path, text] of amounts) {
    const problem = typedAmountProblem(text, true);
    if (problem) problems.set(path, problem);
  }
  return problems;
}

/** Every path the value part shows an error at: its lists and the inputs of the rows that can be edited. */
export function valuePaths(draft: AmendmentValueDraft): string[] {
  return [
    'totalFen',
    'budgetLines',
    ...draft.budgetLines.flatMap((_, i) => [`budgetLines[${i}].item`, `budgetLines[${i}].amountFen`]),
    'tranches',
    ...draft.tranches.flatMap((t, i) => (t.settled ? [] : [`tranches[${i}].amountFen`])),
  ];
}

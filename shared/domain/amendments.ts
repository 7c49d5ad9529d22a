import * as z from 'zod/mini';
import type { BilingualText } from './bilingual.js';
import { type FieldError, ValidationError } from './errors.js';
import { fieldError } from './field-errors.js';
import type { Stage } from './lifecycle.js';
import { type Fen, formatYuan, sumFen } from './money.js';
import { checkProposalPolicy } from './policy.js';
import type { ApprovalLevel, PolicySettings } from './policy-settings.js';
import {
  BudgetLineSchema,
  type Proposal,
  TRANCHE_MILESTONES,
  type Tranche,
  type TrancheMilestone,
} from './proposal.js';
import type { RecordedDecision } from './tasks.js';
import { zodIssuesToFieldErrors } from './zod-field-errors.js';

/**
 * Amendments after signature (issue 13): once the contract is in force, the officer may change
 * the end of the term, the value (with its cost breakdown), the amounts of the tranches not yet
 * notified, or the NGO's contact address, with a rationale. The amended proposal is held to every
 * rule a new proposal is, approved at the levels its value requires, and applied in one
 * transaction with the budget reservation. Each amendment is kept on the purchase (OCDS
 * `contracts[].amendments`): id, date, rationale and each change, former and new.
 */

export const MIN_RATIONALE = 10;
export const MAX_RATIONALE = 2000;

/** The fields an amendment may change, as paths of the proposal. */
export const AMENDABLE_FIELDS = [
  'term.end',
  'totalFen',
  'budgetLines',
  'trancheSchedule',
  'ngo.contactEmail',
] as const;
export type AmendableField = (typeof AMENDABLE_FIELDS)[number];

export interface AmendmentChange {
  field: AmendableField;
  former: unknown;
  value: unknown;
}

/** PROPOSED until the last level decides: APPROVED (applied) or REJECTED (an approver, or no budget room). */
export type AmendmentStatus = 'PROPOSED' | 'APPROVED' | 'REJECTED';

export interface Amendment {
  /** `A1`, `A2`, … in the order they were requested. */
  id: string;
  requestedBy: string;
  requestedAt: string;
  rationale: string;
  changes: AmendmentChange[];
  /** The levels the amended value requires, in order. */
  levels: ApprovalLevel[];
  status: AmendmentStatus;
  /** Each level's decision, copied from its task when the amendment was decided. */
  approvals: Partial<Record<ApprovalLevel, RecordedDecision>>;
  decidedAt?: string;
  /** Why it was rejected, in both languages. */
  reason?: BilingualText;
}

const isoDate = z.iso.date();

/** What POST /purchases/{id}/amendments takes. Every change is optional; at least one is required. */
export const AmendmentRequestSchema = z.strictObject({
  rationale: z.string().check(z.trim(), z.minLength(MIN_RATIONALE), z.maxLength(MAX_RATIONALE)),
  /** The new last day of the term. */
  endDate: z.optional(isoDate),
  /** The new value, whole fen; its cost breakdown (budgetLines) must be given with it. */
  totalFen: z.optional(z.int().check(z.positive())),
  budgetLines: z.optional(z.array(BudgetLineSchema).check(z.minLength(1), z.maxLength(50))),
  /** The amount of each tranche of the plan, in fen (notified or paid ones stay as they are). */
  tranches: z.optional(
    z
      .array(
        z.strictObject({
          milestone: z.enum(TRANCHE_MILESTONES),
          amountFen: z.int().check(z.positive()),
        }),
      )
      .check(z.minLength(1), z.maxLength(3)),
  ),
  ngoContactEmail: z.optional(z.email()),
});
export type AmendmentRequest = z.infer<typeof AmendmentRequestSchema>;

/** What the rules read of a purchase (purchase.ts holds the amendments: no import back from here). */
interface AmendablePurchase {
  stage: Stage;
  contract?: { signedAt?: string };
  amendments?: Amendment[];
  decisions: Readonly<Record<string, RecordedDecision>>;
}

/** A tranche finance was already told to pay (or paid): its amount no longer moves. */
export interface SettledTranche {
  milestone: TrancheMilestone;
  amountFen: Fen;
}

/** Why an amendment cannot be requested now (undefined when it can). */
export function amendmentRefusal(purchase: AmendablePurchase): BilingualText | undefined {
  if (['CLOSED', 'TERMINATED', 'REJECTED'].includes(purchase.stage))
    return {
      zh: '项目已结项、终止或未获批准，不能再变更合同。',
      en: 'The purchase is closed, terminated or rejected: its contract can no longer be amended.',
    };
  if (!purchase.contract?.signedAt)
    return {
      zh: '合同尚未生效（未双方签署），只能在签署后变更；签署前请退回修改或撤回立项。',
      en: 'The contract is not in force yet (not signed by both sides): it can be amended only after signature.',
    };
  const open = openAmendment(purchase);
  if (open)
    return {
      zh: `变更 ${open.id} 尚在审批中，一次只能有一项待审批的变更。`,
      en: `Amendment ${open.id} is still awaiting approval: one amendment at a time.`,
    };
  return undefined;
}

export function openAmendment(purchase: Pick<AmendablePurchase, 'amendments'>): Amendment | undefined {
  return purchase.amendments?.find((a) => a.status === 'PROPOSED');
}

/** The amendment a task's context names (`context.amendment`), if the purchase has it. */
export function amendmentOf(
  purchase: Pick<AmendablePurchase, 'amendments'>,
  id: string | number | undefined,
): Amendment | undefined {
  return id === undefined ? undefined : purchase.amendments?.find((a) => a.id === id);
}

export function nextAmendmentId(amendments: readonly Amendment[] = []): string {
  return `A${amendments.length + 1}`;
}

/** The approval step of one level of one amendment (its task's step key). */
export function amendmentStepKey(amendmentId: string, level: ApprovalLevel): string {
  return `AMENDMENT:${amendmentId}:${level}`;
}

/** The execution that carries an amendment's approval: `<purchaseId>-AMENDMENT-<n>`. */
export function amendmentExecutionName(purchaseId: string, amendmentId: string): string {
  return `${purchaseId}-AMENDMENT-${amendmentId.slice(1)}`;
}

/** A level's decision on an amendment, whoever took it (the approver, or the deputy on escalation). */
export function amendmentDecision(
  purchase: Pick<AmendablePurchase, 'decisions'>,
  amendmentId: string,
  level: ApprovalLevel,
): RecordedDecision | undefined {
  const key = amendmentStepKey(amendmentId, level);
  return purchase.decisions[key] ?? purchase.decisions[`${key}:ESCALATED`];
}

/**
 * Percentages of each amount in their sum (largest remainder, so they add up to 100), for the
 * schedule's `percent`; whether the amounts make up the value is the tranche rule's to say.
 */
function sharesOf(amounts: readonly Fen[]): number[] {
  const sum = sumFen(amounts);
  const exact = amounts.map((a) => (a * 100) / sum);
  const shares = exact.map(Math.floor);
  let left = 100 - shares.reduce((t, s) => t + s, 0);
  const order = exact.map((e, i) => ({ i, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left--;
  }
  return shares;
}

/** The amended tranche plan: the amounts given, or the current plan (its shares follow a new value). */
function amendedSchedule(current: Proposal, request: AmendmentRequest, errors: FieldError[]): Tranche[] {
  if (!request.tranches) return current.trancheSchedule;
  const milestones = current.trancheSchedule.map((t) => t.milestone).sort();
  const given = request.tranches.map((t) => t.milestone).sort();
  if (given.join() !== milestones.join()) {
    errors.push(
      fieldError(
        'amendment-tranche-milestones',
        'tranches',
        given,
        `the tranche plan pays at ${milestones.join(', ')}; an amendment gives an amount for each of them, no other`,
        milestones.join(', '),
        `付款计划的节点为 ${milestones.join('、')}：变更须逐一给出这些节点的金额，不能增减节点。`,
      ),
    );
    return current.trancheSchedule;
  }
  const ordered = [...request.tranches].sort(
    (a, b) => TRANCHE_MILESTONES.indexOf(a.milestone) - TRANCHE_MILESTONES.indexOf(b.milestone),
  );
  const percents = sharesOf(ordered.map((t) => t.amountFen));
  return ordered.map((t, i) => ({
    milestone: t.milestone,
    percent: percents[i] ?? 0,
    amountFen: t.amountFen,
  }));
}

/** The amount each tranche comes to under a schedule (its fixed amount, or its share of the value). */
function trancheAmounts(schedule: readonly Tranche[], totalFen: Fen): Map<TrancheMilestone, Fen> {
  if (schedule.every((t) => t.amountFen !== undefined))
    return new Map(schedule.map((t) => [t.milestone, t.amountFen as Fen]));
  const ordered = [...schedule].sort(
    (a, b) => TRANCHE_MILESTONES.indexOf(a.milestone) - TRANCHE_MILESTONES.indexOf(b.milestone),
  );
  const amounts = ordered.map((t) => Math.floor((totalFen * t.percent) / 100));
  const rest = totalFen - sumFen(amounts);
  if (amounts.length > 0) amounts[amounts.length - 1] = (amounts.at(-1) ?? 0) + rest;
  return new Map(ordered.map((t, i) => [t.milestone, amounts[i] ?? 0]));
}

/**
 * The proposal with the request's changes applied, and the changes (former → new), or a
 * ValidationError naming every field that is wrong: the request's shape, at least one change, the
 * cost breakdown with a new value, every policy rule of a new proposal (checkProposalPolicy, today
 * being `today`), the term ending after it starts and not before today, the value not below what
 * finance was told to pay, and the notified or paid tranches keeping their amounts.
 */
export function draftAmendment(input: {
  proposal: Proposal;
  body: unknown;
  settled: readonly SettledTranche[];
  settings: PolicySettings;
  today: string;
}): { request: AmendmentRequest; proposal: Proposal; changes: AmendmentChange[] } {
  const parsed = AmendmentRequestSchema.safeParse(input.body);
  if (!parsed.success)
    throw new ValidationError(
      zodIssuesToFieldErrors(parsed.error.issues, input.body, AmendmentRequestSchema),
    );
  const request = parsed.data;
  const current = input.proposal;
  const errors: FieldError[] = [];
  const totalFen = request.totalFen ?? current.totalFen;
  if (request.totalFen !== undefined && request.totalFen !== current.totalFen && !request.budgetLines)
    errors.push(
      fieldError(
        'amendment-budget-lines-required',
        'budgetLines',
        undefined,
        `a new value needs its cost breakdown: budget lines adding up to ${formatYuan(totalFen)}`,
        `budget lines adding up to ${formatYuan(totalFen)}`,
        `变更金额须同时给出费用明细（预算明细合计 ${formatYuan(totalFen)}）。`,
      ),
    );
  const proposal: Proposal = {
    ...current,
    totalFen,
    budgetLines: request.budgetLines ?? current.budgetLines,
    trancheSchedule: amendedSchedule(current, request, errors),
    term: { ...current.term, end: request.endDate ?? current.term.end },
    ngo: { ...current.ngo, contactEmail: request.ngoContactEmail ?? current.ngo.contactEmail },
  };
  const changes = changesBetween(current, proposal);
  if (changes.length === 0 && errors.length === 0)
    errors.push(
      fieldError(
        'amendment-no-change',
        'changes',
        undefined,
        'the amendment changes nothing: give a new end date, value, tranche amounts or NGO contact',
        'at least one of endDate, totalFen, tranches, ngoContactEmail that differs from the contract',
        '本次变更没有任何改动：请填写新的截止日期、金额、分期金额或机构联系邮箱之一。',
      ),
    );
  errors.push(
    ...checkProposalPolicy(proposal, input.settings, { today: input.today }).map((e) => ({
      ...e,
      field: requestField(e.field),
    })),
  );
  errors.push(...checkSettled(proposal, request, input.settled));
  if (errors.length > 0) throw new ValidationError(errors);
  return { request, proposal, changes };
}

/** A proposal path as the request names it (`term.end` is `endDate`), so a form can show the error by its field. */
function requestField(path: string): string {
  if (path === 'term.end') return 'endDate';
  if (path.startsWith('trancheSchedule')) return 'tranches';
  if (path === 'ngo.contactEmail') return 'ngoContactEmail';
  return path;
}

/** The value covers what finance was told to pay, and those tranches keep their amounts. */
function checkSettled(
  proposal: Proposal,
  request: AmendmentRequest,
  settled: readonly SettledTranche[],
): FieldError[] {
  const errors: FieldError[] = [];
  const settledFen = sumFen(settled.map((t) => t.amountFen));
  if (proposal.totalFen < settledFen)
    errors.push(
      fieldError(
        'amendment-below-settled',
        'totalFen',
        proposal.totalFen,
        `finance was already told to pay ${formatYuan(settledFen)}; the value cannot be less`,
        `at least ${formatYuan(settledFen)}`,
        `已通知财务支付 ${formatYuan(settledFen)}，变更后的金额不能低于此数。`,
      ),
    );
  const amounts = trancheAmounts(proposal.trancheSchedule, proposal.totalFen);
  for (const tranche of settled) {
    const amended = amounts.get(tranche.milestone);
    if (amended === undefined || amended === tranche.amountFen) continue;
    errors.push(
      fieldError(
        'amendment-settled-tranche',
        'tranches',
        request.tranches ?? null,
        `the ${tranche.milestone} tranche was notified at ${formatYuan(tranche.amountFen)} and stays as it is; under the amendment it would be ${formatYuan(amended)}: give the amounts of every tranche, that one at ${formatYuan(tranche.amountFen)}`,
        `${tranche.milestone} at ${formatYuan(tranche.amountFen)}, the other tranches making up the rest`,
        `${tranche.milestone} 这一期已通知付款 ${formatYuan(tranche.amountFen)}，金额不能改变（按变更将为 ${formatYuan(amended)}）：请逐期填写金额，该期保持 ${formatYuan(tranche.amountFen)}。`,
      ),
    );
  }
  return errors;
}

/** What differs between the contract's proposal and the amended one, field by amendable field. */
export function changesBetween(before: Proposal, after: Proposal): AmendmentChange[] {
  const pick = (p: Proposal): Record<AmendableField, unknown> => ({
    'term.end': p.term.end,
    totalFen: p.totalFen,
    budgetLines: p.budgetLines,
    trancheSchedule: p.trancheSchedule,
    'ngo.contactEmail': p.ngo.contactEmail,
  });
  const a = pick(before);
  const b = pick(after);
  return AMENDABLE_FIELDS.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f])).map((field) => ({
    field,
    former: a[field],
    value: b[field],
  }));
}

/** The proposal with an amendment's changes applied (what the purchase holds once it is approved). */
export function applyChanges(proposal: Proposal, changes: readonly AmendmentChange[]): Proposal {
  const amended: Proposal = { ...proposal, term: { ...proposal.term }, ngo: { ...proposal.ngo } };
  for (const change of changes) {
    switch (change.field) {
      case 'term.end':
        amended.term.end = change.value as string;
        break;
      case 'totalFen':
        amended.totalFen = change.value as number;
        break;
      case 'budgetLines':
        amended.budgetLines = change.value as Proposal['budgetLines'];
        break;
      case 'trancheSchedule':
        amended.trancheSchedule = change.value as Proposal['trancheSchedule'];
        break;
      case 'ngo.contactEmail':
        amended.ngo.contactEmail = change.value as string;
        break;
    }
  }
  return amended;
}

/** The value an amendment leaves the purchase at (its new total, or the one it had). */
export function amendedTotal(proposal: Proposal, amendment: Pick<Amendment, 'changes'>): Fen {
  return applyChanges(proposal, amendment.changes).totalFen;
}

import * as z from 'zod/mini';
import { SINGLE_LINE_PLAIN } from './plain-text.js';

/**
 * The proposal a purchasing officer registers (立项). The schema checks shape and types;
 * the rules that relate fields to each other or to configuration live in policy.ts.
 * Objects are strict: an unknown field is an error, never silently dropped.
 */

export const SERVICE_AREAS = ['ELDERLY_CARE', 'MINOR_PROTECTION', 'RURAL_REVITALISATION'] as const;
export type ServiceArea = (typeof SERVICE_AREAS)[number];

export const PROCUREMENT_METHODS = [
  'PUBLIC_TENDER',
  'INVITED_TENDER',
  'COMPETITIVE_NEGOTIATION',
  'COMPETITIVE_CONSULTATION',
  'SINGLE_SOURCE',
  'INQUIRY',
] as const;
export type ProcurementMethod = (typeof PROCUREMENT_METHODS)[number];

export const TRANCHE_MILESTONES = ['CONTRACT_SIGNED', 'MIDTERM_PASSED', 'EVALUATION_PASSED'] as const;
export type TrancheMilestone = (typeof TRANCHE_MILESTONES)[number];

export const DELIVERABLE_KINDS = ['MIDTERM_REPORT', 'FINAL_REPORT', 'EVIDENCE'] as const;
export type DeliverableKind = (typeof DELIVERABLE_KINDS)[number];

const text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));

/** A title or a name: trimmed plain text on one line, refused when it carries control or bidi characters. */
const singleLine = (min: number, max: number) =>
  z.string().check(z.trim(), z.minLength(min), z.maxLength(max), z.regex(SINGLE_LINE_PLAIN));

/** A calendar date, `YYYY-MM-DD`. */
const isoDate = z.iso.date();
/** A whole, non-negative number of fen. */
const fen = z.int().check(z.nonnegative());

export const BudgetLineSchema = z.strictObject({
  item: text(1, 100),
  amountFen: fen,
});

export const StaffLineSchema = z.strictObject({
  role: text(1, 60),
  headcount: z.int().check(z.positive(), z.lte(500)),
  monthlySalaryFen: fen,
  monthlySocialWelfareFen: fen,
});

export const TrancheSchema = z.strictObject({
  milestone: z.enum(TRANCHE_MILESTONES),
  percent: z.int().check(z.positive(), z.lte(100)),
  /**
   * A fixed amount, set on every tranche once an amendment gave the plan in amounts (a tranche
   * already notified keeps what finance was told); `percent` is then its share, for people.
   */
  amountFen: z.optional(fen),
});

export const DeliverablePlanSchema = z.strictObject({
  kind: z.enum(DELIVERABLE_KINDS),
  dueDate: isoDate,
  description: text(1, 500),
});

/**
 * The NGO's registered bank account, where finance pays the tranches (收款账户). Shown in full only to
 * finance (the payment notice and confirmation page); masked everywhere else (maskBankAccount).
 */
export const BankAccountSchema = z.strictObject({
  /** The bank and branch, e.g. 中国建设银行厦门思明支行. */
  bankName: singleLine(2, 100),
  /** The account's name (开户名); finance is warned when it is not the NGO's name. */
  accountName: singleLine(2, 120),
  /** The account number: spaces and hyphens as typed are taken out; then 8 to 32 digits. */
  accountNumber: z.string().check(
    z.trim(),
    z.overwrite((typed) => typed.replace(/[\s-]/g, '')),
    z.regex(/^\d{8,32}$/),
  ),
});

export const ProposalSchema = z.strictObject({
  title: singleLine(4, 200),
  serviceArea: z.enum(SERVICE_AREAS),
  /** Code of an item of the purchasable catalogue (catalogue.ts). */
  serviceItem: text(1, 60),
  district: text(1, 60),
  purchasingUnit: singleLine(2, 120),
  ngo: z.strictObject({
    name: singleLine(2, 120),
    /** Unified social credit code (统一社会信用代码), 18 characters; check digit verified by policy. */
    creditCode: z.string().check(z.trim(), z.toUpperCase(), z.length(18)),
    contactEmail: z.email(),
    /**
     * Required of every proposal registered (policy: payee-account-required); absent only on a
     * purchase registered before bank details were asked for.
     */
    bankAccount: z.optional(BankAccountSchema),
  }),
  term: z.strictObject({ start: isoDate, end: isoDate }),
  procurementMethod: z.enum(PROCUREMENT_METHODS),
  totalFen: z.int().check(z.positive()),
  budgetLines: z.array(BudgetLineSchema).check(z.minLength(1), z.maxLength(50)),
  staffPlan: z.array(StaffLineSchema).check(z.maxLength(50)),
  trancheSchedule: z.array(TrancheSchema).check(z.minLength(1), z.maxLength(3)),
  deliverables: z.array(DeliverablePlanSchema).check(z.minLength(1), z.maxLength(20)),
  /** The annual budget line the amount is reserved against, e.g. `2026-MZ-ELDER-01`. */
  budgetLineRef: z.string().check(z.trim(), z.regex(/^[0-9]{4}-[A-Z0-9-]{2,40}$/)),
  /** Required when the term is longer than 12 months (stable, continuous service with guaranteed budget). */
  justification: z.optional(text(20, 2000)),
});

export type Proposal = z.infer<typeof ProposalSchema>;
export type BudgetLine = z.infer<typeof BudgetLineSchema>;
export type StaffLine = z.infer<typeof StaffLineSchema>;
export type Tranche = z.infer<typeof TrancheSchema>;
export type DeliverablePlan = z.infer<typeof DeliverablePlanSchema>;
export type BankAccount = z.infer<typeof BankAccountSchema>;

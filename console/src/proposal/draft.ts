import {
  DELIVERABLE_KINDS,
  type DeliverableKind,
  type ProcurementMethod,
  type Proposal,
  type ServiceArea,
  TRANCHE_MILESTONES,
  type TrancheMilestone,
} from '../../../shared/domain/proposal.js';

/**
 * The new-proposal form as the officer typed it: every field is text (amounts in yuan, counts
 * and percentages as typed), so a reload gives back exactly what was on the screen. It becomes a
 * proposal only on submission (proposal-body.ts), where each amount is read exactly as fen.
 */

export interface CostLineDraft {
  item: string;
  amountYuan: string;
}

export interface StaffLineDraft {
  role: string;
  headcount: string;
  monthlySalaryYuan: string;
  monthlySocialWelfareYuan: string;
}

export interface TrancheDraft {
  milestone: TrancheMilestone | '';
  percent: string;
}

export interface DeliverableDraft {
  kind: DeliverableKind | '';
  dueDate: string;
  description: string;
}

export interface ProposalDraft {
  /** Sent as the Idempotency-Key header: a second submission of the same draft is the same purchase. */
  idempotencyKey: string;
  /** When the draft was last changed (ISO instant). */
  savedAt: string;
  title: string;
  serviceArea: ServiceArea | '';
  serviceItem: string;
  district: string;
  purchasingUnit: string;
  procurementMethod: ProcurementMethod | '';
  term: { start: string; end: string };
  justification: string;
  ngo: {
    creditCode: string;
    name: string;
    contactEmail: string;
    /** Where finance pays the tranches (the account number as typed, spaces and all; never saved: saveDraft). */
    bankAccount: { bankName: string; accountName: string; accountNumber: string };
  };
  budgetLineRef: string;
  totalYuan: string;
  budgetLines: CostLineDraft[];
  staffPlan: StaffLineDraft[];
  trancheSchedule: TrancheDraft[];
  deliverables: DeliverableDraft[];
}

export const blankCostLine = (): CostLineDraft => ({ item: '', amountYuan: '' });
export const blankStaffLine = (): StaffLineDraft => ({
  role: '',
  headcount: '1',
  monthlySalaryYuan: '',
  monthlySocialWelfareYuan: '',
});
export const blankTranche = (): TrancheDraft => ({ milestone: '', percent: '' });
export const blankDeliverable = (): DeliverableDraft => ({ kind: '', dueDate: '', description: '' });

/** A key the API accepts (8–64 of A–Z a–z 0–9 - _), random enough that two drafts never share one. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return `proposal-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A new form: one row of each list, the three tranches and two reports every purchase has, in order. */
export function blankDraft(now: string): ProposalDraft {
  return {
    idempotencyKey: newIdempotencyKey(),
    savedAt: now,
    title: '',
    serviceArea: '',
    serviceItem: '',
    district: '',
    purchasingUnit: '',
    procurementMethod: '',
    term: { start: '', end: '' },
    justification: '',
    ngo: {
      creditCode: '',
      name: '',
      contactEmail: '',
      bankAccount: { bankName: '', accountName: '', accountNumber: '' },
    },
    budgetLineRef: '',
    totalYuan: '',
    budgetLines: [blankCostLine()],
    staffPlan: [blankStaffLine()],
    trancheSchedule: TRANCHE_MILESTONES.map((milestone) => ({ milestone, percent: '' })),
    deliverables: DELIVERABLE_KINDS.filter((k) => k !== 'EVIDENCE').map((kind) => ({
      kind,
      dueDate: '',
      description: '',
    })),
  };
}

/** Whole fen as the yuan text the form shows (`480000.00`), which the form reads back exactly. */
export function yuanTextOf(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** A stored proposal as the form shows it, to be corrected and resubmitted (a revision). */
export function draftOfProposal(proposal: Proposal, now: string): ProposalDraft {
  return {
    idempotencyKey: newIdempotencyKey(),
    savedAt: now,
    title: proposal.title,
    serviceArea: proposal.serviceArea,
    serviceItem: proposal.serviceItem,
    district: proposal.district,
    purchasingUnit: proposal.purchasingUnit,
    procurementMethod: proposal.procurementMethod,
    term: { ...proposal.term },
    justification: proposal.justification ?? '',
    ngo: {
      creditCode: proposal.ngo.creditCode,
      name: proposal.ngo.name,
      contactEmail: proposal.ngo.contactEmail,
      // The purchase view masks the account number: the officer types it again to resubmit.
      bankAccount: { bankName: '', accountName: '', accountNumber: '', ...proposal.ngo.bankAccount },
    },
    budgetLineRef: proposal.budgetLineRef,
    totalYuan: yuanTextOf(proposal.totalFen),
    budgetLines: proposal.budgetLines.map((l) => ({ item: l.item, amountYuan: yuanTextOf(l.amountFen) })),
    staffPlan: proposal.staffPlan.map((s) => ({
      role: s.role,
      headcount: String(s.headcount),
      monthlySalaryYuan: yuanTextOf(s.monthlySalaryFen),
      monthlySocialWelfareYuan: yuanTextOf(s.monthlySocialWelfareFen),
    })),
    trancheSchedule: proposal.trancheSchedule.map((t) => ({
      milestone: t.milestone,
      percent: String(t.percent),
    })),
    deliverables: proposal.deliverables.map((d) => ({ ...d })),
  };
}

/** What the draft is kept in: the browser's localStorage. */
export interface DraftStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where the signed-in person's draft is kept in this browser (one draft per person). */
export const draftStorageKey = (sub: string) => `ngo-console:proposal-draft:${sub}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * The draft kept in localStorage, or undefined. Whatever is stored is read field by field into a
 * blank draft, so a draft of an older console (or an edited one) cannot break the form.
 */
export function loadDraft(storage: DraftStore, sub: string, now: string): ProposalDraft | undefined {
  let stored: unknown;
  try {
    stored = JSON.parse(storage.getItem(draftStorageKey(sub)) ?? 'null');
  } catch {
    return undefined;
  }
  if (!isObject(stored)) return undefined;
  return mergeText(blankDraft(now), stored) as ProposalDraft;
}

/** Copies the strings of `source` that have a place in `shape`; lists take the source's length. */
function mergeText(shape: unknown, source: unknown): unknown {
  if (typeof shape === 'string') return typeof source === 'string' ? source.slice(0, 5000) : shape;
  if (Array.isArray(shape)) {
    if (!Array.isArray(source)) return shape;
    const row = shape[0];
    return source.slice(0, 50).map((item) => mergeText(row, item));
  }
  if (isObject(shape)) {
    const from = isObject(source) ? source : {};
    return Object.fromEntries(
      Object.entries(shape).map(([key, value]) => [key, mergeText(value, from[key])]),
    );
  }
  return shape;
}

/**
 * Keeps the draft in the browser, without the NGO's account number: a shared office computer's
 * storage is no place for it (the form keeps it while it is open; after a reload it is typed again).
 */
export function saveDraft(storage: DraftStore, sub: string, draft: ProposalDraft): void {
  const kept: ProposalDraft = {
    ...draft,
    ngo: { ...draft.ngo, bankAccount: { ...draft.ngo.bankAccount, accountNumber: '' } },
  };
  try {
    storage.setItem(draftStorageKey(sub), JSON.stringify(kept));
  } catch {
    // A full or disabled storage loses only the draft; the form goes on working.
  }
}

export function discardDraft(storage: DraftStore, sub: string): void {
  storage.removeItem(draftStorageKey(sub));
}

import { requiredApprovalLevels } from '../domain/approval-chain.js';
import type { BilingualText } from '../domain/bilingual.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { type FieldError, ValidationError } from '../domain/errors.js';
import { fieldError } from '../domain/field-errors.js';
import { formatYuan } from '../domain/money.js';
import { maskAccountNumber } from '../domain/payee-account.js';
import { parseProposal } from '../domain/policy.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { Proposal } from '../domain/proposal.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { changedFields, levelsAfterRevision, type RevisionRecord } from '../domain/revision.js';
import { mayActOnOwnPurchase, NotPermittedError, type StaffMember } from '../domain/staff-roles.js';
import type { HumanTask } from '../domain/tasks.js';
import type { Now } from '../ports/clock.js';
import type {
  BudgetRepository,
  PurchaseRepository,
  TaskRepository,
  TrackRecordRepository,
} from '../ports/repositories.js';
import type { TaskCallbacks } from '../ports/workflow.js';
import { handBack } from './human-steps.js';
import { decisionOutput } from './request-decision.js';
import { refuseBarredNgo } from './submit-proposal.js';

export interface ReviseProposalDeps {
  purchases: PurchaseRepository;
  budgets: BudgetRepository;
  tasks: TaskRepository;
  trackRecords: TrackRecordRepository;
  callbacks: TaskCallbacks;
  settings: PolicySettings;
  now: Now;
}

export type ReviseOutcome =
  | { outcome: 'REVISED'; purchaseId: string; revision: RevisionRecord }
  | { outcome: 'NOT_REVISABLE'; purchaseId: string; stage: string; message: BilingualText }
  | { outcome: 'UNKNOWN' };

/** The longest revision note kept (it is shown to the approver asked again). */
export const MAX_REVISION_NOTE = 2000;

const NOTHING_RETURNED: BilingualText = {
  zh: '该项目目前没有待修改的退回：只有审批人退回修改、且尚未逾期的项目才能修改并重新提交。',
  en: 'Nothing waits for a revision of this purchase: only a proposal an approver returned for revision, before its revision is overdue, can be revised and resubmitted.',
};

/**
 * The officer who registered a purchase (or an administrator) resubmits the proposal an approver
 * returned, corrected. It is checked as a new proposal is (every field and policy rule, the NGO's
 * bar), except that it stays on its budget line, whose reservation moves to the new amount in one
 * conditional write. The purchase records the new proposal, the levels its amount requires, the
 * revision (with the return it answers and the fields that changed; the audit entry keeps the
 * proposal it replaced) and drops the returned level's answer; then the REVISION task is decided
 * REVISE and the waiting workflow step handed the answer, so plan asks the same level again.
 * A repeat after a crash finds the revision recorded and only finishes the hand-back.
 */
export async function reviseProposal(
  deps: ReviseProposalDeps,
  input: { purchaseId: string; body: unknown; staff: StaffMember },
): Promise<ReviseOutcome> {
  const purchase = await deps.purchases.getPurchase(input.purchaseId);
  if (!purchase) return { outcome: 'UNKNOWN' };
  const by = input.staff.email ?? input.staff.sub;
  if (!mayActOnOwnPurchase(input.staff, 'reviseProposal', purchase))
    throw new NotPermittedError(
      'only the officer who registered the purchase, or an administrator, may revise its proposal',
    );
  const now = deps.now();
  const task = await pendingRevision(deps.tasks, purchase.purchaseId, now);
  const { purchaseId, stage } = purchase;
  if (!task || stage !== 'APPROVAL' || task.level === undefined)
    return { outcome: 'NOT_REVISABLE', purchaseId, stage, message: NOTHING_RETURNED };
  const round = Number(task.context?.round ?? (purchase.revisions?.length ?? 0) + 1);
  const { proposal, note } = parseRevision(input.body, purchase, deps.settings, now);
  let revision = purchase.revisions?.find((r) => r.round === round);
  if (!revision) {
    const returned = purchase.approvals[task.level];
    if (returned?.decision !== 'RETURN')
      return { outcome: 'NOT_REVISABLE', purchaseId, stage, message: NOTHING_RETURNED };
    await refuseBarredNgo(deps.trackRecords, proposal, now);
    await moveReservation(deps, purchase, proposal.totalFen, now);
    revision = {
      round,
      level: task.level,
      returned,
      revisedBy: by,
      revisedAt: now,
      note,
      changed: changedFields(purchase.proposal, proposal),
    };
    const { [task.level]: _returned, ...approvals } = purchase.approvals;
    await deps.purchases.change({
      purchaseId,
      from: 'APPROVAL',
      set: {
        proposal,
        approvalLevels: levelsAfterRevision(
          requiredApprovalLevels(proposal.totalFen, deps.settings),
          task.level,
        ),
        approvals,
        revisions: [...(purchase.revisions ?? []), revision],
        ...(purchase.budget ? { budget: { ...purchase.budget, amountFen: proposal.totalFen, at: now } } : {}),
      },
      audit: {
        actor: by,
        action: 'proposal.revised',
        detail: { round, level: task.level, note, changed: revision.changed, previous: purchase.proposal },
      },
      eventId: `proposal.revised:${round}`,
      now,
    });
  }
  const decided = await deps.tasks.decide({
    taskId: task.taskId,
    nonce: task.nonce,
    decision: 'REVISE',
    comment: revision.note,
    data: { round, changed: revision.changed },
    now,
  });
  const decision = 'task' in decided ? decided.task.decision : undefined;
  if (
    decision &&
    task.taskToken &&
    (await handBack(deps.callbacks, task.taskToken, decisionOutput(decision)))
  )
    await deps.tasks.markDelivered(task.taskId, deps.now());
  return { outcome: 'REVISED', purchaseId, revision };
}

/** The purchase's REVISION task still waiting for the officer (with its nonce and token), if any. */
async function pendingRevision(
  tasks: TaskRepository,
  purchaseId: string,
  now: string,
): Promise<HumanTask | undefined> {
  const listed = (await tasks.listTasks(purchaseId)).filter(
    (t) => t.purpose === 'REVISION' && t.status === 'PENDING' && t.expiresAt > now,
  );
  const newest = listed.at(-1);
  return newest && tasks.getTask(newest.taskId);
}

/**
 * The body: the corrected proposal (as POST /purchases takes it) and an optional `note`. A
 * ValidationError lists every field that is wrong; the budget line cannot change in a revision.
 */
function parseRevision(
  body: unknown,
  purchase: PurchaseRecord,
  settings: PolicySettings,
  now: string,
): { proposal: Proposal; note: string } {
  const { note: rawNote, ...proposalBody } =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const errors: FieldError[] = [];
  const note = typeof rawNote === 'string' ? rawNote.trim() : '';
  if (rawNote !== undefined && typeof rawNote !== 'string')
    errors.push(
      fieldError('schema-invalid-type', 'note', rawNote, 'the note must be text', 'text, or no note'),
    );
  else if (note.length > MAX_REVISION_NOTE)
    errors.push(
      fieldError(
        'revision-note-too-long',
        'note',
        rawNote,
        `the note is longer than ${MAX_REVISION_NOTE} characters`,
        `at most ${MAX_REVISION_NOTE} characters`,
      ),
    );
  const lineRef = proposalBody.budgetLineRef;
  if (lineRef !== undefined && lineRef !== purchase.proposal.budgetLineRef)
    errors.push(
      fieldError(
        'revision-budget-line-fixed',
        'budgetLineRef',
        lineRef,
        `a revision stays on budget line ${purchase.proposal.budgetLineRef}: to use another line, withdraw the purchase and register it anew`,
        purchase.proposal.budgetLineRef,
        `退回修改时不能更换预算指标（仍为 ${purchase.proposal.budgetLineRef}）：如需使用其他预算指标，请撤回本项目后重新登记。`,
      ),
    );
  let proposal: Proposal | undefined;
  try {
    proposal = parseProposal(withRegisteredAccount(proposalBody, purchase.proposal), settings, {
      today: chinaCalendarDate(now),
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    errors.push(
      ...error.errors.filter(
        (e) => !(e.field === 'budgetLineRef' && errors.some((f) => f.field === e.field)),
      ),
    );
  }
  if (errors.length > 0 || !proposal) throw new ValidationError(errors);
  return { proposal, note };
}

/**
 * The form is filled from the purchase view, which shows the NGO's bank account number masked
 * (payee-account.ts): a revision that sends back that mask keeps the number registered, as typed
 * nowhere else. Any other number is the officer's correction and is judged as typed.
 */
function withRegisteredAccount(body: Record<string, unknown>, registered: Proposal): Record<string, unknown> {
  const account = registered.ngo.bankAccount;
  const ngo = body.ngo as { bankAccount?: { accountNumber?: unknown } } | undefined;
  if (!account || ngo?.bankAccount?.accountNumber !== maskAccountNumber(account.accountNumber)) return body;
  return {
    ...body,
    ngo: { ...ngo, bankAccount: { ...ngo.bankAccount, accountNumber: account.accountNumber } },
  };
}

/**
 * A new amount moves the purchase's reservation on its line (one conditional write); a line with
 * too little left refuses it: 400 on totalFen naming the most the total can be.
 */
async function moveReservation(
  deps: Pick<ReviseProposalDeps, 'budgets'>,
  purchase: PurchaseRecord,
  totalFen: number,
  now: string,
): Promise<void> {
  const hold = purchase.budget;
  if (hold?.status !== 'RESERVED' || hold.amountFen === totalFen) return;
  const moved = await deps.budgets.adjustReservation({
    lineId: hold.lineId,
    purchaseId: purchase.purchaseId,
    amountFen: totalFen,
    now,
  });
  if (moved.status !== 'INSUFFICIENT') return;
  const most = moved.availableFen + hold.amountFen;
  throw new ValidationError([
    fieldError(
      'budget-line-remaining',
      'totalFen',
      totalFen,
      `budget line ${hold.lineId} has ${formatYuan(moved.availableFen)} left beyond this purchase's ${formatYuan(hold.amountFen)}: the total can be at most ${formatYuan(most)}`,
      `a total of at most ${formatYuan(most)}`,
      `预算指标 ${hold.lineId} 除本项目已预留的 ${formatYuan(hold.amountFen)} 外仅剩 ${formatYuan(moved.availableFen)}，总金额最多为 ${formatYuan(most)}。`,
    ),
  ]);
}

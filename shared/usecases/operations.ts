import type { ChainVerification } from '../domain/audit.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { isTerminal, type Stage } from '../domain/lifecycle.js';
import { isOverdue, type PaymentRecord } from '../domain/payment-records.js';
import type { PurchaseRecord, WorkflowFailureRecord } from '../domain/purchase.js';
import type { PublicHumanTask } from '../domain/tasks.js';
import type { UploadKind } from '../domain/uploads.js';
import type { Now } from '../ports/clock.js';
import type {
  PaymentRepository,
  PurchaseRepository,
  TaskRepository,
  WaitRepository,
} from '../ports/repositories.js';

/**
 * What the people who run the service ask of the records (`npm run ops`): which purchases are
 * open, which wait past their time or failed, and whether a purchase's audit chain holds.
 */

export interface OperationsDeps {
  purchases: PurchaseRepository;
  tasks: TaskRepository;
  waits: WaitRepository;
  now: Now;
}

/** Something a purchase waits for that is past its time. */
export type OverdueWait =
  | { kind: 'TASK'; taskId: string; purpose: string; assignee: string; expiredAt: string }
  | { kind: 'UPLOAD'; upload: UploadKind; dueDate: string };

export interface OpenPurchase {
  purchaseId: string;
  stage: Stage;
  title: string;
  ngo: string;
  /** Pending tasks (decisions someone is asked for). */
  pendingTasks: number;
  overdue: OverdueWait[];
  /** The last unexpected workflow error, when the purchase has one recorded. */
  failure?: WorkflowFailureRecord;
}

export interface OpenPurchaseFilter {
  stage?: Stage;
  /** Only purchases waiting for something past its time. */
  overdue?: boolean;
  /** Only purchases with a workflow failure recorded. */
  failed?: boolean;
}

/** Uploads whose due date the proposal plans (the signed contract's is a timeout, not a date). */
const PLANNED_UPLOADS: readonly UploadKind[] = ['MIDTERM_REPORT', 'FINAL_REPORT'];

/**
 * The open purchases, oldest first as the index returns them, with what each waits for past its
 * time: a pending task whose link has expired, or a report still awaited after its planned due day.
 */
export async function listOpenPurchases(
  deps: OperationsDeps,
  filter: OpenPurchaseFilter = {},
): Promise<OpenPurchase[]> {
  const now = deps.now();
  const open = (await deps.purchases.listOpenPurchases()).filter(
    (p) => !isTerminal(p.stage) && (filter.stage === undefined || p.stage === filter.stage),
  );
  const listed: OpenPurchase[] = [];
  for (const { purchaseId } of open) {
    const purchase = await deps.purchases.getPurchase(purchaseId);
    if (!purchase) continue;
    const pending = (await deps.tasks.listTasks(purchaseId)).filter((t) => t.status === 'PENDING');
    const overdue = [
      ...pending.flatMap((t) => expiredTask(t, now)),
      ...(await overdueUploads(deps, purchase, now)),
    ];
    const item: OpenPurchase = {
      purchaseId,
      stage: purchase.stage,
      title: purchase.proposal.title,
      ngo: purchase.proposal.ngo.name,
      pendingTasks: pending.length,
      overdue,
      ...(purchase.failure ? { failure: purchase.failure } : {}),
    };
    if (filter.overdue && overdue.length === 0) continue;
    if (filter.failed && !item.failure) continue;
    listed.push(item);
  }
  return listed;
}

function expiredTask(task: PublicHumanTask, now: string): OverdueWait[] {
  if (Date.parse(task.expiresAt) >= Date.parse(now)) return [];
  return [
    {
      kind: 'TASK',
      taskId: task.taskId,
      purpose: task.purpose,
      assignee: task.assignee.email,
      expiredAt: task.expiresAt,
    },
  ];
}

async function overdueUploads(
  deps: OperationsDeps,
  purchase: Pick<PurchaseRecord, 'purchaseId' | 'proposal'>,
  now: string,
): Promise<OverdueWait[]> {
  const overdue: OverdueWait[] = [];
  for (const upload of PLANNED_UPLOADS) {
    const wait = await deps.waits.getWait(purchase.purchaseId, upload);
    const dueDate = purchase.proposal.deliverables.find((d) => d.kind === upload)?.dueDate;
    // Due by the end of the China calendar day.
    if (
      wait?.status === 'WAITING' &&
      dueDate &&
      Date.parse(`${dueDate}T23:59:59.999+08:00`) < Date.parse(now)
    )
      overdue.push({ kind: 'UPLOAD', upload, dueDate });
  }
  return overdue;
}

/** The purchase's audit chain, verified against its chain head; undefined for an unknown purchase. */
export async function verifyAuditChain(
  deps: Pick<OperationsDeps, 'purchases'>,
  purchaseId: string,
): Promise<{ entries: number; chain: ChainVerification } | undefined> {
  const trail = await deps.purchases.auditTrail(purchaseId);
  return trail && { entries: trail.entries.length, chain: trail.chain };
}

/** The tranches finance was told to pay and has not confirmed yet, across the open purchases. */
export async function notifiedTranches(deps: {
  purchases: Pick<PurchaseRepository, 'listOpenPurchases'>;
  payments: Pick<PaymentRepository, 'listPayments'>;
}): Promise<PaymentRecord[]> {
  const open = await deps.purchases.listOpenPurchases();
  const payments = await Promise.all(open.map(({ purchaseId }) => deps.payments.listPayments(purchaseId)));
  return payments.flat().filter((payment) => payment.status === 'NOTIFIED');
}

/**
 * The tranches finance was told to pay and has not confirmed, past their due day (China calendar),
 * across the open purchases: the figure the payments alarm and dashboard watch.
 */
export async function overduePayments(deps: {
  purchases: PurchaseRepository;
  payments: PaymentRepository;
  now: Now;
}): Promise<{ purchaseId: string; tranche: number; dueDate: string }[]> {
  const today = chinaCalendarDate(deps.now());
  return (await notifiedTranches(deps))
    .filter((payment) => isOverdue(payment, today))
    .map(({ purchaseId, tranche, dueDate }) => ({ purchaseId, tranche, dueDate: dueDate ?? '' }));
}

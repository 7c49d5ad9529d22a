import { chinaCalendarDate } from '../domain/china-time.js';
import { isOverdue, outstandingFen, paidFen } from '../domain/payment-records.js';
import type { TrancheMilestone } from '../domain/proposal.js';
import { hasPermission, NotPermittedError, type StaffMember } from '../domain/staff-roles.js';
import { signTaskLink } from '../links/signing.js';
import type { Now } from '../ports/clock.js';
import type { LinkKeyProvider } from '../ports/link-key.js';
import type { PaymentRepository, PurchaseRepository } from '../ports/repositories.js';
import { notifiedTranches } from './operations.js';

export interface FinanceTranchesDeps {
  purchases: Pick<PurchaseRepository, 'listOpenPurchases' | 'getPurchase'>;
  payments: Pick<PaymentRepository, 'listPayments'>;
  linkKey: LinkKeyProvider;
  baseUrl: string;
  now: Now;
}

/** A tranche finance was told to pay and has not confirmed all of. */
export interface TrancheDue {
  purchaseId: string;
  title: string;
  ngoName: string;
  tranche: number;
  milestone: TrancheMilestone;
  /** The tranche as due (reduced by the grade, for a final tranche). */
  amountFen: number;
  /** What was paid on it already, when it is being paid in parts. */
  paidFen: number;
  /** What is left to pay. */
  outstandingFen: number;
  dueDate?: string;
  overdue: boolean;
  /** The confirmation page (the link of the finance notice); only for those who confirm payments. */
  confirmLink?: string;
}

/**
 * What finance owes: every notified, unconfirmed tranche of the open purchases, the overdue and
 * then the soonest due first. Finance clerks get each one's confirmation page; auditors and
 * administrators see the same list without them.
 */
export async function financeTranches(
  deps: FinanceTranchesDeps,
  viewer: StaffMember,
): Promise<{ today: string; tranches: TrancheDue[] }> {
  const confirms = hasPermission(viewer, 'confirmPayment');
  if (!confirms && !hasPermission(viewer, 'viewAllPurchases'))
    throw new NotPermittedError('the tranches due are for finance, auditors and administrators');
  const today = chinaCalendarDate(deps.now());
  const due = await notifiedTranches(deps);
  const purchases = new Map(
    await Promise.all(
      [...new Set(due.map((p) => p.purchaseId))].map(
        async (id) => [id, await deps.purchases.getPurchase(id)] as const,
      ),
    ),
  );
  const key = confirms ? await deps.linkKey() : undefined;
  const tranches = due.map((payment): TrancheDue => {
    const proposal = purchases.get(payment.purchaseId)?.proposal;
    return {
      purchaseId: payment.purchaseId,
      title: proposal?.title ?? '',
      ngoName: proposal?.ngo.name ?? '',
      tranche: payment.tranche,
      milestone: payment.milestone,
      amountFen: payment.amountFen,
      paidFen: paidFen(payment),
      outstandingFen: outstandingFen(payment),
      ...(payment.dueDate === undefined ? {} : { dueDate: payment.dueDate }),
      overdue: isOverdue(payment, today),
      ...(key && payment.confirmTaskId
        ? { confirmLink: signTaskLink(deps.baseUrl, payment.confirmTaskId, key) }
        : {}),
    };
  });
  tranches.sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
  return { today, tranches };
}

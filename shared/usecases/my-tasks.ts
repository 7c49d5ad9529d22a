import { chinaCalendarDate } from '../domain/china-time.js';
import { TERMINAL_STAGES } from '../domain/lifecycle.js';
import type { PurchaseSummary } from '../domain/purchase-listing.js';
import type { StaffMember } from '../domain/staff-roles.js';
import { isLinkPurpose, type PublicHumanTask } from '../domain/tasks.js';
import { signTaskLink } from '../links/signing.js';
import type { Now } from '../ports/clock.js';
import type { LinkKeyProvider } from '../ports/link-key.js';
import type { PurchaseRepository, TaskRepository } from '../ports/repositories.js';

export interface MyTasksDeps {
  purchases: Pick<PurchaseRepository, 'listPurchases'>;
  tasks: Pick<TaskRepository, 'listTasks'>;
  linkKey: LinkKeyProvider;
  baseUrl: string;
  now: Now;
}

/** A task waiting on the signed-in person, with the link of its decision page (the mailed one). */
export interface MyTask {
  purchaseId: string;
  title: string;
  ngoName: string;
  purpose: PublicHumanTask['purpose'];
  level?: PublicHumanTask['level'];
  attempt: PublicHumanTask['attempt'];
  createdAt: string;
  expiresAt: string;
  /** The decision page's signed link; absent for a REVISION, which is made in the console (its purchase page). */
  link?: string;
}

/**
 * Budget years whose purchases can still be open: a term starts in its budget year and runs at most
 * 36 months, and a proposal may be filed for next year's budget.
 */
const YEARS_BACK = 3;
const YEARS_AHEAD = 1;
const PAGE = 100;

/**
 * What waits on the signed-in person: their pending tasks on the open purchases ever assigned to
 * them (the list's index, one query per budget year that can hold an open purchase), each with the
 * link of the decision page the e-mail carries. The person is matched by the verified e-mail
 * address of their token; the links give nothing their mail does not.
 */
export async function myTasks(deps: MyTasksDeps, staff: StaffMember): Promise<MyTask[]> {
  const email = staff.email?.toLowerCase();
  if (!email) return [];
  const thisYear = Number(chinaCalendarDate(deps.now()).slice(0, 4));
  const years = Array.from({ length: YEARS_BACK + YEARS_AHEAD + 1 }, (_, i) => thisYear - YEARS_BACK + i);
  const purchases = (await Promise.all(years.map((year) => openPurchasesOf(deps, year, email)))).flat();
  const key = await deps.linkKey();
  const perPurchase = await Promise.all(
    purchases.map(async (purchase) =>
      (await deps.tasks.listTasks(purchase.purchaseId))
        .filter((t) => t.status === 'PENDING' && t.assignee.email.toLowerCase() === email)
        .map(
          (t): MyTask => ({
            purchaseId: purchase.purchaseId,
            title: purchase.title,
            ngoName: purchase.ngo.name,
            purpose: t.purpose,
            ...(t.level === undefined ? {} : { level: t.level }),
            attempt: t.attempt,
            createdAt: t.createdAt,
            expiresAt: t.expiresAt,
            ...(isLinkPurpose(t.purpose) ? { link: signTaskLink(deps.baseUrl, t.taskId, key) } : {}),
          }),
        ),
    ),
  );
  // The one due first comes first.
  return perPurchase.flat().sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

async function openPurchasesOf(
  deps: MyTasksDeps,
  budgetYear: number,
  email: string,
): Promise<PurchaseSummary[]> {
  const found: PurchaseSummary[] = [];
  let after: Parameters<MyTasksDeps['purchases']['listPurchases']>[0]['after'];
  do {
    const page = await deps.purchases.listPurchases({
      filter: { budgetYear, assignedTo: email },
      sort: 'newest',
      limit: PAGE,
      ...(after ? { after } : {}),
    });
    found.push(...page.items.filter((p) => !TERMINAL_STAGES.has(p.stage)));
    after = page.next;
  } while (after);
  return found;
}

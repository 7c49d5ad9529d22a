import { amendmentOf, applyChanges } from '../../domain/amendments.js';
import { DEFAULT_RUBRIC } from '../../domain/lifecycle-settings.js';
import type { PurchaseRecord } from '../../domain/purchase.js';
import { earlierApprovals, earlierReviews, type ReviewHistoryPurpose } from '../../domain/review-history.js';
import type { HumanTask } from '../../domain/tasks.js';
import { signTaskId } from '../../links/signing.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import {
  BAD_REQUEST_MESSAGES,
  badRequestPage,
  expiredPage,
  notFoundPage,
} from '../../presentation/pages/status-pages.js';
import { amendmentPage } from '../../presentation/pages/task/amendment-page.js';
import {
  approvalConfirmationStep,
  confirmationPage,
  confirmationPageModel,
} from '../../presentation/pages/task/approval-page.js';
import { countersignPage, countersignPageModel } from '../../presentation/pages/task/countersign-page.js';
import { decidedPage, decidedPageModel } from '../../presentation/pages/task/decided-page.js';
import {
  evaluationPage,
  evaluationPageModel,
  type ReportUpload,
} from '../../presentation/pages/task/evaluation-page.js';
import { lateReportPage, lateReportPageModel } from '../../presentation/pages/task/late-report-page.js';
import {
  midtermReviewPage,
  midtermReviewPageModel,
} from '../../presentation/pages/task/midterm-review-page.js';
import {
  paymentConfirmationPage,
  paymentConfirmationPageModel,
} from '../../presentation/pages/task/payment-confirmation-page.js';
import { newNonce } from '../ngo-uploads/open-ngo-link.js';
import { restOfTranche } from './payment-confirmation.js';
import type { TaskLinkDeps } from './task-link-deps.js';

/** Why a POST on a link found nothing to record: what the tasks repository answered. */
export type RefusedPost = 'NOT_PENDING' | 'EXPIRED' | 'BAD_NONCE' | 'NOT_FOUND';

/** The page for a POST that found nothing to record: the link lapsed or was replaced, the form had no nonce, or there is no such task. */
export function refusedPostPage(outcome: RefusedPost): HtmlPage {
  switch (outcome) {
    case 'NOT_PENDING':
    case 'EXPIRED':
      return expiredPage();
    case 'BAD_NONCE':
      return badRequestPage(BAD_REQUEST_MESSAGES.MISSING_NONCE);
    case 'NOT_FOUND':
      return notFoundPage();
  }
}

/** What was decided on a task: just recorded by this POST, or found recorded already. */
export async function decidedView(
  deps: TaskLinkDeps,
  task: HumanTask,
  variant: 'RECORDED' | 'ALREADY_DECIDED',
): Promise<HtmlPage> {
  const purchase = await deps.purchases.getPurchase(task.purchaseId);
  if (!task.decision) throw new Error(`task of ${task.purchaseId} is DECIDED without a decision`);
  const rest = await restOfTranche(deps, task);
  return decidedPage(
    decidedPageModel({
      variant,
      title: purchase?.proposal.title ?? task.purchaseId,
      purpose: task.purpose,
      ...(task.level === undefined ? {} : { level: task.level }),
      decision: task.decision,
      // Relative to this page's own address: the link for the rest of a tranche paid in part.
      ...(rest
        ? {
            rest: {
              leftFen: rest.leftFen,
              ...(rest.confirmTaskId
                ? {
                    link: `${rest.confirmTaskId}?sig=${signTaskId(rest.confirmTaskId, await deps.linkKey())}`,
                  }
                : {}),
            },
          }
        : {}),
    }),
  );
}

/**
 * The second step of a decision that needs one (an approval): what the first POST carried, to be
 * confirmed deliberately; nothing is recorded. A task that is not pending shows what it is instead.
 */
export async function confirmationStep(
  deps: TaskLinkDeps,
  task: HumanTask,
  typed: { nonce: string; comment: string; data?: Record<string, unknown> },
): Promise<HtmlPage> {
  // The second step carries the task's nonce: only a post that knew it may be shown it.
  if (typed.nonce !== task.nonce) return refusedPostPage('BAD_NONCE');
  if (task.status === 'DECIDED') return decidedView(deps, task, 'ALREADY_DECIDED');
  if (task.status !== 'PENDING' || task.level === undefined) return expiredPage();
  const purchase = await deps.purchases.getPurchase(task.purchaseId);
  if (!purchase) return notFoundPage();
  // An amendment is confirmed at the value it would give the contract.
  const amendment = amendmentOf(purchase, task.context?.amendment);
  const model = confirmationPageModel({
    purchaseId: purchase.purchaseId,
    proposal: amendment ? applyChanges(purchase.proposal, amendment.changes) : purchase.proposal,
    task: { ...task, level: task.level },
    ...(purchase.salaryBenchmark ? { salaryBenchmark: purchase.salaryBenchmark } : {}),
  });
  const actedBy = typed.data?.actedBy;
  return approvalConfirmationStep(model, {
    comment: typed.comment,
    ...(typeof actedBy === 'string' ? { actingEmail: actedBy } : {}),
  });
}

/**
 * What a review page shows of the record: every file on record that concerns it, the files under
 * review among them (`documents`), and the earlier rounds' decisions.
 */
async function reviewRecord(
  deps: TaskLinkDeps,
  task: HumanTask,
  purchase: PurchaseRecord,
  purpose: ReviewHistoryPurpose,
) {
  const filesOnRecord = await deps.reviewedDocuments(task, { onRecord: true });
  const documents = filesOnRecord.filter((d) => d.underReview);
  return { filesOnRecord, documents, earlier: earlierReviews(purpose, purchase.decisions) };
}

/** The evaluation report's upload form, where the deps can offer one: a fresh script nonce per page. */
async function reportUploadOf(deps: TaskLinkDeps): Promise<ReportUpload | undefined> {
  const uploads = deps.reportUploads;
  if (!uploads) return undefined;
  return {
    maxBytes: uploads.maxBytes,
    storageOrigin: await uploads.signer.storageOrigin(),
    scriptNonce: (uploads.newNonce ?? newNonce)(),
  };
}

/** The page of a task still to be decided, by its purpose, with the documents it reviews. */
export async function pendingPage(
  deps: TaskLinkDeps,
  task: HumanTask,
  purchase: PurchaseRecord,
): Promise<HtmlPage> {
  const { purchaseId, proposal } = purchase;
  switch (task.purpose) {
    case 'APPROVAL': {
      const { level } = task;
      if (level === undefined) return notFoundPage();
      const earlierLevels = earlierApprovals(purchase, level);
      return confirmationPage(
        confirmationPageModel({
          purchaseId,
          proposal,
          task: { ...task, level },
          earlierLevels,
          ...(purchase.salaryBenchmark ? { salaryBenchmark: purchase.salaryBenchmark } : {}),
        }),
      );
    }
    case 'COUNTERSIGN': {
      const { documents, ...record } = await reviewRecord(deps, task, purchase, task.purpose);
      const [document] = documents;
      return countersignPage(
        countersignPageModel({ purchaseId, proposal, task, ...record, ...(document ? { document } : {}) }),
      );
    }
    case 'PAYMENT_CONFIRMATION':
      return paymentConfirmationPage(paymentConfirmationPageModel({ purchaseId, proposal, task }));
    case 'MIDTERM_REVIEW': {
      const { documents, ...record } = await reviewRecord(deps, task, purchase, task.purpose);
      const [document] = documents;
      return midtermReviewPage(
        midtermReviewPageModel({ purchaseId, proposal, task, ...record, ...(document ? { document } : {}) }),
      );
    }
    case 'LATE_REPORT': {
      const { documents: _none, ...record } = await reviewRecord(deps, task, purchase, task.purpose);
      return lateReportPage(lateReportPageModel({ purchaseId, proposal, task, now: deps.now(), ...record }));
    }
    case 'EVALUATION': {
      const rubric = deps.rubric ?? DEFAULT_RUBRIC;
      // Nothing of the record is read, let alone presigned, before the agency declares its independence.
      if (task.declaredAt === undefined)
        return evaluationPage(evaluationPageModel({ purchaseId, proposal, task, rubric }));
      const record = await reviewRecord(deps, task, purchase, task.purpose);
      const reportUpload = await reportUploadOf(deps);
      return evaluationPage(
        evaluationPageModel({
          purchaseId,
          proposal,
          task,
          rubric,
          ...record,
          ...(reportUpload ? { reportUpload } : {}),
        }),
      );
    }
    case 'AMENDMENT_APPROVAL': {
      const { level } = task;
      const amendment = amendmentOf(purchase, task.context?.amendment);
      if (level === undefined || !amendment) return notFoundPage();
      return amendmentPage({ purchaseId, proposal, amendment, task: { ...task, level } });
    }
    // The officer revises in the signed-in console: a revision has no link page.
    case 'REVISION':
      return notFoundPage();
  }
}

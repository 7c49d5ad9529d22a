import { describe, expect, it } from 'vitest';
import type { HtmlPage } from '../../../../shared/presentation/pages/layout.js';
import {
  confirmationPage,
  confirmationPageModel,
} from '../../../../shared/presentation/pages/task/approval-page.js';
import {
  countersignPage,
  countersignPageModel,
} from '../../../../shared/presentation/pages/task/countersign-page.js';
import {
  lateReportPage,
  lateReportPageModel,
} from '../../../../shared/presentation/pages/task/late-report-page.js';
import {
  midtermReviewPage,
  midtermReviewPageModel,
} from '../../../../shared/presentation/pages/task/midterm-review-page.js';
import {
  paymentConfirmationPage,
  paymentConfirmationPageModel,
} from '../../../../shared/presentation/pages/task/payment-confirmation-page.js';
import {
  count,
  countersignTask,
  FAKE_TOKEN,
  LATE_NOW,
  lateTask,
  paymentTask,
  proposal,
  REPORT_URL,
  reviewedFile,
  reviewTask,
  SIGNED_URL,
  TASK_ID,
  task,
} from './task-page-fixtures.js';

/**
 * What every page with a decision form shares: built from the whole task record (token and all),
 * neither its model nor its HTML holds the task token or the task id, and the page's nonce
 * stands once, in the form's hidden field.
 */

interface ReviewPage {
  model: () => object;
  render: (model: never) => HtmlPage;
}

const PAGES: [string, ReviewPage][] = [
  [
    'approval',
    {
      model: () => confirmationPageModel({ purchaseId: task.purchaseId, proposal, task }),
      render: confirmationPage,
    },
  ],
  [
    'countersignature',
    {
      model: () =>
        countersignPageModel({
          purchaseId: countersignTask.purchaseId,
          proposal,
          task: countersignTask,
          document: reviewedFile('SIGNED_CONTRACT', SIGNED_URL),
        }),
      render: countersignPage,
    },
  ],
  [
    'payment confirmation',
    {
      model: () =>
        paymentConfirmationPageModel({ purchaseId: paymentTask.purchaseId, proposal, task: paymentTask }),
      render: paymentConfirmationPage,
    },
  ],
  [
    'mid-term review',
    {
      model: () =>
        midtermReviewPageModel({
          purchaseId: reviewTask.purchaseId,
          proposal,
          task: reviewTask,
          document: reviewedFile('MIDTERM_REPORT', REPORT_URL),
        }),
      render: midtermReviewPage,
    },
  ],
  [
    'late report',
    {
      model: () =>
        lateReportPageModel({ purchaseId: lateTask.purchaseId, proposal, task: lateTask, now: LATE_NOW }),
      render: lateReportPage,
    },
  ],
];

describe('every page with a decision form', () => {
  it.each(PAGES)('the %s page never holds the task token or the task id; the nonce once', (_name, page) => {
    const model = page.model();
    const html = page.render(model as never).html;

    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(TASK_ID);
    expect(count(html, /n0nce_Value-123/)).toBe(1);
  });
});

import { createHash } from 'node:crypto';
import { beforeEach, expect, type Mock, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../../infra/local/samples/proposals.js';
import type { PolicySettings } from '../../../../shared/domain/policy-settings.js';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import type { UploadKind } from '../../../../shared/domain/uploads.js';
import { signTaskId } from '../../../../shared/links/signing.js';
import type { HtmlPage } from '../../../../shared/presentation/pages/layout.js';
import { decideTask } from '../../../../shared/usecases/task-links/decide-task.js';
import type { DecisionForm } from '../../../../shared/usecases/task-links/decision-form.js';
import { showTask } from '../../../../shared/usecases/task-links/open-task-link.js';
import {
  type ReviewedDocument,
  reviewedUploads,
} from '../../../../shared/usecases/task-links/task-documents.js';
import type { TaskLinkDeps } from '../../../../shared/usecases/task-links/task-link-deps.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../../support/fakes/index.js';
import { TEST_POLICY } from '../../../support/settings.js';

/**
 * What the task-link use case tests share: the fakes and the deps, rebuilt before each test with a
 * pending approval task (`task`) on a purchase in APPROVAL; GET and POST of a link; and the
 * purchases and tasks of the other link purposes the tests open.
 */

export const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
export const TOKEN = 'sfn-task-token-AAAAsecretBBBB';
export let fakes: Fakes;
export const settings: PolicySettings = TEST_POLICY;
export let deps: TaskLinkDeps & { log: Mock<(message: string, detail?: Record<string, unknown>) => void> };
export let task: HumanTask;

export const sigOf = (taskId: string) => signTaskId(taskId, TEST_LINK_KEY);
export const show = (taskId = task.taskId, sig: string | undefined = sigOf(taskId)) =>
  showTask(deps, { taskId, sig });
export const post = (form: DecisionForm, taskId = task.taskId, sig: string | undefined = sigOf(taskId)) =>
  decideTask(deps, { taskId, sig, form });
export const approve = (comment = '同意立项') =>
  post({ nonce: task.nonce, decision: 'APPROVE', confirmed: '1', comment });

export function expectStatus(page: HtmlPage, statusCode: number): void {
  expect(page.statusCode).toBe(statusCode);
  expect(page.html).toMatch(/^<!doctype html>/);
}

/** Registers the fresh fakes, deps and approval task of every test in the calling file. */
export function useTaskLinkFixture(): void {
  beforeEach(async () => {
    fakes = createFakes('2026-03-02T08:00:00.000Z');
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'APPROVAL',
        approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      }),
    );
    ({ task } = await fakes.tasks.openTask({
      purchaseId: PURCHASE_ID,
      stepKey: 'APPROVAL:SECTION_CHIEF',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      assignee: { ...settings.approval.approvers.SECTION_CHIEF, role: 'SECTION_CHIEF' },
      taskToken: TOKEN,
      expiresAt: '2026-03-05T08:00:00.000Z',
      now: fakes.clock.now(),
    }));
    deps = {
      tasks: fakes.tasks,
      purchases: fakes.purchases,
      payments: fakes.payments,
      callbacks: fakes.callbacks,
      mailer: fakes.mailer,
      linkKey: async () => TEST_LINK_KEY,
      now: fakes.clock.now,
      reviewedDocuments: reviewedUploads({ deliverables: fakes.deliverables }),
      log: vi.fn<(message: string, detail?: Record<string, unknown>) => void>(),
    };
  });
}

export const CONTRACTING_ID = 'PUR-2026-CNTRACTNGABCDEFGH';
export const COUNTERSIGN_TOKEN = 'sfn-countersign-token-CCCCsecretDDDD';
export const SECTION_CHIEF = {
  name: '王科长',
  email: 'section-chief@civil-affairs.example.gov.cn',
  role: 'SECTION_CHIEF',
};

export async function openCountersign(): Promise<HumanTask> {
  const opened = await fakes.tasks.openTask({
    purchaseId: CONTRACTING_ID,
    stepKey: 'COUNTERSIGN:1',
    purpose: 'COUNTERSIGN',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: SECTION_CHIEF,
    taskToken: COUNTERSIGN_TOKEN,
    context: { round: 1 },
    expiresAt: '2026-03-05T08:00:00.000Z',
    now: fakes.clock.now(),
  });
  return opened.task;
}

export function seedContracting(): void {
  fakes.purchases.seed(purchaseRecord(CONTRACTING_ID, largeElderlyCareProposal(), { stage: 'CONTRACTING' }));
}

export const MIDTERM_ID = 'PUR-2026-MDTRMRVWABCDEFGH';
export const REVIEW_TOKEN = 'sfn-midterm-review-token-EEEEsecretFFFF';
export const LATE_TOKEN = 'sfn-late-report-token-GGGGsecretHHHH';

export function seedMidterm(): void {
  fakes.purchases.seed(purchaseRecord(MIDTERM_ID, largeElderlyCareProposal(), { stage: 'MIDTERM_REVIEW' }));
}

export async function openMidtermReview(
  context: Record<string, string | number> = { round: 1, maxRounds: 3 },
) {
  const { task: opened } = await fakes.tasks.openTask({
    purchaseId: MIDTERM_ID,
    stepKey: `MIDTERM_REVIEW:${context.round ?? 1}`,
    purpose: 'MIDTERM_REVIEW',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: SECTION_CHIEF,
    taskToken: REVIEW_TOKEN,
    context,
    expiresAt: '2026-03-05T08:00:00.000Z',
    now: fakes.clock.now(),
  });
  return opened;
}

export async function openLateReport(): Promise<HumanTask> {
  const { task: opened } = await fakes.tasks.openTask({
    purchaseId: MIDTERM_ID,
    stepKey: 'LATE_REPORT:1',
    purpose: 'LATE_REPORT',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: SECTION_CHIEF,
    taskToken: LATE_TOKEN,
    context: { dueDate: '2026-02-01', round: 1 },
    expiresAt: '2026-03-05T08:00:00.000Z',
    now: fakes.clock.now(),
  });
  return opened;
}

/** A file under review as `deps.reviewedDocuments` names it: fixed id, name and SHA-256 by kind. */
export function reviewedDocumentOf(kind: UploadKind, url?: string): ReviewedDocument {
  return {
    kind,
    uploadId: `UP-${kind}`,
    fileName: `${kind.toLowerCase()}.pdf`,
    sha256: createHash('sha256').update(kind).digest('hex'),
    uploadedAt: '2026-03-01T02:00:00.000Z',
    ...(url === undefined ? {} : { url }),
    underReview: true,
  };
}

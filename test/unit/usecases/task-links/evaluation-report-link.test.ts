import { beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../../infra/local/samples/proposals.js';
import type { DeliverableRecord } from '../../../../shared/domain/deliverables.js';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import type { UploadKind } from '../../../../shared/domain/uploads.js';
import type { DecisionForm } from '../../../../shared/usecases/task-links/decision-form.js';
import { reviewedUploads } from '../../../../shared/usecases/task-links/task-documents.js';
import { purchaseRecord } from '../../../support/fakes/index.js';
import { RecordingUploadSigner } from '../../../support/handler-harness.js';
import { deps, expectStatus, fakes, post, show, useTaskLinkFixture } from './task-link-fixture.js';

useTaskLinkFixture();

/**
 * The evaluator's written report and its draft of the scores: the page shows the report the agency
 * uploaded (never another agency's), offers the upload form with its own script policy, keeps a
 * draft and fills it in again, and the submitted scores record which report they came with.
 */

const EVALUATION_ID = 'PUR-2026-RPRTLINKABCDEFGH';
const AGENCY = {
  name: '嘉禾社会研究中心',
  email: 'evaluation@jiahe-research.example.org',
  role: 'EVALUATOR',
};
const BUCKET = 'https://documents.s3.test';
const SCRIPT_NONCE = 'c2NyaXB0LW5vbmNlLTEyMzQ1Ng==';

function upload(
  uploadId: string,
  kind: UploadKind,
  uploadedAt: string,
  uploadedBy: string,
): DeliverableRecord {
  return {
    purchaseId: EVALUATION_ID,
    uploadId,
    kind,
    key: `uploads/${EVALUATION_ID}/${kind}/${uploadId}/${uploadId}.pdf`,
    fileName: `${uploadId}.pdf`,
    size: 4096,
    sha256: uploadId.padEnd(64, '0'),
    detectedType: 'PDF',
    uploadedBy,
    uploadedAt,
    eTag: '"e"',
    status: 'ACCEPTED',
    reasons: [],
  };
}

describe('the evaluation page: the written report and the draft', () => {
  let evaluation: HumanTask;
  const postTo = (form: Omit<DecisionForm, 'nonce'>) =>
    post({ nonce: evaluation.nonce, ...form }, evaluation.taskId);
  const reviewedOn = (html: string) =>
    [...html.matchAll(/name="reviewed" value="([^"]+)"/g)].map((m) => m[1]);

  beforeEach(async () => {
    fakes.purchases.seed(
      purchaseRecord(EVALUATION_ID, largeElderlyCareProposal(), {
        stage: 'EVALUATION',
        evaluation: { agencyId: 'jiahe-eval', excludedAgencies: ['ludao-eval'] },
      }),
    );
    ({ task: evaluation } = await fakes.tasks.openTask({
      purchaseId: EVALUATION_ID,
      stepKey: 'EVALUATION:2',
      purpose: 'EVALUATION',
      attempt: 'FIRST',
      assignee: AGENCY,
      taskToken: 'evaluation-token',
      context: { agencyId: 'jiahe-eval' },
      expiresAt: '2026-03-12T08:00:00.000Z',
      now: fakes.clock.now(),
    }));
    deps.reviewedDocuments = reviewedUploads({ deliverables: fakes.deliverables });
    deps.reportUploads = {
      signer: new RecordingUploadSigner(BUCKET),
      maxBytes: 26_214_400,
      newNonce: () => SCRIPT_NONCE,
    };
    await fakes.deliverables.recordDeliverable(
      upload('final-report', 'FINAL_REPORT', '2026-02-20T01:00:00.000Z', 'ngo:x'),
      '2026-02-20T01:00:00.000Z',
    );
    expectStatus(await postTo({ declare: '1' }), 200);
  });

  it('without a report says none is attached, and offers the PDF upload with a script allowed by the page’s own policy', async () => {
    const page = await show(evaluation.taskId);

    expect(page.html).toContain('No report is attached yet');
    expect(page.html).toContain('accept=".pdf,application/pdf"');
    expect(page.html).toContain(`<script nonce="${SCRIPT_NONCE}">`);
    expect(page.html).toContain('"/report"');
    expect((page as { contentSecurityPolicy?: string }).contentSecurityPolicy).toBe(
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${SCRIPT_NONCE}'; connect-src 'self' ${BUCKET}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(page.html).not.toContain('evaluation-token');
  });

  it('shows only the report this agency uploaded since declaring, and the scores are recorded with it', async () => {
    await fakes.deliverables.recordDeliverable(
      upload('other-agency-report', 'EVALUATION_REPORT', '2026-03-02T08:30:00.000Z', 'agency:ludao-eval'),
      '2026-03-02T08:30:00.000Z',
    );
    await fakes.deliverables.recordDeliverable(
      upload('own-report', 'EVALUATION_REPORT', '2026-03-02T09:00:00.000Z', 'agency:jiahe-eval'),
      '2026-03-02T09:00:00.000Z',
    );

    const page = await show(evaluation.taskId);

    expect(page.html).toContain('own-report.pdf');
    expect(page.html).toContain('own-report'.padEnd(64, '0'));
    expect(page.html).not.toContain('other-agency-report');
    expect(reviewedOn(page.html)).toEqual(['final-report', 'own-report']);

    const submitted = await postTo({
      decision: 'SUBMIT',
      scores: { PROFESSIONAL_SERVICE: '88', OUTCOMES: '84', MANAGEMENT: '90' },
      reviewed: ['final-report', 'own-report'],
    });
    expectStatus(submitted, 200);
    const decision = (await fakes.purchases.getPurchase(EVALUATION_ID))?.decisions['EVALUATION:2'];
    expect(decision?.data?.reviewed).toContainEqual({
      kind: 'EVALUATION_REPORT',
      uploadId: 'own-report',
      sha256: 'own-report'.padEnd(64, '0'),
    });
  });

  it('scores posted from a page that showed no report, after one was uploaded meanwhile, are not recorded (409)', async () => {
    await fakes.deliverables.recordDeliverable(
      upload('own-report', 'EVALUATION_REPORT', '2026-03-02T09:00:00.000Z', 'agency:jiahe-eval'),
      '2026-03-02T09:00:00.000Z',
    );

    const page = await postTo({
      decision: 'SUBMIT',
      scores: { PROFESSIONAL_SERVICE: '88', OUTCOMES: '84', MANAGEMENT: '90' },
      reviewed: ['final-report'],
    });

    expectStatus(page, 409);
    expect(page.html).toContain('Your agency has uploaded a newer report');
    expect(page.html).not.toContain('The NGO');
    expect(fakes.tasks.stored(evaluation.taskId).status).toBe('PENDING');
  });

  it('a draft keeps what is filled in, is shown again when the page is reopened, and decides nothing', async () => {
    const saved = await postTo({
      draft: '1',
      scores: { OUTCOMES: ' 84.5 ', MANAGEMENT: '' },
      comment: '待补充走访记录',
    });

    expectStatus(saved, 200);
    expect(fakes.tasks.stored(evaluation.taskId).draft).toEqual({
      scores: { OUTCOMES: '84.5' },
      comment: '待补充走访记录',
      savedAt: '2026-03-02T08:00:00.000Z',
    });
    const reopened = await show(evaluation.taskId);
    expect(reopened.html).toMatch(/name="score_OUTCOMES"[^>]* value="84.5"/);
    expect(reopened.html).not.toMatch(/name="score_MANAGEMENT"[^>]* value=/);
    expect(reopened.html).toContain('>待补充走访记录</textarea>');
    expect(reopened.html).toContain('The draft saved 2026-03-02 16:00 (UTC+8) is filled in below');
    expect(fakes.tasks.stored(evaluation.taskId).status).toBe('PENDING');
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('a draft with a score out of range or a criterion outside the rubric answers 400 and keeps nothing', async () => {
    const saveDraft = vi.spyOn(fakes.tasks, 'saveDraft');

    const outOfRange = await postTo({ draft: '1', scores: { OUTCOMES: '101' } });
    const unknown = await postTo({ draft: '1', scores: { INNOVATION: '80' } });

    expectStatus(outOfRange, 400);
    expect(outOfRange.html).toContain('score_OUTCOMES');
    expectStatus(unknown, 400);
    expect(unknown.html).toContain('score_INNOVATION');
    expect(saveDraft).not.toHaveBeenCalled();
  });

  it('the submit stays the decision: after a draft, the submitted scores are recorded and the draft is kept on the trail', async () => {
    await postTo({ draft: '1', scores: { OUTCOMES: '80' } });

    const page = await postTo({
      decision: 'SUBMIT',
      scores: { PROFESSIONAL_SERVICE: '88', OUTCOMES: '84', MANAGEMENT: '90' },
      reviewed: ['final-report'],
    });

    expectStatus(page, 200);
    expect(fakes.tasks.stored(evaluation.taskId).decision?.data).toMatchObject({
      scores: { PROFESSIONAL_SERVICE: 88, OUTCOMES: 84, MANAGEMENT: 90 },
    });
    const actions = (await fakes.purchases.listAudit(EVALUATION_ID)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['evaluation.draft-saved', 'task.decided']));
  });
});

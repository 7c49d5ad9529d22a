import { beforeEach, describe, expect, it, vi } from 'vitest';
import { reviewedUploadsOn } from '../../../../infra/local/users.js';
import type { UploadKind } from '../../../../shared/domain/uploads.js';
import {
  CONTRACTING_ID,
  deps,
  expectStatus,
  fakes,
  MIDTERM_ID,
  openCountersign,
  openMidtermReview,
  post,
  seedContracting,
  seedMidterm,
  show,
  task,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

/** An accepted upload of the purchase, with a SHA-256 of its own. */
function accepted(purchaseId: string, kind: UploadKind, uploadId: string, at: string) {
  const sha256 = uploadId
    .padEnd(64, '0')
    .slice(0, 64)
    .replace(/[^0-9a-f]/g, 'e');
  return fakes.deliverables.recordDeliverable(
    {
      purchaseId,
      uploadId,
      kind,
      key: `uploads/${purchaseId}/${kind}/${uploadId}/file.pdf`,
      fileName: `${uploadId}.pdf`,
      size: 1000,
      sha256,
      uploadedBy: 'ngo:52350200MJ0000000X',
      uploadedAt: at,
      eTag: '"e"',
      status: 'ACCEPTED',
      reasons: [],
    },
    at,
  );
}

describe('a review decision is tied to the file its page showed', () => {
  beforeEach(() => {
    seedContracting();
  });

  it('records the upload id and SHA-256 of the signed contract the page showed', async () => {
    await accepted(CONTRACTING_ID, 'SIGNED_CONTRACT', 'signed-1', '2026-03-01T01:00:00.000Z');
    const countersign = await openCountersign();
    const page = await show(countersign.taskId);
    expect(reviewedUploadsOn(page.html)).toEqual(['signed-1']);

    const answer = await post(
      { nonce: countersign.nonce, decision: 'COUNTERSIGN', reviewed: reviewedUploadsOn(page.html) },
      countersign.taskId,
    );

    expectStatus(answer, 200);
    const decided = await fakes.tasks.getTask(countersign.taskId);
    const [signed] = await fakes.deliverables.listDeliverables(CONTRACTING_ID);
    expect(decided?.decision?.data).toEqual({
      reviewed: [{ kind: 'SIGNED_CONTRACT', uploadId: 'signed-1', sha256: signed?.sha256 }],
    });
  });

  it('refuses with 409 and the new file when a newer upload arrived after the page was opened; nothing is recorded', async () => {
    await accepted(CONTRACTING_ID, 'SIGNED_CONTRACT', 'signed-1', '2026-03-01T01:00:00.000Z');
    const countersign = await openCountersign();
    const page = await show(countersign.taskId);
    await accepted(CONTRACTING_ID, 'SIGNED_CONTRACT', 'signed-2', '2026-03-01T02:00:00.000Z');
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const answer = await post(
      { nonce: countersign.nonce, decision: 'COUNTERSIGN', reviewed: reviewedUploadsOn(page.html) },
      countersign.taskId,
    );

    expectStatus(answer, 409);
    expect(answer.html).toContain('The NGO has uploaded a newer file');
    expect(answer.html).toContain('signed-2.pdf');
    expect(answer.html).not.toContain('signed-1.pdf');
    expect(decide).not.toHaveBeenCalled();
    expect((await fakes.tasks.getTask(countersign.taskId))?.status).toBe('PENDING');
    expect(fakes.callbacks.succeeded).toEqual([]);

    // Reopened, the page shows the new file, and the decision on it is recorded.
    const reopened = await show(countersign.taskId);
    expect(reviewedUploadsOn(reopened.html)).toEqual(['signed-2']);
    const second = await post(
      { nonce: countersign.nonce, decision: 'COUNTERSIGN', reviewed: reviewedUploadsOn(reopened.html) },
      countersign.taskId,
    );
    expectStatus(second, 200);
  });

  it('refuses a POST that names no file while one is under review (a page from before, a hand-made form)', async () => {
    await accepted(CONTRACTING_ID, 'SIGNED_CONTRACT', 'signed-1', '2026-03-01T01:00:00.000Z');
    const countersign = await openCountersign();

    expectStatus(await post({ nonce: countersign.nonce, decision: 'COUNTERSIGN' }, countersign.taskId), 409);
    expectStatus(
      await post(
        { nonce: countersign.nonce, decision: 'COUNTERSIGN', reviewed: ['signed-1', 'invented'] },
        countersign.taskId,
      ),
      409,
    );
  });

  it('ties a mid-term review to the report round it showed', async () => {
    seedMidterm();
    await accepted(MIDTERM_ID, 'MIDTERM_REPORT', 'report-1', '2026-03-01T01:00:00.000Z');
    const review = await openMidtermReview();
    const page = await show(review.taskId);
    await accepted(MIDTERM_ID, 'MIDTERM_REPORT', 'report-2', '2026-03-01T02:00:00.000Z');

    const stale = await post(
      { nonce: review.nonce, decision: 'PASS', reviewed: reviewedUploadsOn(page.html) },
      review.taskId,
    );
    expectStatus(stale, 409);
    expect(stale.html).toContain('report-2.pdf');

    const current = await post(
      { nonce: review.nonce, decision: 'PASS', reviewed: ['report-2'] },
      review.taskId,
    );
    expectStatus(current, 200);
    const decided = await fakes.tasks.getTask(review.taskId);
    expect(decided?.decision?.data?.reviewed).toEqual([
      expect.objectContaining({ kind: 'MIDTERM_REPORT', uploadId: 'report-2' }),
    ]);
  });

  it('looks for no file on a purpose that reviews none (an approval)', async () => {
    const listed = vi.spyOn(deps, 'reviewedDocuments');
    expectStatus(await post({ nonce: task.nonce, decision: 'APPROVE', confirmed: '1', comment: '' }), 200);
    expect((await fakes.tasks.getTask(task.taskId))?.decision?.data).toBeUndefined();
    expect(listed).not.toHaveBeenCalled();
  });
});

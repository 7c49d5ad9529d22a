import { describe, expect, it } from 'vitest';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import {
  reviewsUploads,
  showedCurrentUploads,
  uploadsForTask,
  uploadsUnderReview,
} from '../../../shared/domain/reviewed-uploads.js';
import type { UploadKind } from '../../../shared/domain/uploads.js';

const upload = (uploadId: string, kind: UploadKind, status: DeliverableRecord['status'] = 'ACCEPTED') =>
  ({ uploadId, kind, status, sha256: uploadId }) as DeliverableRecord;

describe('uploadsUnderReview', () => {
  it('takes the newest accepted upload of each reviewed kind, in the purpose order of kinds', () => {
    const uploads = [
      upload('final-1', 'FINAL_REPORT'),
      upload('mid-1', 'MIDTERM_REPORT'),
      upload('mid-2', 'MIDTERM_REPORT'),
      upload('mid-3-refused', 'MIDTERM_REPORT', 'REJECTED'),
      upload('evidence', 'EVIDENCE'),
      upload('final-2', 'FINAL_REPORT'),
    ];
    expect(uploadsUnderReview('EVALUATION', uploads).map((u) => u.uploadId)).toEqual(['final-2', 'mid-2']);
    expect(uploadsUnderReview('MIDTERM_REVIEW', uploads).map((u) => u.uploadId)).toEqual(['mid-2']);
    expect(uploadsUnderReview('COUNTERSIGN', uploads)).toEqual([]);
  });

  it('knows which purposes review files', () => {
    expect(['COUNTERSIGN', 'MIDTERM_REVIEW', 'EVALUATION'].every((p) => reviewsUploads(p as never))).toBe(
      true,
    );
    expect(reviewsUploads('APPROVAL')).toBe(false);
    expect(reviewsUploads('PAYMENT_CONFIRMATION')).toBe(false);
  });
});

describe('showedCurrentUploads', () => {
  const current = [{ uploadId: 'final-2' }, { uploadId: 'mid-2' }];

  it('holds for exactly the current uploads, in any order', () => {
    expect(showedCurrentUploads(current, ['mid-2', 'final-2'])).toBe(true);
    expect(showedCurrentUploads([], [])).toBe(true);
  });

  it('fails for an older upload, a missing one, an extra one or a repeated one in place of another', () => {
    expect(showedCurrentUploads(current, ['final-1', 'mid-2'])).toBe(false);
    expect(showedCurrentUploads(current, ['final-2'])).toBe(false);
    expect(showedCurrentUploads(current, ['final-2', 'mid-2', 'other'])).toBe(false);
    expect(showedCurrentUploads(current, ['final-2', 'final-2'])).toBe(false);
    expect(showedCurrentUploads([], ['final-2'])).toBe(false);
  });
});

describe('uploadsForTask', () => {
  const report = (uploadId: string, uploadedBy: string, uploadedAt: string) =>
    ({
      uploadId,
      kind: 'EVALUATION_REPORT',
      status: 'ACCEPTED',
      uploadedBy,
      uploadedAt,
    }) as DeliverableRecord;
  const finalReport = {
    ...report('final', 'ngo:x', '2026-01-01T00:00:00.000Z'),
    kind: 'FINAL_REPORT',
  } as DeliverableRecord;
  const uploads = [
    finalReport,
    report('own-before-declaring', 'agency:jiahe-eval', '2026-03-01T00:00:00.000Z'),
    report('other-agency', 'agency:ludao-eval', '2026-03-03T00:00:00.000Z'),
    report('own', 'agency:jiahe-eval', '2026-03-03T00:00:00.000Z'),
  ];

  it('shows an evaluation task only its own agency’s reports since it declared, and every other upload', () => {
    const task = { context: { agencyId: 'jiahe-eval' }, declaredAt: '2026-03-02T00:00:00.000Z' };
    expect(uploadsForTask(task, uploads).map((u) => u.uploadId)).toEqual(['final', 'own']);
  });

  it('shows no evaluation report before the declaration, nor to a task without an agency', () => {
    expect(uploadsForTask({ context: { agencyId: 'jiahe-eval' } }, uploads).map((u) => u.uploadId)).toEqual([
      'final',
    ]);
    expect(
      uploadsForTask({ declaredAt: '2026-03-02T00:00:00.000Z' }, uploads).map((u) => u.uploadId),
    ).toEqual(['final']);
  });
});

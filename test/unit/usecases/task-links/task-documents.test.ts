import { describe, expect, it, vi } from 'vitest';
import { REVIEWED_UPLOAD_KINDS } from '../../../../shared/domain/tasks.js';
import {
  DOCUMENT_LINK_SECONDS,
  reviewedUploads,
} from '../../../../shared/usecases/task-links/task-documents.js';
import {
  CONTRACTING_ID,
  fakes,
  MIDTERM_ID,
  openCountersign,
  openLateReport,
  openMidtermReview,
  seedContracting,
  seedMidterm,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

describe('reviewedUploads', () => {
  const presignGet = vi.fn(
    async (key: string, seconds: number) => `https://s3.example/${key}?expires=${seconds}`,
  );

  const upload = (
    purchaseId: string,
    uploadId: string,
    at: string,
    status: 'ACCEPTED' | 'REJECTED',
    kind: 'SIGNED_CONTRACT' | 'MIDTERM_REPORT' | 'EVIDENCE',
  ) =>
    fakes.deliverables.recordDeliverable(
      {
        purchaseId,
        uploadId,
        kind,
        key: `uploads/${purchaseId}/${kind}/${uploadId}/file.pdf`,
        fileName: 'file.pdf',
        size: 1000,
        sha256: 'a'.repeat(64),
        uploadedBy: 'ngo:52350200MJ0000000X',
        uploadedAt: at,
        eTag: '"e"',
        status,
        reasons: [],
      },
      at,
    );

  it('reviews the signed contract on a countersignature, the mid-term report on a mid-term review, both reports and the agency’s own on an evaluation', () => {
    expect(REVIEWED_UPLOAD_KINDS).toEqual({
      COUNTERSIGN: ['SIGNED_CONTRACT'],
      MIDTERM_REVIEW: ['MIDTERM_REPORT'],
      EVALUATION: ['FINAL_REPORT', 'MIDTERM_REPORT', 'EVALUATION_REPORT'],
    });
  });

  it('presigns the latest accepted signed contract for a countersignature, and none when there is none', async () => {
    seedContracting();
    const countersign = await openCountersign();
    const link = reviewedUploads({ deliverables: fakes.deliverables, objects: { presignGet } });

    expect(await link(countersign)).toEqual([]);

    await upload(CONTRACTING_ID, 'first-upload-1', '2026-03-01T01:00:00.000Z', 'ACCEPTED', 'SIGNED_CONTRACT');
    await upload(
      CONTRACTING_ID,
      'second-upload-2',
      '2026-03-01T02:00:00.000Z',
      'ACCEPTED',
      'SIGNED_CONTRACT',
    );
    await upload(
      CONTRACTING_ID,
      'third-upload-33',
      '2026-03-01T03:00:00.000Z',
      'REJECTED',
      'SIGNED_CONTRACT',
    );
    await upload(CONTRACTING_ID, 'report-upload-4', '2026-03-01T04:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT');

    expect(await link(countersign)).toEqual([
      {
        kind: 'SIGNED_CONTRACT',
        uploadId: 'second-upload-2',
        fileName: 'file.pdf',
        sha256: 'a'.repeat(64),
        uploadedAt: '2026-03-01T02:00:00.000Z',
        url: `https://s3.example/uploads/${CONTRACTING_ID}/SIGNED_CONTRACT/second-upload-2/file.pdf?expires=${DOCUMENT_LINK_SECONDS}`,
        underReview: true,
      },
    ]);
    expect(DOCUMENT_LINK_SECONDS).toBeLessThanOrEqual(15 * 60);
  });

  it('presigns the latest accepted mid-term report for a mid-term review, never the signed contract or evidence', async () => {
    seedMidterm();
    const review = await openMidtermReview();
    const link = reviewedUploads({ deliverables: fakes.deliverables, objects: { presignGet } });

    await upload(MIDTERM_ID, 'contract-upload', '2026-03-01T01:00:00.000Z', 'ACCEPTED', 'SIGNED_CONTRACT');
    expect(await link(review)).toEqual([]);

    await upload(MIDTERM_ID, 'report-round-1', '2026-03-01T02:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT');
    await upload(MIDTERM_ID, 'report-round-2', '2026-03-01T03:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT');
    await upload(MIDTERM_ID, 'report-refused', '2026-03-01T04:00:00.000Z', 'REJECTED', 'MIDTERM_REPORT');
    await upload(MIDTERM_ID, 'evidence-upload', '2026-03-01T05:00:00.000Z', 'ACCEPTED', 'EVIDENCE');

    expect(await link(review)).toEqual([
      {
        kind: 'MIDTERM_REPORT',
        uploadId: 'report-round-2',
        fileName: 'file.pdf',
        sha256: 'a'.repeat(64),
        uploadedAt: '2026-03-01T03:00:00.000Z',
        url: `https://s3.example/uploads/${MIDTERM_ID}/MIDTERM_REPORT/report-round-2/file.pdf?expires=${DOCUMENT_LINK_SECONDS}`,
        underReview: true,
      },
    ]);
  });

  it('on record, lists every accepted signed copy of a countersignature oldest first, the newest marked under review', async () => {
    seedContracting();
    const countersign = await openCountersign();
    const link = reviewedUploads({ deliverables: fakes.deliverables, objects: { presignGet } });
    await upload(CONTRACTING_ID, 'first-upload-1', '2026-03-01T01:00:00.000Z', 'ACCEPTED', 'SIGNED_CONTRACT');
    await upload(CONTRACTING_ID, 'refused-upload', '2026-03-01T02:00:00.000Z', 'REJECTED', 'SIGNED_CONTRACT');
    await upload(
      CONTRACTING_ID,
      'second-upload-2',
      '2026-03-01T03:00:00.000Z',
      'ACCEPTED',
      'SIGNED_CONTRACT',
    );

    const listed = await link(countersign, { onRecord: true });

    expect(listed.map((d) => [d.uploadId, d.underReview, d.uploadedAt])).toEqual([
      ['first-upload-1', false, '2026-03-01T01:00:00.000Z'],
      ['second-upload-2', true, '2026-03-01T03:00:00.000Z'],
    ]);
    expect(listed.every((d) => d.url?.startsWith('https://s3.example/uploads/'))).toBe(true);
  });

  it('on record, lists every round of the mid-term report and the evidence for a mid-term review and a late report', async () => {
    seedMidterm();
    const review = await openMidtermReview();
    const late = await openLateReport();
    const link = reviewedUploads({ deliverables: fakes.deliverables });
    await upload(MIDTERM_ID, 'contract-upload', '2026-03-01T01:00:00.000Z', 'ACCEPTED', 'SIGNED_CONTRACT');
    await upload(MIDTERM_ID, 'report-round-1', '2026-03-01T02:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT');
    await upload(MIDTERM_ID, 'evidence-upload', '2026-03-01T03:00:00.000Z', 'ACCEPTED', 'EVIDENCE');
    await upload(MIDTERM_ID, 'report-round-2', '2026-03-01T04:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT');
    await upload(MIDTERM_ID, 'evidence-refused', '2026-03-01T05:00:00.000Z', 'REJECTED', 'EVIDENCE');

    const onRecord = async (task: typeof review) =>
      (await link(task, { onRecord: true })).map((d) => [d.uploadId, d.underReview]);

    expect(await onRecord(review)).toEqual([
      ['report-round-1', false],
      ['report-round-2', true],
      ['evidence-upload', false],
    ]);
    // A late report decides on no file: the same files are listed, none of them under review.
    expect(await onRecord(late)).toEqual([
      ['report-round-1', false],
      ['report-round-2', false],
      ['evidence-upload', false],
    ]);
  });

  it('names the files without links when asked for none, or when no bucket is granted', async () => {
    seedMidterm();
    const review = await openMidtermReview();
    await upload(MIDTERM_ID, 'report-round-1', '2026-03-01T02:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT');
    const named = [
      {
        kind: 'MIDTERM_REPORT',
        uploadId: 'report-round-1',
        fileName: 'file.pdf',
        sha256: 'a'.repeat(64),
        uploadedAt: '2026-03-01T02:00:00.000Z',
        underReview: true,
      },
    ];
    presignGet.mockClear();

    const withBucket = reviewedUploads({ deliverables: fakes.deliverables, objects: { presignGet } });
    expect(await withBucket(review, { links: false })).toEqual(named);
    expect(presignGet).not.toHaveBeenCalled();
    expect(await reviewedUploads({ deliverables: fakes.deliverables })(review)).toEqual(named);
  });

  it('links nothing, without reading the deliverables, for a purpose that reviews no upload', async () => {
    seedMidterm();
    const lateTask = await openLateReport();
    const listDeliverables = vi.spyOn(fakes.deliverables, 'listDeliverables');
    const link = reviewedUploads({ deliverables: fakes.deliverables, objects: { presignGet } });

    expect(await link(lateTask)).toEqual([]);
    expect(listDeliverables).not.toHaveBeenCalled();
  });
});

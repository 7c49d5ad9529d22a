import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import type { DecisionForm } from '../../../../shared/usecases/task-links/decision-form.js';
import type { ReviewedDocument } from '../../../../shared/usecases/task-links/task-documents.js';
import {
  deps,
  expectStatus,
  fakes,
  LATE_TOKEN,
  MIDTERM_ID,
  openLateReport,
  post,
  reviewedDocumentOf,
  SECTION_CHIEF,
  seedMidterm,
  show,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

describe('late report links', () => {
  let lateTask: HumanTask;
  const postTo = (form: DecisionForm) => post(form, lateTask.taskId);

  beforeEach(async () => {
    seedMidterm();
    lateTask = await openLateReport();
  });

  it('GET shows the due date, the days late to today and the Extend / Terminate buttons, without the token', async () => {
    const page = await show(lateTask.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('Mid-term report overdue');
    expect(page.html).toContain('2026-02-01');
    // 2026-03-02 16:00 in China is 29 days after 2026-02-01.
    expect(page.html).toContain('29 天 29 days');
    expect(page.html).toContain('value="EXTEND"');
    expect(page.html).toContain('value="TERMINATE"');
    expect(page.html).not.toContain('value="PASS"');
    expect(page.html).not.toContain(LATE_TOKEN);
  });

  it('GET lists the files on record (earlier reports, evidence) with their links, none of them under review', async () => {
    const documentUrl = vi.fn(
      async (): Promise<ReviewedDocument[]> => [
        { ...reviewedDocumentOf('MIDTERM_REPORT', 'https://documents.example/x.pdf'), underReview: false },
      ],
    );
    deps.reviewedDocuments = documentUrl;

    const page = await show(lateTask.taskId);

    expect(documentUrl).toHaveBeenCalledWith(expect.objectContaining({ taskId: lateTask.taskId }), {
      onRecord: true,
    });
    expect(page.html).toContain('Every file on record');
    expect(page.html).toContain('href="https://documents.example/x.pdf"');
    expect(page.html).toContain(reviewedDocumentOf('MIDTERM_REPORT').sha256);
    // Nothing ties the decision to a file: a late report decides on none.
    expect(page.html).not.toContain('name="reviewed"');
  });

  it('accepts only EXTEND and TERMINATE: a decision of the review or another purpose answers 400', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const decision of ['PASS', 'RECTIFY', 'APPROVE', 'COUNTERSIGN', 'CONFIRM', undefined]) {
      const page = await postTo({ nonce: lateTask.nonce, decision, comment: '意见' });
      expectStatus(page, 400);
      expect(page.html).toContain('Extend or the Terminate button');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a termination without its reason answers 400 and decides nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    const page = await postTo({ nonce: lateTask.nonce, decision: 'TERMINATE', comment: '' });
    expectStatus(page, 400);
    expect(page.html).toContain('give the reason');
    expect(decide).not.toHaveBeenCalled();
  });

  it('an extension without a comment is recorded and delivered to the waiting execution', async () => {
    const page = await postTo({ nonce: lateTask.nonce, decision: 'EXTEND' });

    expectStatus(page, 200);
    expect(page.html).toContain('延期 Extended');
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: LATE_TOKEN,
        output: { decision: 'EXTEND', by: SECTION_CHIEF.email, comment: '', taskId: lateTask.taskId },
      },
    ]);
    const purchase = await fakes.purchases.getPurchase(MIDTERM_ID);
    expect(purchase?.decisions['LATE_REPORT:1']).toMatchObject({ decision: 'EXTEND' });
  });

  it('a termination with its reason is delivered to the waiting execution', async () => {
    await postTo({ nonce: lateTask.nonce, decision: 'TERMINATE', comment: '多次催告仍未提交' });

    expect(fakes.callbacks.succeeded[0]).toMatchObject({
      taskToken: LATE_TOKEN,
      output: { decision: 'TERMINATE', comment: '多次催告仍未提交' },
    });
  });

  it('when no execution waits and the purchase left MIDTERM_REVIEW, answers 410', async () => {
    fakes.callbacks.closed.add(LATE_TOKEN);
    const stored = fakes.purchases.records.get(MIDTERM_ID);
    if (stored) stored.stage = 'TERMINATED';

    expectStatus(await postTo({ nonce: lateTask.nonce, decision: 'EXTEND' }), 410);
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import type { DecisionForm } from '../../../../shared/usecases/task-links/decision-form.js';
import type { ReviewedDocument } from '../../../../shared/usecases/task-links/task-documents.js';
import {
  deps,
  expectStatus,
  fakes,
  MIDTERM_ID,
  openMidtermReview,
  post,
  REVIEW_TOKEN,
  reviewedDocumentOf,
  SECTION_CHIEF,
  seedMidterm,
  show,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

describe('mid-term review links', () => {
  let review: HumanTask;
  const postTo = (form: DecisionForm) => post(form, review.taskId);

  beforeEach(async () => {
    seedMidterm();
    review = await openMidtermReview();
  });

  it('GET shows the review page with the round, the report link the deps give for this task, and all three buttons', async () => {
    const documentUrl = vi.fn(
      async (t: HumanTask): Promise<ReviewedDocument[]> => [
        reviewedDocumentOf(
          'MIDTERM_REPORT',
          `https://documents.example/${t.purchaseId}/report.pdf?X-Amz-Signature=s`,
        ),
      ],
    );
    deps.reviewedDocuments = documentUrl;

    const page = await show(review.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('Mid-term review');
    expect(page.html).toContain('Round 1 of 3');
    expect(page.html).toContain(
      `href="https://documents.example/${MIDTERM_ID}/report.pdf?X-Amz-Signature=s"`,
    );
    expect(page.html).toContain(`name="nonce" value="${review.nonce}"`);
    for (const decision of ['PASS', 'RECTIFY', 'TERMINATE'])
      expect(page.html).toContain(`value="${decision}"`);
    expect(page.html).not.toContain(REVIEW_TOKEN);
    expect(documentUrl.mock.calls[0]?.[0].taskId).toBe(review.taskId);
  });

  it('GET in the last round offers no Rectify button', async () => {
    const last = await openMidtermReview({ round: 3, maxRounds: 3 });

    const page = await show(last.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('value="PASS"');
    expect(page.html).toContain('value="TERMINATE"');
    expect(page.html).not.toContain('value="RECTIFY"');
  });

  it('accepts only PASS, RECTIFY and TERMINATE: decisions of other purposes answer 400 and decide nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const decision of ['APPROVE', 'COUNTERSIGN', 'REFUSE', 'CONFIRM', 'EXTEND', 'SUBMIT', undefined]) {
      const page = await postTo({ nonce: review.nonce, decision, comment: '意见' });
      expectStatus(page, 400);
      expect(page.html).toContain('Pass, the Rectify or the Terminate button');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a rectification without saying what to fix answers 400 and decides nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const comment of [undefined, '', '  \n ']) {
      const page = await postTo({ nonce: review.nonce, decision: 'RECTIFY', comment });
      expectStatus(page, 400);
      expect(page.html).toContain('say what the NGO must fix');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a termination without its reason answers 400 and decides nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const comment of [undefined, ' ']) {
      const page = await postTo({ nonce: review.nonce, decision: 'TERMINATE', comment });
      expectStatus(page, 400);
      expect(page.html).toContain('When terminating the purchase, give the reason');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a rectification in the last round answers 400 naming the round, and decides nothing', async () => {
    const last = await openMidtermReview({ round: 3, maxRounds: 3 });
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const page = await post({ nonce: last.nonce, decision: 'RECTIFY', comment: '补充台账' }, last.taskId);

    expectStatus(page, 400);
    expect(page.html).toContain('This is the last round (round 3 of 3)');
    expect(page.html).toContain('已是最后一轮（第 3 轮，共 3 轮）');
    expect(decide).not.toHaveBeenCalled();
    expect(fakes.tasks.stored(last.taskId).status).toBe('PENDING');
  });

  it('a rectification of a review whose context lacks the last round answers 400 saying so', async () => {
    const unknown = await openMidtermReview({ round: 2 });
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const page = await post(
      { nonce: unknown.nonce, decision: 'RECTIFY', comment: '补充台账' },
      unknown.taskId,
    );

    expectStatus(page, 400);
    expect(page.html).toContain('does not record its round or the last round');
    expect(decide).not.toHaveBeenCalled();
  });

  it('a pass is recorded under its step and delivered to the waiting execution once', async () => {
    const page = await postTo({ nonce: review.nonce, decision: 'PASS', comment: '' });
    await postTo({ nonce: review.nonce, decision: 'TERMINATE', comment: '改主意' });

    expectStatus(page, 200);
    expect(page.html).toContain('Your decision has been recorded');
    expect(page.html).toContain('通过 Passed');
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: REVIEW_TOKEN,
        output: { decision: 'PASS', by: SECTION_CHIEF.email, comment: '', taskId: review.taskId },
      },
    ]);
    expect(fakes.tasks.stored(review.taskId).deliveredAt).toBe('2026-03-02T08:00:00.000Z');
    const purchase = await fakes.purchases.getPurchase(MIDTERM_ID);
    expect(purchase?.decisions['MIDTERM_REVIEW:1']).toMatchObject({
      decision: 'PASS',
      by: SECTION_CHIEF.email,
    });
  });

  it('a rectification before the last round carries what to fix to the execution', async () => {
    await postTo({ nonce: review.nonce, decision: 'RECTIFY', comment: ' 请补充服务台账 ' });

    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: REVIEW_TOKEN,
        output: {
          decision: 'RECTIFY',
          by: SECTION_CHIEF.email,
          comment: '请补充服务台账',
          taskId: review.taskId,
        },
      },
    ]);
  });

  it('a termination carries its reason to the execution', async () => {
    const page = await postTo({ nonce: review.nonce, decision: 'TERMINATE', comment: '服务未按合同开展' });

    expectStatus(page, 200);
    expect(page.html).toContain('终止 Terminated');
    expect(fakes.callbacks.succeeded[0]).toMatchObject({
      taskToken: REVIEW_TOKEN,
      output: { decision: 'TERMINATE', comment: '服务未按合同开展' },
    });
  });

  it('when no execution waits and the purchase left MIDTERM_REVIEW, answers 410; while in MIDTERM_REVIEW, shows it recorded', async () => {
    fakes.callbacks.closed.add(REVIEW_TOKEN);
    const stored = fakes.purchases.records.get(MIDTERM_ID);
    if (stored) stored.stage = 'TERMINATED';
    expectStatus(await postTo({ nonce: review.nonce, decision: 'PASS' }), 410);

    if (stored) stored.stage = 'MIDTERM_REVIEW';
    const again = await postTo({ nonce: review.nonce, decision: 'PASS' });
    expectStatus(again, 410);
    expect(fakes.tasks.stored(review.taskId).deliveredAt).toBeUndefined();
  });
});

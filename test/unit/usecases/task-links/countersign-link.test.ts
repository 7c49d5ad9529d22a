import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import type { DecisionForm } from '../../../../shared/usecases/task-links/decision-form.js';
import type { ReviewedDocument } from '../../../../shared/usecases/task-links/task-documents.js';
import {
  CONTRACTING_ID,
  COUNTERSIGN_TOKEN,
  deps,
  expectStatus,
  fakes,
  openCountersign,
  post,
  reviewedDocumentOf,
  SECTION_CHIEF,
  seedContracting,
  show,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

describe('countersignature links', () => {
  let countersign: HumanTask;
  const postTo = (form: DecisionForm) => post(form, countersign.taskId);

  beforeEach(async () => {
    seedContracting();
    countersign = await openCountersign();
  });

  it('GET shows the countersignature page with the signed-contract link the deps give for this task', async () => {
    const documentUrl = vi.fn(
      async (t: HumanTask): Promise<ReviewedDocument[]> => [
        reviewedDocumentOf(
          'SIGNED_CONTRACT',
          `https://documents.example/${t.purchaseId}/signed.pdf?X-Amz-Signature=s`,
        ),
      ],
    );
    deps.reviewedDocuments = documentUrl;

    const page = await show(countersign.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('Countersign the contract');
    expect(page.html).toContain(
      `href="https://documents.example/${CONTRACTING_ID}/signed.pdf?X-Amz-Signature=s"`,
    );
    expect(page.html).toContain(`name="nonce" value="${countersign.nonce}"`);
    expect(page.html).toContain(reviewedDocumentOf('SIGNED_CONTRACT').sha256);
    expect(page.html).toContain('name="reviewed" value="UP-SIGNED_CONTRACT"');
    expect(page.html).not.toContain(COUNTERSIGN_TOKEN);
    expect(documentUrl).toHaveBeenCalledTimes(1);
    expect(documentUrl.mock.calls[0]?.[0].taskId).toBe(countersign.taskId);
  });

  it('GET with no signed contract accepted shows the page with no link', async () => {
    const page = await show(countersign.taskId);

    expectStatus(page, 200);
    expect(page.html).not.toMatch(/<a\b/);
  });

  it('accepts only COUNTERSIGN and REFUSE: APPROVE or CONFIRM answer 400 and decide nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const decision of ['APPROVE', 'REJECT', 'CONFIRM', 'MAYBE', undefined]) {
      const page = await postTo({ nonce: countersign.nonce, decision, comment: '意见' });
      expectStatus(page, 400);
      expect(page.html).toContain('Countersign or the Refuse button');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a refusal without saying what to fix answers 400 and decides nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const comment of [undefined, '', '  \n ']) {
      const page = await postTo({ nonce: countersign.nonce, decision: 'REFUSE', comment });
      expectStatus(page, 400);
      expect(page.html).toContain('say what the NGO must fix');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a countersignature is recorded under its step and delivered to the waiting execution once', async () => {
    const page = await postTo({ nonce: countersign.nonce, decision: 'COUNTERSIGN', comment: '' });
    await postTo({ nonce: countersign.nonce, decision: 'REFUSE', comment: '改主意' });

    expectStatus(page, 200);
    expect(page.html).toContain('Your decision has been recorded');
    expect(page.html).toContain('会签 Countersigned');
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: COUNTERSIGN_TOKEN,
        output: { decision: 'COUNTERSIGN', by: SECTION_CHIEF.email, comment: '', taskId: countersign.taskId },
      },
    ]);
    expect(fakes.tasks.stored(countersign.taskId).deliveredAt).toBe('2026-03-02T08:00:00.000Z');
    const purchase = await fakes.purchases.getPurchase(CONTRACTING_ID);
    expect(purchase?.decisions['COUNTERSIGN:1']).toMatchObject({
      decision: 'COUNTERSIGN',
      by: SECTION_CHIEF.email,
    });
  });

  it('a refusal carries what to fix to the execution', async () => {
    await postTo({ nonce: countersign.nonce, decision: 'REFUSE', comment: ' 请加盖公章 ' });

    expect(fakes.callbacks.succeeded[0]).toMatchObject({
      taskToken: COUNTERSIGN_TOKEN,
      output: { decision: 'REFUSE', comment: '请加盖公章' },
    });
  });

  it('when no execution waits and the purchase left CONTRACTING, answers 410; while in CONTRACTING, shows it recorded', async () => {
    fakes.callbacks.closed.add(COUNTERSIGN_TOKEN);
    const stored = fakes.purchases.records.get(CONTRACTING_ID);
    if (stored) stored.stage = 'TERMINATED';
    expectStatus(await postTo({ nonce: countersign.nonce, decision: 'COUNTERSIGN' }), 410);

    if (stored) stored.stage = 'CONTRACTING';
    const again = await postTo({ nonce: countersign.nonce, decision: 'COUNTERSIGN' });
    expectStatus(again, 410);
    expect(fakes.tasks.stored(countersign.taskId).deliveredAt).toBeUndefined();
  });
});

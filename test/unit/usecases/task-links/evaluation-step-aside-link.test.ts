import { beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../../infra/local/samples/proposals.js';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import type { DecisionForm } from '../../../../shared/usecases/task-links/decision-form.js';
import type { ReviewedDocument } from '../../../../shared/usecases/task-links/task-documents.js';
import { purchaseRecord } from '../../../support/fakes/index.js';
import {
  deps,
  expectStatus,
  fakes,
  post,
  reviewedDocumentOf,
  show,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

/** The agency's other answers on its link: decline the assignment, or declare a conflict of interest. */

const EVALUATION_ID = 'PUR-2026-DECLINEABCDEFGHJ';
const TOKEN = 'sfn-evaluation-token-KKKKsecretLLLL';
const AGENCY = {
  name: '嘉禾社会研究中心',
  email: 'evaluation@jiahe-research.example.org',
  role: 'EVALUATOR',
};
const REPORTS: ReviewedDocument[] = [
  reviewedDocumentOf('FINAL_REPORT', 'https://documents.example/final.pdf?X-Amz-Signature=f'),
];

describe('an evaluation link: declining and declaring a conflict', () => {
  let evaluation: HumanTask;
  const postTo = (form: Omit<DecisionForm, 'nonce'>) =>
    post({ nonce: evaluation.nonce, ...form }, evaluation.taskId);

  beforeEach(async () => {
    fakes.purchases.seed(purchaseRecord(EVALUATION_ID, largeElderlyCareProposal(), { stage: 'EVALUATION' }));
    ({ task: evaluation } = await fakes.tasks.openTask({
      purchaseId: EVALUATION_ID,
      stepKey: 'EVALUATION',
      purpose: 'EVALUATION',
      attempt: 'FIRST',
      assignee: AGENCY,
      taskToken: TOKEN,
      context: { agencyId: 'jiahe-eval' },
      expiresAt: '2026-03-05T08:00:00.000Z',
      now: fakes.clock.now(),
    }));
    // The NGO's reports are in: stepping aside must not be held to them.
    deps.reviewedDocuments = vi.fn(async () => REPORTS);
  });

  it('GET before the declaration offers Decline and Declare a conflict with a reason box, and shows no file', async () => {
    const page = await show(evaluation.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('name="decision" value="DECLINE"');
    expect(page.html).toContain('name="decision" value="CONFLICT"');
    expect(page.html).toContain('The reason, or what the conflict is');
    expect(page.html).not.toContain('final.pdf');
    expect(deps.reviewedDocuments).not.toHaveBeenCalled();
  });

  it('a decline with its reason is recorded, handed to the waiting execution, and thanked for', async () => {
    const page = await postTo({ decision: 'DECLINE', comment: '  本季度评估任务已满  ' });

    expectStatus(page, 200);
    expect(page.html).toContain('谢绝评估');
    expect(fakes.tasks.stored(evaluation.taskId).decision).toMatchObject({
      decision: 'DECLINE',
      by: AGENCY.email,
      comment: '本季度评估任务已满',
    });
    expect((await fakes.purchases.getPurchase(EVALUATION_ID))?.decisions.EVALUATION?.decision).toBe(
      'DECLINE',
    );
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: TOKEN,
        output: {
          decision: 'DECLINE',
          by: AGENCY.email,
          comment: '本季度评估任务已满',
          taskId: evaluation.taskId,
        },
      },
    ]);
  });

  it('a decline or a conflict without saying why answers 400 in both languages and records nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const decline = await postTo({ decision: 'DECLINE', comment: '  ' });
    const conflict = await postTo({ decision: 'CONFLICT' });

    expectStatus(decline, 400);
    expect(decline.html).toContain('When declining, give the reason');
    expect(decline.html).toContain('谢绝评估时必须写明理由');
    expectStatus(conflict, 400);
    expect(conflict.html).toContain('say what it is');
    expect(decide).not.toHaveBeenCalled();
  });

  it('after the declaration a decline answers 400, but a conflict that arose is recorded', async () => {
    expectStatus(await postTo({ declare: '1' }), 200);

    const decline = await postTo({ decision: 'DECLINE', comment: '改变主意' });
    expectStatus(decline, 400);
    expect(decline.html).toContain('can no longer decline');
    expect(fakes.tasks.stored(evaluation.taskId).status).toBe('PENDING');

    const scoring = await show(evaluation.taskId);
    expect(scoring.html).toContain('If a conflict arises');
    expect(scoring.html).not.toContain('value="DECLINE"');

    const conflict = await postTo({ decision: 'CONFLICT', comment: '评估期间发现项目主管系本机构前雇员' });
    expectStatus(conflict, 200);
    expect(fakes.tasks.stored(evaluation.taskId).decision).toMatchObject({
      decision: 'CONFLICT',
      comment: '评估期间发现项目主管系本机构前雇员',
    });
  });

  it('the first answer wins: a conflict declared after a decline shows the decline', async () => {
    await postTo({ decision: 'DECLINE', comment: '人手不足' });

    const later = await postTo({ decision: 'CONFLICT', comment: '另有冲突' });

    expectStatus(later, 410);
    expect(later.html).toContain('谢绝评估');
    expect(fakes.tasks.stored(evaluation.taskId).decision?.decision).toBe('DECLINE');
  });
});

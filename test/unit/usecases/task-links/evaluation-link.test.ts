import { beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../../infra/local/samples/proposals.js';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import type { DecisionForm } from '../../../../shared/usecases/task-links/decision-form.js';
import type {
  ReviewedDocument,
  ReviewedDocuments,
} from '../../../../shared/usecases/task-links/task-documents.js';
import { purchaseRecord } from '../../../support/fakes/index.js';
import {
  deps,
  expectStatus,
  fakes,
  post,
  reviewedDocumentOf,
  show,
  task,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

const EVALUATION_ID = 'PUR-2026-VLTNABCDEFGHJKMN';
const EVALUATION_TOKEN = 'sfn-evaluation-token-IIIIsecretJJJJ';
const AGENCY = {
  name: '嘉禾社会研究中心',
  email: 'evaluation@jiahe-research.example.org',
  role: 'EVALUATOR',
};
const REPORTS: ReviewedDocument[] = [
  reviewedDocumentOf('MIDTERM_REPORT', 'https://documents.example/midterm.pdf?X-Amz-Signature=m'),
  reviewedDocumentOf('FINAL_REPORT', 'https://documents.example/final.pdf?X-Amz-Signature=f'),
];

describe('evaluation links', () => {
  let evaluation: HumanTask;
  let documentUrls: Mock<ReviewedDocuments>;
  const postTo = (form: DecisionForm) => post(form, evaluation.taskId);
  const declare = () => postTo({ nonce: evaluation.nonce, declare: '1' });
  const submit = (scores: Record<string, string>, comment = '') =>
    postTo({
      nonce: evaluation.nonce,
      decision: 'SUBMIT',
      comment,
      scores,
      reviewed: REPORTS.map((r) => r.uploadId),
    });
  const GOOD_SCORES = { PROFESSIONAL_SERVICE: '85.5', OUTCOMES: '90', MANAGEMENT: '70' };

  beforeEach(async () => {
    fakes.purchases.seed(purchaseRecord(EVALUATION_ID, largeElderlyCareProposal(), { stage: 'EVALUATION' }));
    ({ task: evaluation } = await fakes.tasks.openTask({
      purchaseId: EVALUATION_ID,
      stepKey: 'EVALUATION:1',
      purpose: 'EVALUATION',
      attempt: 'FIRST',
      assignee: AGENCY,
      taskToken: EVALUATION_TOKEN,
      context: { agencyId: 'jiahe-research' },
      expiresAt: '2026-03-05T08:00:00.000Z',
      now: fakes.clock.now(),
    }));
    documentUrls = vi.fn(async () => REPORTS);
    deps.reviewedDocuments = documentUrls;
    deps.rubric = [
      { criterion: 'PROFESSIONAL_SERVICE', weight: 40 },
      { criterion: 'OUTCOMES', weight: 40 },
      { criterion: 'MANAGEMENT', weight: 20 },
    ];
    deps.bands = { excellent: 90, good: 80, pass: 60 };
  });

  it('GET before the declaration shows the declaration form and no file link, without presigning any', async () => {
    const page = await show(evaluation.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('Declare independence');
    expect(page.html).toContain(largeElderlyCareProposal().ngo.creditCode);
    expect(page.html).toContain('name="declare" value="1" required');
    expect(page.html).not.toMatch(/<a\b/);
    expect(page.html).not.toContain('score_');
    expect(page.html).not.toContain(EVALUATION_TOKEN);
    expect(documentUrls).not.toHaveBeenCalled();
  });

  it('a declaration by POST is recorded and answers with the reports and the rubric', async () => {
    const page = await declare();

    expectStatus(page, 200);
    expect(fakes.tasks.stored(evaluation.taskId).declaredAt).toBe('2026-03-02T08:00:00.000Z');
    expect(page.html).toContain('href="https://documents.example/final.pdf?X-Amz-Signature=f"');
    expect(page.html).toContain('href="https://documents.example/midterm.pdf?X-Amz-Signature=m"');
    for (const criterion of ['PROFESSIONAL_SERVICE', 'OUTCOMES', 'MANAGEMENT'])
      expect(page.html).toContain(`name="score_${criterion}"`);
    expect(page.html).toContain('value="SUBMIT"');
    expect(fakes.tasks.stored(evaluation.taskId).status).toBe('PENDING');
  });

  it('the first declaration wins: a second one changes nothing and shows the scoring page again', async () => {
    await declare();
    fakes.clock.set('2026-03-03T08:00:00.000Z');

    const page = await declare();

    expectStatus(page, 200);
    expect(page.html).toContain('value="SUBMIT"');
    expect(fakes.tasks.stored(evaluation.taskId).declaredAt).toBe('2026-03-02T08:00:00.000Z');
    const audit = await fakes.purchases.listAudit(EVALUATION_ID);
    expect(audit.filter((e) => e.action === 'evaluation.independence-declared')).toHaveLength(1);
  });

  it('after the declaration a GET shows the scoring page with the reports', async () => {
    await declare();

    const page = await show(evaluation.taskId);

    expect(page.html).toContain('https://documents.example/final.pdf');
    expect(page.html).toContain('name="score_MANAGEMENT"');
    expect(page.html).not.toContain('name="declare"');
  });

  it('a declaration with a wrong nonce answers 400 and records nothing; an expired link answers 410', async () => {
    expectStatus(await postTo({ nonce: 'wrong-nonce', declare: '1' }), 400);
    expect(fakes.tasks.stored(evaluation.taskId).declaredAt).toBeUndefined();

    fakes.clock.set('2026-03-05T08:00:00.000Z');
    expectStatus(await declare(), 410);
    expect(fakes.tasks.stored(evaluation.taskId).declaredAt).toBeUndefined();
  });

  it('a POST without the ticked declaration and without scores answers 400 and records nothing', async () => {
    const declareIndependence = vi.spyOn(fakes.tasks, 'declareIndependence');

    expectStatus(await postTo({ nonce: evaluation.nonce }), 400);
    expectStatus(await postTo({ nonce: evaluation.nonce, declare: 'yes' }), 400);
    expect(declareIndependence).not.toHaveBeenCalled();
  });

  it('a declaration on a link of another purpose answers 400 and declares nothing', async () => {
    const declareIndependence = vi.spyOn(fakes.tasks, 'declareIndependence');

    expectStatus(await post({ nonce: task.nonce, declare: '1' }), 400);
    expect(declareIndependence).not.toHaveBeenCalled();
  });

  it('scores submitted before the declaration answer 400 saying the declaration comes first', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const page = await submit(GOOD_SCORES);

    expectStatus(page, 400);
    expect(page.html).toContain('Declare your independence from the NGO and the bureau first');
    expect(decide).not.toHaveBeenCalled();
  });

  it('decisions of other purposes answer 400 and decide nothing', async () => {
    await declare();
    const decide = vi.spyOn(fakes.tasks, 'decide');

    for (const decision of ['PASS', 'APPROVE', 'CONFIRM', undefined]) {
      expectStatus(await postTo({ nonce: evaluation.nonce, decision, scores: GOOD_SCORES }), 400);
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a missing, out-of-range, over-precise or non-numeric score answers 400 naming the criterion', async () => {
    await declare();
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const cases: [Record<string, string>, string][] = [
      [{ PROFESSIONAL_SERVICE: '85', OUTCOMES: '90' }, 'score_MANAGEMENT'],
      [{ ...GOOD_SCORES, OUTCOMES: '100.1' }, 'score_OUTCOMES'],
      [{ ...GOOD_SCORES, OUTCOMES: '-1' }, 'score_OUTCOMES'],
      [{ ...GOOD_SCORES, PROFESSIONAL_SERVICE: '85.25' }, 'score_PROFESSIONAL_SERVICE'],
      [{ ...GOOD_SCORES, MANAGEMENT: '七十' }, 'score_MANAGEMENT'],
      [{ ...GOOD_SCORES, MANAGEMENT: '' }, 'score_MANAGEMENT'],
      [{ ...GOOD_SCORES, MANAGEMENT: '1e1' }, 'score_MANAGEMENT'],
      [{ ...GOOD_SCORES, INNOVATION: '80' }, 'score_INNOVATION'],
    ];
    for (const [scores, field] of cases) {
      const page = await submit(scores);
      expectStatus(page, 400);
      expect(page.html).toContain(field);
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('valid scores record SUBMIT with the scores, weighted total and grade, deliver to the token once, and show the total', async () => {
    await declare();

    const page = await submit(GOOD_SCORES, '  服务记录完整  ');
    await submit({ PROFESSIONAL_SERVICE: '10', OUTCOMES: '10', MANAGEMENT: '10' });

    expectStatus(page, 200);
    // 0.4 x 85.5 + 0.4 x 90 + 0.2 x 70 = 84.2
    expect(page.html).toContain('84.2');
    expect(page.html).toContain('良好 Good');
    const purchase = await fakes.purchases.getPurchase(EVALUATION_ID);
    expect(purchase?.decisions['EVALUATION:1']).toMatchObject({
      decision: 'SUBMIT',
      by: AGENCY.email,
      comment: '服务记录完整',
      data: {
        scores: { PROFESSIONAL_SERVICE: 85.5, OUTCOMES: 90, MANAGEMENT: 70 },
        totalTenths: 842,
        grade: 'GOOD',
      },
    });
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: EVALUATION_TOKEN,
        output: { decision: 'SUBMIT', by: AGENCY.email, comment: '服务记录完整', taskId: evaluation.taskId },
      },
    ]);
    expect(fakes.tasks.stored(evaluation.taskId).deliveredAt).toBe('2026-03-02T08:00:00.000Z');
  });

  it('grades by the configured bands: the same total fails under stricter bands', async () => {
    deps.bands = { excellent: 95, good: 90, pass: 85 };
    await declare();

    const page = await submit(GOOD_SCORES);

    expect(page.html).toContain('不合格 Fail');
    const purchase = await fakes.purchases.getPurchase(EVALUATION_ID);
    expect(purchase?.decisions['EVALUATION:1']?.data).toMatchObject({ totalTenths: 842, grade: 'FAIL' });
  });

  it('a declaration after the scores were submitted shows the recorded evaluation', async () => {
    await declare();
    await submit(GOOD_SCORES);

    const page = await declare();

    expectStatus(page, 410);
    expect(page.html).toContain('already decided by');
    expect(page.html).toContain('84.2');
  });

  it('when no execution waits and the purchase left EVALUATION, answers 410 with the scores still recorded', async () => {
    await declare();
    fakes.callbacks.closed.add(EVALUATION_TOKEN);
    const stored = fakes.purchases.records.get(EVALUATION_ID);
    if (stored) stored.stage = 'CLOSED';

    expectStatus(await submit(GOOD_SCORES), 410);
    expect(fakes.tasks.stored(evaluation.taskId).status).toBe('DECIDED');
  });
});

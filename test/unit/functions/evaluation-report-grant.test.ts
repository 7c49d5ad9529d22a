import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { HumanTask } from '../../../shared/domain/tasks.js';
import { grantedAgencyOf } from '../../../shared/domain/uploads.js';
import { signTaskId } from '../../../shared/links/signing.js';
import { httpEvent, lambdaContext, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { RecordingUploadSigner, testLinkKey } from '../../support/handler-harness.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv('DOCUMENTS_BUCKET', 'LIFECYCLE_SETTINGS');
const { createHandler } = await import('../../../functions/evaluation-report-grant/handler.js');

/**
 * POST /tasks/{taskId}/report: only the link of the agency the purchase has assigned, once it has
 * declared its independence and while its evaluation waits, is granted a presigned POST for one
 * PDF under the purchase's EVALUATION_REPORT prefix; the page's nonce must come with it.
 */

const PURCHASE_ID = 'PUR-2026-RPRTGRANTABCDEFG';
const BUCKET_ORIGIN = 'https://documents-unit.s3.cn-north-1.amazonaws.com.cn';
const AGENCY = {
  name: '嘉禾社会研究中心',
  email: 'evaluation@jiahe-research.example.org',
  role: 'EVALUATOR',
};
const REPORT = { fileName: '评估报告 2026.pdf', contentType: 'application/pdf', size: 480_000 };

let fakes: Fakes;
let signer: RecordingUploadSigner;
let task: HumanTask;
let handler: ReturnType<typeof createHandler>;

async function openEvaluation(agencyId = 'jiahe-eval'): Promise<HumanTask> {
  const { task: opened } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: 'EVALUATION',
    purpose: 'EVALUATION',
    attempt: 'FIRST',
    assignee: AGENCY,
    taskToken: 'evaluation-token',
    context: { agencyId },
    expiresAt: '2026-03-12T08:00:00.000Z',
    now: fakes.clock.now(),
  });
  return opened;
}

const declare = () =>
  fakes.tasks.declareIndependence({ taskId: task.taskId, nonce: task.nonce, now: fakes.clock.now() });

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  signer = new RecordingUploadSigner(BUCKET_ORIGIN);
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'EVALUATION',
      evaluation: { agencyId: 'jiahe-eval', excludedAgencies: [] },
    }),
  );
  task = await openEvaluation();
  handler = createHandler({
    tasks: fakes.tasks,
    purchases: fakes.purchases,
    uploadCounts: fakes.uploadCounts,
    signer,
    linkKey: testLinkKey,
    settings: TEST_LIFECYCLE,
    now: fakes.clock.now,
  });
});

async function ask(body: unknown, options: { taskId?: string; sig?: string; method?: string } = {}) {
  const taskId = options.taskId ?? task.taskId;
  return structured(
    await handler(
      httpEvent({
        method: options.method ?? 'POST',
        path: `/tasks/${taskId}/report`,
        route: '/tasks/{taskId}/report',
        pathParameters: { taskId },
        query: { sig: options.sig ?? signTaskId(taskId, TEST_LINK_KEY) },
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
      lambdaContext('evaluation-report-grant'),
    ),
  );
}

describe('POST /tasks/{taskId}/report', () => {
  it('grants the declared agency a presigned POST for one PDF under the purchase’s EVALUATION_REPORT prefix, counted for the day', async () => {
    await declare();

    const result = await ask({ nonce: task.nonce, ...REPORT });

    expect(result.statusCode).toBe(200);
    const reply = JSON.parse(result.body) as { url: string; key: string };
    expect(reply.url).toBe(`${BUCKET_ORIGIN}/`);
    expect(reply.key).toMatch(
      new RegExp(
        `^uploads/${PURCHASE_ID}/EVALUATION_REPORT/jiahe-eval_[A-Za-z0-9_-]{22}/评估报告_2026\\.pdf$`,
      ),
    );
    // The upload id names the agency the grant is for: the record can tell it once another is assigned.
    expect(grantedAgencyOf(reply.key.split('/')[3] ?? '')).toBe('jiahe-eval');
    expect(signer.calls).toEqual([
      {
        key: reply.key,
        contentType: 'application/pdf',
        maxBytes: TEST_LIFECYCLE.uploads.maxBytes,
        expiresSeconds: TEST_LIFECYCLE.uploads.policyExpirySeconds,
      },
    ]);
    const counts = await fakes.uploadCounts.uploadCounts(PURCHASE_ID, '2026-03-02');
    expect(counts).toEqual([{ kind: 'EVALUATION_REPORT', measure: 'GRANT', count: 1 }]);
    expect(result.body).not.toContain('evaluation-token');
  });

  it('before the declaration answers 409 and grants nothing: the agency has not accepted the file yet', async () => {
    const result = await ask({ nonce: task.nonce, ...REPORT });

    expect(result.statusCode).toBe(409);
    expect(JSON.parse(result.body).message).toContain('Declare your independence');
    expect(signer.calls).toEqual([]);
  });

  it('without the page’s nonce, or with a forged signature, answers 403 and grants nothing', async () => {
    await declare();

    expect((await ask({ nonce: 'not-the-nonce', ...REPORT })).statusCode).toBe(403);
    expect((await ask({ nonce: task.nonce, ...REPORT }, { sig: 'forged' })).statusCode).toBe(403);
    expect(signer.calls).toEqual([]);
  });

  it('refuses anything but a PDF, and a file over the limit, naming the field', async () => {
    await declare();

    const word = await ask({
      nonce: task.nonce,
      fileName: 'report.docx',
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      size: 1000,
    });
    const huge = await ask({ nonce: task.nonce, ...REPORT, size: TEST_LIFECYCLE.uploads.maxBytes + 1 });

    expect(word.statusCode).toBe(400);
    expect(JSON.parse(word.body).errors[0]).toMatchObject({ field: 'contentType' });
    expect(huge.statusCode).toBe(400);
    expect(JSON.parse(huge.body).errors[0]).toMatchObject({ field: 'size', rule: 'upload-too-large' });
    expect(signer.calls).toEqual([]);
  });

  it('answers 410 once the scores are in, the link lapsed, or the purchase passed to another agency', async () => {
    await declare();
    const replaced = await ask({ nonce: task.nonce, ...REPORT });
    expect(replaced.statusCode).toBe(200);

    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'EVALUATION',
        evaluation: { agencyId: 'mingjian-eval', excludedAgencies: ['jiahe-eval'] },
      }),
    );
    expect((await ask({ nonce: task.nonce, ...REPORT })).statusCode).toBe(410);

    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'EVALUATION',
        evaluation: { agencyId: 'jiahe-eval', excludedAgencies: [] },
      }),
    );
    fakes.clock.set('2026-03-12T08:00:00.000Z');
    expect((await ask({ nonce: task.nonce, ...REPORT })).statusCode).toBe(410);

    fakes.clock.set('2026-03-03T08:00:00.000Z');
    await fakes.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'SUBMIT',
      comment: '',
      now: fakes.clock.now(),
    });
    expect((await ask({ nonce: task.nonce, ...REPORT })).statusCode).toBe(410);
    expect(signer.calls).toHaveLength(1);
  });

  it('gives nothing to a link of another purpose, and answers a GET 405 and a body that is not JSON 400', async () => {
    const { task: countersign } = await fakes.tasks.openTask({
      purchaseId: PURCHASE_ID,
      stepKey: 'COUNTERSIGN:1',
      purpose: 'COUNTERSIGN',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      assignee: {
        name: '王科长',
        email: 'section-chief@civil-affairs.example.gov.cn',
        role: 'SECTION_CHIEF',
      },
      taskToken: 't',
      expiresAt: '2026-03-12T08:00:00.000Z',
      now: fakes.clock.now(),
    });

    expect(
      (await ask({ nonce: countersign.nonce, ...REPORT }, { taskId: countersign.taskId })).statusCode,
    ).toBe(404);
    expect((await ask({ nonce: task.nonce, ...REPORT }, { method: 'GET' })).statusCode).toBe(405);
    expect((await ask('{not json')).statusCode).toBe(400);
    expect(signer.calls).toEqual([]);
  });
});

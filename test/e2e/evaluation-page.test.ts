import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../infra/local/samples/files.js';
import { largeElderlyCareProposal } from '../../infra/local/samples/proposals.js';
import type { HumanTask } from '../../shared/domain/tasks.js';
import { PAGE_HEADERS } from '../../shared/presentation/pages/layout.js';
import { evaluationPage, evaluationPageModel } from '../../shared/presentation/pages/task/evaluation-page.js';
import type { PageDocument } from '../../shared/presentation/pages/task/reviewed-document.js';
import { TEST_LIFECYCLE } from '../support/settings.js';
import { accessibilityViolations, launchChromium } from './browser.js';

/**
 * The evaluation agency's page in a real browser (Chromium: Debian's or the npm one), rendered by
 * the page module and served with its own headers, its report grant and the bucket played by a
 * small server here: before the declaration the agency sees Declare / Decline / Declare a conflict
 * and no file; after it, the reports, every file on record, the earlier mid-term decisions, the
 * saved draft filled in, and the report form whose script (allowed only by the page's own policy)
 * asks the grant for a presigned POST, posts the PDF to the bucket and opens the page again, which
 * then shows the report the scores will be recorded with. The whole journey over HTTP on the
 * local runtime is test/integration/runtime/later-stages.test.ts.
 */

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results');
const REPORT_NAME = '第三方评估报告.pdf';
const SCRIPT_NONCE = 'ZTJlLWV2YWx1YXRpb24tbm9uY2U=';
const proposal = largeElderlyCareProposal();
const REPORT_BYTES = samplePdf('Third-party evaluation report');

const task: HumanTask = {
  taskId: 'e2e-evaluation-task-000000001',
  purchaseId: 'PUR-2026-E2EEVALUATIONAAA',
  stepKey: 'EVALUATION:2',
  purpose: 'EVALUATION',
  attempt: 'FIRST',
  assignee: {
    name: '厦门嘉禾社会工作发展研究院（示例）',
    email: 'evaluation@jiahe-research.example.org',
    role: 'EVALUATOR',
  },
  nonce: 'e2e-nonce-of-the-evaluation',
  context: { agencyId: 'jiahe-eval' },
  createdAt: '2026-11-02T01:00:00.000Z',
  expiresAt: '2026-11-12T01:00:00.000Z',
  status: 'PENDING',
  mailsSent: ['FIRST'],
};

let server: Server;
let origin: string;
let browser: Browser | undefined;
let page: Page;
let filesDir: string | undefined;
/** What the page's script sent: the grant requests and the files posted to the bucket. */
const grantRequests: Record<string, unknown>[] = [];
const bucketPosts: Buffer[] = [];

function file(
  uploadId: string,
  kind: PageDocument['kind'],
  name: string,
  uploadedAt: string,
  underReview: boolean,
): PageDocument {
  return {
    kind,
    uploadId,
    fileName: name,
    sha256: createHash('sha256').update(uploadId).digest('hex'),
    uploadedAt,
    url: `${origin}/files/${uploadId}`,
    underReview,
  };
}

/** The page as the task-link function renders it now: before or after the declaration, with the report once it landed. */
function render(declared: boolean) {
  const reportLanded = bucketPosts.length > 0;
  const files = [
    file('final-report', 'FINAL_REPORT', '终期报告.pdf', '2026-10-28T02:00:00.000Z', true),
    file('midterm-1', 'MIDTERM_REPORT', '中期报告（第一轮）.pdf', '2026-05-10T02:00:00.000Z', false),
    file('midterm-2', 'MIDTERM_REPORT', '中期报告（整改后）.pdf', '2026-06-02T02:00:00.000Z', true),
    file('evidence-1', 'EVIDENCE', '服务记录与回访表.pdf', '2026-09-30T02:00:00.000Z', false),
    ...(reportLanded
      ? [file('own-report', 'EVALUATION_REPORT', REPORT_NAME, '2026-11-03T03:00:00.000Z', true)]
      : []),
  ];
  return evaluationPage(
    evaluationPageModel({
      purchaseId: task.purchaseId,
      proposal,
      task: {
        ...task,
        ...(declared
          ? {
              declaredAt: '2026-11-03T01:00:00.000Z',
              draft: {
                scores: { PROFESSIONAL_SERVICE: '86', OUTCOMES: '83.5' },
                comment: '入户服务记录完整，回访满意度待核实。',
                savedAt: '2026-11-03T02:00:00.000Z',
              },
            }
          : {}),
      },
      rubric: TEST_LIFECYCLE.evaluation.rubric,
      documents: files.filter((f) => f.underReview),
      filesOnRecord: files,
      earlier: [
        {
          purpose: 'MIDTERM_REVIEW',
          round: 1,
          decision: {
            decision: 'RECTIFY',
            by: 'section-chief@civil-affairs.example.gov.cn',
            byName: '王科长',
            comment: '请补充服务对象满意度回访记录。',
            at: '2026-05-20T02:00:00.000Z',
            taskId: 'midterm-1',
          },
        },
        {
          purpose: 'MIDTERM_REVIEW',
          round: 2,
          decision: {
            decision: 'PASS',
            by: 'section-chief@civil-affairs.example.gov.cn',
            byName: '王科长',
            comment: '整改到位，通过。',
            at: '2026-06-10T02:00:00.000Z',
            taskId: 'midterm-2',
          },
        },
      ],
      reportUpload: {
        maxBytes: TEST_LIFECYCLE.uploads.maxBytes,
        storageOrigin: origin,
        scriptNonce: SCRIPT_NONCE,
      },
    }),
  );
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (request.method === 'GET' && url.pathname.startsWith('/tasks/')) {
      const rendered = render(url.pathname.endsWith('/declared'));
      const csp = rendered.contentSecurityPolicy;
      response.writeHead(rendered.statusCode, {
        ...PAGE_HEADERS,
        ...(csp ? { 'Content-Security-Policy': csp } : {}),
      });
      response.end(rendered.html);
      return;
    }
    if (request.method === 'POST' && url.pathname === '/tasks/declared/report') {
      grantRequests.push(JSON.parse((await body(request)).toString('utf8')) as Record<string, unknown>);
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({
          url: `${origin}/bucket`,
          fields: { key: 'uploads/x/EVALUATION_REPORT/u/report.pdf', 'Content-Type': 'application/pdf' },
        }),
      );
      return;
    }
    if (request.method === 'POST' && url.pathname === '/bucket') {
      bucketPosts.push(await body(request));
      response.writeHead(204);
      response.end();
      return;
    }
    response.writeHead(404);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  // One context for the whole visit: closing one ends the npm Chromium.
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 900, height: 900 } });
  page = await context.newPage();
  filesDir = mkdtempSync(join(tmpdir(), 'evaluation-report-'));
  writeFileSync(join(filesDir, REPORT_NAME), REPORT_BYTES);
  mkdirSync(RESULTS_DIR, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

describe('the evaluation page in a browser', () => {
  it('before the declaration offers Declare, Decline and Declare a conflict, shows no file, and passes axe', async () => {
    await page.goto(`${origin}/tasks/undeclared`, { waitUntil: 'load' });

    await expect.poll(() => page.getByRole('button', { name: /Declare independence/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /Decline/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /Declare a conflict/ }).count()).toBe(1);
    expect(await page.getByRole('link').count()).toBe(0);
    await page.screenshot({ path: join(RESULTS_DIR, 'evaluation-page-declare.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('after it shows the record and the draft, uploads the report with the page’s script and shows it, passing axe', async () => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${origin}/tasks/declared`, { waitUntil: 'load' });

    expect(await page.locator('#score_OUTCOMES').inputValue()).toBe('83.5');
    expect(await page.locator('#score-comment').inputValue()).toBe('入户服务记录完整，回访满意度待核实。');
    expect(await page.getByText('请补充服务对象满意度回访记录。').count()).toBe(1);
    expect(await page.getByRole('link', { name: '服务记录与回访表.pdf' }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.locator('#report-file').setInputFiles(join(filesDir as string, REPORT_NAME));
    await Promise.all([
      page.waitForURL(`${origin}/tasks/declared`, { waitUntil: 'load', timeout: 15_000 }),
      page.getByRole('button', { name: /Upload report/ }).click(),
      page.getByText(/Uploaded\. The file is being checked/).waitFor({ timeout: 10_000 }),
    ]);
    await page.getByText(REPORT_NAME).first().waitFor({ timeout: 10_000 });

    expect(grantRequests).toEqual([
      { nonce: task.nonce, fileName: REPORT_NAME, contentType: 'application/pdf', size: REPORT_BYTES.length },
    ]);
    expect(bucketPosts).toHaveLength(1);
    expect(bucketPosts[0]?.includes(Buffer.from('Third-party evaluation report'))).toBe(true);
    // The report now stands among the files the scores are recorded with.
    expect(await page.locator('input[name="reviewed"][value="own-report"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'evaluation-page-scoring.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});

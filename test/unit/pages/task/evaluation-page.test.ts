import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../../../shared/domain/proposal.js';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import {
  evaluationPage,
  evaluationPageModel,
  independenceDeclaration,
} from '../../../../shared/presentation/pages/task/evaluation-page.js';

import { ESCAPED_SCRIPT, FAKE_TOKEN, proposal, reviewedFile, SCRIPT, TASK_ID } from './task-page-fixtures.js';

/** The evaluation agency's page: the declaration of independence, then the reports and the rubric. */

describe('evaluationPage', () => {
  const RUBRIC = [
    { criterion: 'PROFESSIONAL_SERVICE', weight: 40 },
    { criterion: 'OUTCOMES', weight: 40 },
    { criterion: 'MANAGEMENT', weight: 20 },
  ] as const;
  const FINAL_URL = 'https://documents.example/final.pdf?X-Amz-Signature=f';
  const MIDTERM_URL = 'https://documents.example/midterm.pdf?X-Amz-Signature=m';
  const evaluationTask = {
    taskId: TASK_ID,
    purchaseId: 'PUR-2026-VLTNABCDEFGHJKMN',
    stepKey: 'EVALUATION:1',
    purpose: 'EVALUATION',
    attempt: 'FIRST',
    assignee: { name: '嘉禾社会研究中心', email: 'evaluation@jiahe-research.example.org', role: 'EVALUATOR' },
    taskToken: FAKE_TOKEN,
    nonce: 'nonce-of-the-evaluation',
    context: { agencyId: 'jiahe-research' },
    createdAt: '2026-03-01T09:00:00.000Z',
    expiresAt: '2026-03-04T09:00:00.000Z',
    status: 'PENDING',
    mailsSent: [],
  } satisfies HumanTask;
  const render = (task: HumanTask, p: Proposal = proposal) =>
    evaluationPage(
      evaluationPageModel({
        purchaseId: task.purchaseId,
        proposal: p,
        task,
        rubric: RUBRIC,
        documents: [reviewedFile('MIDTERM_REPORT', MIDTERM_URL), reviewedFile('FINAL_REPORT', FINAL_URL)],
      }),
    );
  const declared = { ...evaluationTask, declaredAt: '2026-03-02T01:00:00.000Z' };

  it('before the declaration shows the summary and the declaration form, and no file link even when given one', () => {
    const page = render(evaluationTask);

    expect(page.statusCode).toBe(200);
    expect(page.html).toContain(proposal.title);
    expect(page.html).not.toMatch(/<a\b/);
    expect(page.html).not.toContain('documents.example');
    expect(page.html).toContain('name="nonce" value="nonce-of-the-evaluation"');
    expect(page.html).toMatch(/<input type="checkbox" name="declare" value="1" required>/);
    expect(page.html).toContain('声明无利益冲突 <span lang="en">Declare independence</span>');
    // The only decisions before the declaration: stepping aside, never scores.
    expect([...page.html.matchAll(/name="decision" value="([A-Z]+)"/g)].map((m) => m[1])).toEqual([
      'DECLINE',
      'CONFLICT',
    ]);
    expect(page.html).not.toContain('score_');
    expect(page.html).not.toContain(FAKE_TOKEN);
  });

  it('the declaration names the NGO with its credit code and the bureau, in both languages, and promises to report a conflict', () => {
    const text = independenceDeclaration({
      proposal: { ngoName: proposal.ngo.name, ngoCreditCode: proposal.ngo.creditCode },
      purchasingUnit: proposal.purchasingUnit,
    });
    for (const part of [text.zh, text.en]) {
      expect(part).toContain(proposal.ngo.name);
      expect(part).toContain(proposal.ngo.creditCode);
      expect(part).toContain(proposal.purchasingUnit);
    }
    expect(text.zh).toContain('财务、亲属、雇佣或咨询关系');
    expect(text.en).toContain('financial, family, employment or advisory relationship');
    expect(text.en).toContain('report any conflict of interest');
    expect(render(evaluationTask).html).toContain('financial, family, employment or advisory relationship');
  });

  it('after the declaration links the final report then the mid-term report, and offers one required input per criterion', () => {
    const page = render(declared);

    expect(page.html).not.toContain('name="declare"');
    const finalAt = page.html.indexOf(`href="${FINAL_URL}"`);
    const midtermAt = page.html.indexOf(`href="${MIDTERM_URL}"`);
    expect(finalAt).toBeGreaterThan(0);
    expect(midtermAt).toBeGreaterThan(finalAt);
    for (const { criterion, weight } of RUBRIC) {
      expect(page.html).toMatch(
        new RegExp(
          `<input type="number" id="score_${criterion}" name="score_${criterion}" min="0" max="100" step="0.1" required`,
        ),
      );
      expect(page.html).toContain(`weight ${weight}%`);
    }
    expect(page.html).toContain('专业服务（权重 40%）');
    expect(page.html).toContain('name="comment"');
    expect(page.html).toContain(
      'name="decision" value="SUBMIT">提交评分 <span lang="en">Submit scores</span>',
    );
    expect(page.html).not.toMatch(/<script\b/i);
  });

  it('after the declaration without any report says so instead of linking', () => {
    const page = evaluationPage(
      evaluationPageModel({ purchaseId: declared.purchaseId, proposal, task: declared, rubric: RUBRIC }),
    );

    expect(page.html).not.toMatch(/<a\b/);
    expect(page.html).toContain('cannot be shown right now');
  });

  it('the model keeps no token, drops a link that is not a web link and a kind that is not evaluated', () => {
    const model = evaluationPageModel({
      purchaseId: declared.purchaseId,
      proposal,
      task: declared,
      rubric: RUBRIC,
      documents: [
        reviewedFile('FINAL_REPORT', 'javascript:alert(1)'),
        reviewedFile('SIGNED_CONTRACT', 'https://documents.example/contract.pdf'),
        reviewedFile('MIDTERM_REPORT', MIDTERM_URL),
      ],
    });

    expect(model.phase).toBe('SCORE');
    expect(model.documents).toEqual([
      reviewedFile('FINAL_REPORT'),
      reviewedFile('MIDTERM_REPORT', MIDTERM_URL),
    ]);
    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
  });

  it('fills a saved draft back in, escaped, and names it a draft; before the declaration there is neither draft nor upload form', () => {
    const draft = {
      scores: { OUTCOMES: '84.5' },
      comment: `</textarea>${SCRIPT}`,
      savedAt: '2026-03-02T02:00:00.000Z',
    };
    const upload = {
      maxBytes: 1_048_576,
      storageOrigin: 'https://documents.example',
      scriptNonce: 'bm9uY2Utb2YtdGhlLXBhZ2U=',
    };
    const page = (task: HumanTask) =>
      evaluationPage(
        evaluationPageModel({
          purchaseId: task.purchaseId,
          proposal,
          task: { ...task, draft },
          rubric: RUBRIC,
          reportUpload: upload,
        }),
      );

    const scoring = page(declared);
    const declaring = page(evaluationTask);

    expect(scoring.html).toMatch(/id="score_OUTCOMES"[^>]* value="84.5"/);
    expect(scoring.html).toContain(`&lt;/textarea&gt;${ESCAPED_SCRIPT}</textarea>`);
    expect(scoring.html).toContain('The draft saved 2026-03-02 10:00 (UTC+8) is filled in below');
    expect(scoring.html).toContain('name="draft" value="1" formnovalidate');
    expect(scoring.html).toContain('Upload the report (PDF, at most 1.0 MB)');
    expect(scoring.contentSecurityPolicy).toContain("script-src 'nonce-bm9uY2Utb2YtdGhlLXBhZ2U='");
    expect(declaring.html).not.toContain('84.5');
    expect(declaring.html).not.toMatch(/<script\b/i);
    expect(declaring.contentSecurityPolicy).toBeUndefined();
  });

  it('escapes the NGO name and the title', () => {
    const page = render(evaluationTask, {
      ...proposal,
      title: `T ${SCRIPT}`,
      ngo: { ...proposal.ngo, name: `N ${SCRIPT}` },
    });

    expect(page.html).not.toMatch(/<script\b/i);
    expect(page.html).toContain(`T ${ESCAPED_SCRIPT}`);
    expect(page.html).toContain(`N ${ESCAPED_SCRIPT}`);
  });
});

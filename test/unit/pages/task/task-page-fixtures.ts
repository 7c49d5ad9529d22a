import type { ApprovalLevel } from '../../../../shared/domain/policy-settings.js';
import type { Proposal } from '../../../../shared/domain/proposal.js';
import type { HumanTask, RecordedDecision } from '../../../../shared/domain/tasks.js';
import type { UploadKind } from '../../../../shared/domain/uploads.js';
import type { PageDocument } from '../../../../shared/presentation/pages/task/reviewed-document.js';

/** What the task page tests share: a proposal with every kind of content, the task of each purpose, and small readers of the HTML. */

export const SCRIPT = '<script>alert("x")</script>';

export const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

export const FAKE_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfAkeTaskToken0123456789abcdefZZZZ';

export const TASK_ID = 'AbCdEfGhIjKlMnOpQrSt_-12';

export const proposal: Proposal = {
  title: '集美区农村留守老人关爱服务项目',
  serviceArea: 'RURAL_REVITALISATION',
  serviceItem: 'RURAL-ELDER',
  district: '集美区',
  purchasingUnit: '厦门市民政局基层政权处',
  ngo: { name: '集美区乡村社工服务社', creditCode: '52350211MJ0000002A', contactEmail: 'ngo@example.org' },
  term: { start: '2026-06-01', end: '2027-05-31' },
  procurementMethod: 'COMPETITIVE_NEGOTIATION',
  totalFen: 10_000_001,
  budgetLines: [
    { item: '人员经费 Staff', amountFen: 8_000_000 },
    { item: '活动经费 Activities', amountFen: 2_000_001 },
  ],
  staffPlan: [
    {
      role: '社工 Social worker',
      headcount: 2,
      monthlySalaryFen: 1_000_000,
      monthlySocialWelfareFen: 250_000,
    },
  ],
  trancheSchedule: [
    { milestone: 'CONTRACT_SIGNED', percent: 30 },
    { milestone: 'MIDTERM_PASSED', percent: 30 },
    { milestone: 'EVALUATION_PASSED', percent: 40 },
  ],
  deliverables: [{ kind: 'FINAL_REPORT', dueDate: '2027-05-15', description: 'final report' }],
  budgetLineRef: '2026-MZ-RURAL-01',
};

/** The tasks this page serves: approvals, which carry their level. */
export type ApprovalTask = HumanTask & { level: ApprovalLevel };

export const task: ApprovalTask = {
  taskId: TASK_ID,
  purchaseId: 'p-2026-0007',
  stepKey: 'APPROVAL:BUREAU_DIRECTOR',
  purpose: 'APPROVAL',
  level: 'BUREAU_DIRECTOR',
  attempt: 'FIRST',
  assignee: { name: '张局长', email: 'director@civil-affairs.example.gov.cn', role: 'BUREAU_DIRECTOR' },
  taskToken: FAKE_TOKEN,
  nonce: 'n0nce_Value-123',
  createdAt: '2026-03-01T09:00:00.000Z',
  expiresAt: '2026-03-04T09:00:00.000Z',
  status: 'PENDING',
  mailsSent: ['FIRST'],
};

export function count(haystack: string, pattern: RegExp): number {
  return [...haystack.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].length;
}

export const decision: RecordedDecision = {
  decision: 'REJECT',
  by: 'director@civil-affairs.example.gov.cn',
  byName: '张局长',
  comment: '预算依据不足\nBudget basis is insufficient',
  at: '2026-03-02T01:15:00.000Z',
  taskId: TASK_ID,
};

export const SIGNED_URL =
  'https://documents.s3.cn-north-1.amazonaws.com.cn/uploads/p-2026-0007/SIGNED_CONTRACT/u1/signed.pdf?X-Amz-Signature=abc&X-Amz-Expires=900';

export const countersignTask: HumanTask = {
  ...task,
  stepKey: 'COUNTERSIGN:2',
  purpose: 'COUNTERSIGN',
  level: 'SECTION_CHIEF',
  assignee: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
  context: { round: 2 },
};

export const paymentTask: HumanTask = {
  ...task,
  stepKey: 'PAYMENT:1',
  purpose: 'PAYMENT_CONFIRMATION',
  level: 'FINANCE_SECTION',
  assignee: { name: '陈会计', email: 'finance@civil-affairs.example.gov.cn', role: 'FINANCE_SECTION' },
  context: { tranche: 1, milestone: 'CONTRACT_SIGNED', amountFen: 3_000_000, dueDate: '2026-04-30' },
};

export const REPORT_URL =
  'https://documents.s3.cn-north-1.amazonaws.com.cn/uploads/p-2026-0007/MIDTERM_REPORT/u7/report.pdf?X-Amz-Signature=abc&X-Amz-Expires=600';

export const reviewTask: HumanTask = {
  ...task,
  stepKey: 'MIDTERM_REVIEW:2',
  purpose: 'MIDTERM_REVIEW',
  level: 'SECTION_CHIEF',
  assignee: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
  context: { round: 2, maxRounds: 3 },
};

export function buttonValues(html: string): string[] {
  return [...html.matchAll(/<button type="submit"[^>]*name="decision" value="([A-Z_]+)">/g)].map(
    (m) => m[1] ?? '',
  );
}

export const lateTask: HumanTask = {
  ...task,
  stepKey: 'LATE_REPORT:1',
  purpose: 'LATE_REPORT',
  level: 'SECTION_CHIEF',
  assignee: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
  context: { dueDate: '2026-02-01', round: 1 },
};

// 2026-03-02 01:00 in China: 29 days after 2026-02-01 (February 2026 has 28 days).
export const LATE_NOW = '2026-03-01T17:00:00.000Z';

/** A file under review as the use case hands it to a page: fixed id, name and SHA-256 by kind. */
export function reviewedFile(kind: UploadKind, url?: string): PageDocument {
  return {
    kind,
    uploadId: `UP-${kind}`,
    fileName: `${kind.toLowerCase()}.pdf`,
    sha256: `${kind.length.toString(16)}`.padEnd(64, 'a'),
    ...(url === undefined ? {} : { url }),
  };
}

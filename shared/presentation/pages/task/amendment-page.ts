/**
 * The amendment approval page (GET): what the officer asks to change in the signed contract, each
 * change former → new, the rationale and the budget line's room, with the form whose POST is the
 * only way to approve or reject it.
 */
import type { Amendment } from '../../../domain/amendments.js';
import { COMMENT_MAX_LENGTH } from '../../../domain/decision-rules.js';
import { formatYuan } from '../../../domain/money.js';
import type { ApprovalLevel } from '../../../domain/policy-settings.js';
import type { Proposal } from '../../../domain/proposal.js';
import type { HumanTask } from '../../../domain/tasks.js';
import { AMENDABLE_FIELD_LABELS, amendedValueText } from '../../amendment-text.js';
import { html } from '../../html.js';
import {
  APPROVAL_LEVEL_LABELS,
  expiryFact,
  type Fact,
  formatChinaTime,
  levelFact,
  proposalFacts,
  summarizeProposal,
} from '../../labels.js';
import {
  bilingualHeading,
  bilingualParagraphs,
  factsTable,
  type HtmlPage,
  headCell,
  renderPage,
} from '../layout.js';
import { decisionForm } from './decision-form.js';
import { assigneeFact, type PendingTaskFacts, pendingTaskFacts } from './task-facts.js';

export interface AmendmentPageInput {
  purchaseId: string;
  /** The contract's proposal as it stands (before the amendment). */
  proposal: Proposal;
  amendment: Pick<Amendment, 'id' | 'requestedBy' | 'requestedAt' | 'rationale' | 'changes'>;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'context'> & {
    level: ApprovalLevel;
  };
}

export function amendmentPage({ purchaseId, proposal, amendment, task }: AmendmentPageInput): HtmlPage {
  const facts: PendingTaskFacts = pendingTaskFacts(task);
  const level = APPROVAL_LEVEL_LABELS[task.level];
  const room = task.context?.lineAvailableFen;
  const summary: Fact[] = [
    ...proposalFacts(summarizeProposal(purchaseId, proposal)),
    { label: { zh: '变更编号', en: 'Amendment' }, value: amendment.id },
    {
      label: { zh: '申请人', en: 'Requested by' },
      value: `${amendment.requestedBy}（${formatChinaTime(amendment.requestedAt)}）`,
    },
    { label: { zh: '变更理由', en: 'Rationale' }, value: amendment.rationale },
    ...(typeof room === 'number'
      ? [
          {
            label: {
              zh: `预算指标 ${proposal.budgetLineRef} 剩余`,
              en: `Left on budget line ${proposal.budgetLineRef}`,
            },
            value: formatYuan(room),
          },
        ]
      : []),
    levelFact(task.level),
    assigneeFact(facts.assignee, facts.attempt, { zh: '审批人', en: 'Assigned to' }, '代理审批'),
    expiryFact(facts.expiresAt),
  ];
  const rows = amendment.changes.map(
    (
      c,
    ) => html`<tr><th scope="row">${AMENDABLE_FIELD_LABELS[c.field].zh}<span class="en" lang="en">${AMENDABLE_FIELD_LABELS[c.field].en}</span></th><td>${amendedValueText(c.field, c.former)}</td><td>${amendedValueText(c.field, c.value)}</td></tr>
`,
  );
  const title = { zh: `合同变更审批：${proposal.title}`, en: `Amendment approval: ${proposal.title}` };
  const body = html`${bilingualHeading('h1', title)}
${bilingualParagraphs({
  zh: `经办人申请变更以下已签署的合同。请以${level.zh}身份核对每项变更及理由，然后批准或驳回。全部层级批准后，变更与预算预留的调整一并生效；驳回后合同保持不变。提交之前不会记录任何决定。`,
  en: `The officer asks to amend the signed contract below. Check each change and the rationale as ${level.en.toLowerCase()}, then approve or reject it. Once every level approved, the changes and the budget reservation's adjustment take effect together; a rejection leaves the contract as it is. Nothing is recorded until you submit.`,
})}
${bilingualHeading('h2', { zh: '项目与变更概况', en: 'Summary' })}
${factsTable(summary)}
${bilingualHeading('h2', { zh: '变更内容', en: 'Changes' })}
<table>
<thead><tr>${headCell({ zh: '项目', en: 'Field' })}${headCell({ zh: '原值', en: 'Former' })}${headCell({ zh: '新值', en: 'New' })}</tr></thead>
<tbody>
${rows}</tbody>
</table>
${decisionForm({
  nonce: facts.nonce,
  decidingAs: facts.assignee,
  comment: {
    label: { zh: '审批意见', en: 'Comment' },
    help: {
      zh: `驳回时必须填写理由（将转告经办人）；批准时可不填。最多 ${COMMENT_MAX_LENGTH} 字。`,
      en: `Required when rejecting (give the reason; it is passed on to the officer); optional when approving. At most ${COMMENT_MAX_LENGTH} characters.`,
    },
  },
  buttons: [
    { decision: 'APPROVE', label: { zh: '批准变更', en: 'Approve the amendment' }, tone: 'approve' },
    { decision: 'REJECT', label: { zh: '驳回', en: 'Reject' }, tone: 'reject' },
  ],
})}`;
  return renderPage(200, title, body);
}

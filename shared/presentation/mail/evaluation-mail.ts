/**
 * What the purchasing officer and the administrator are told when no independent evaluation
 * agency is left for a purchase: who was passed over and why, and what brings the evaluation back.
 */
import type { BilingualText } from '../../domain/bilingual.js';
import type { SkippedAgency } from '../../domain/evaluation.js';
import type { Proposal } from '../../domain/proposal.js';
import { type Fact, type ProposalSummary, proposalFacts, summarizeProposal } from '../labels.js';
import { type MailContent, renderMail } from './layout.js';

export interface NoAgencyLeftMailModel {
  proposal: ProposalSummary;
  /** Each agency on the roster and why it cannot be asked. */
  skipped: SkippedAgency[];
}

export function noAgencyLeftMailModel(input: {
  purchaseId: string;
  proposal: Proposal;
  skipped: readonly SkippedAgency[];
}): NoAgencyLeftMailModel {
  return {
    proposal: summarizeProposal(input.purchaseId, input.proposal),
    skipped: input.skipped.map(({ agencyId, reason }) => ({ agencyId, reason })),
  };
}

const SKIPPED_BECAUSE: Readonly<Record<SkippedAgency['reason'], BilingualText>> = {
  LINKED_TO_NGO: { zh: '与承接机构有关联', en: 'tied to the NGO' },
  LINKED_TO_BUREAU: { zh: '与采购单位有关联', en: 'tied to the bureau' },
  EXCLUDED: {
    zh: '已谢绝、声明存在利益冲突或逾期未答复',
    en: 'declined, declared a conflict of interest, or did not answer',
  },
};

/** Renders the notice; it carries no link (the console and the operations command are where to act). */
export function renderNoAgencyLeftMail(model: NoAgencyLeftMailModel): MailContent {
  const skipped = model.skipped.map(
    ({ agencyId, reason }) => `${agencyId}：${SKIPPED_BECAUSE[reason].zh} ${SKIPPED_BECAUSE[reason].en}`,
  );
  const facts: Fact[] = [
    ...proposalFacts(model.proposal),
    {
      label: { zh: '评估机构名录', en: 'Agency roster' },
      value: skipped.length === 0 ? '（名录为空）(the roster is empty)' : skipped.join('； '),
    },
  ];
  return renderMail({
    subjectTag: { zh: '无可指派的评估机构', en: 'No evaluation agency left' },
    subjectTitle: model.proposal.title,
    intro: [
      {
        zh: '以下项目已没有可指派的独立第三方评估机构：名录中的每一家机构都与承接机构或采购单位有关联，或已谢绝、声明存在利益冲突、逾期未答复。评估已暂停，并作为流程故障记录在项目上。',
        en: 'No independent evaluation agency is left for the purchase below: every agency on the roster is tied to the NGO or the bureau, or has declined, declared a conflict of interest or not answered. The evaluation has stopped and is recorded on the purchase as a workflow failure.',
      },
      {
        zh: '请管理员在工作台“参考数据”页面的评估机构名录中添加一家独立机构，然后恢复该项目的流程（npm run ops -- resume 项目编号）：新机构将立即收到评估邀请。',
        en: 'An administrator adds an independent agency to the roster on the console’s Reference data page, then resumes the purchase (npm run ops -- resume <purchase id>): the new agency is invited at once.',
      },
    ],
    facts,
    notes: [
      {
        zh: '此邮件由系统自动发送给经办人和管理员；各机构的谢绝和利益冲突声明已写入项目的审计日志。',
        en: 'This message was sent automatically to the officer and the administrator; each agency’s decline or conflict declaration is in the purchase audit trail.',
      },
    ],
  });
}

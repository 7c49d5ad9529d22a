import type { Amendment } from '../../domain/amendments.js';
import type { Proposal } from '../../domain/proposal.js';
import { changeLines } from '../amendment-text.js';
import { proposalFacts, summarizeProposal } from '../labels.js';
import { type MailContent, renderMail } from './layout.js';

/** What the officer who asked for an amendment is told when it was decided: applied, or why not. */
export function renderAmendmentOutcomeMail(input: {
  purchaseId: string;
  proposal: Proposal;
  amendment: Pick<Amendment, 'id' | 'status' | 'changes' | 'reason'>;
  recipientName: string;
}): MailContent {
  const { amendment } = input;
  const applied = amendment.status === 'APPROVED';
  return renderMail({
    subjectTag: applied
      ? { zh: '合同变更已生效', en: 'Amendment in force' }
      : { zh: '合同变更未获批准', en: 'Amendment not approved' },
    subjectTitle: input.proposal.title,
    intro: [
      { zh: `${input.recipientName}，您好：`, en: `Dear ${input.recipientName},` },
      applied
        ? {
            zh: `您申请的合同变更 ${amendment.id} 已获各级批准并生效，预算预留已相应调整。`,
            en: `Amendment ${amendment.id} you asked for was approved at every level and is in force; the budget reservation moved with it.`,
          }
        : {
            zh: `您申请的合同变更 ${amendment.id} 未获批准，合同保持不变。原因：${amendment.reason?.zh ?? ''}`,
            en: `Amendment ${amendment.id} you asked for was not approved; the contract stays as it was. Why: ${amendment.reason?.en ?? ''}`,
          },
      ...changeLines(amendment.changes),
    ],
    facts: proposalFacts(summarizeProposal(input.purchaseId, input.proposal)),
    notes: [],
  });
}

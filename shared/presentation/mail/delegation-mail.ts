import type { Delegation } from '../../domain/delegation.js';
import type { ApprovalLevel } from '../../domain/policy-settings.js';
import { type Fact, levelFact } from '../labels.js';
import { type MailContent, renderMail } from './layout.js';

/**
 * What the delegate is told when an approver names them: for whom, from when until when, and that
 * the tasks come as usual e-mails with their own links. It carries no link: nothing to decide yet.
 */
export function renderDelegationMail(delegation: Delegation, level: ApprovalLevel): MailContent {
  const { approverName, approverEmail, delegate, from, until } = delegation;
  const facts: Fact[] = [
    { label: { zh: '委托人', en: 'Deciding for' }, value: `${approverName} <${approverEmail}>` },
    levelFact(level),
    { label: { zh: '委托期间', en: 'Period' }, value: `${from} – ${until}` },
    { label: { zh: '事由', en: 'Reason' }, value: delegation.reason },
  ];
  return renderMail({
    subjectTag: { zh: '审批委托', en: 'You decide for' },
    subjectTitle: approverName,
    intro: [
      { zh: `${delegate.name}，您好：`, en: `Dear ${delegate.name},` },
      {
        zh: `${approverName}外出期间（${from} 至 ${until}，含首尾两日），委托您代为审批。期间原应发给${approverName}的审批任务将发送给您，每项任务另有邮件和链接；您的决定将记录为“${delegate.name} 代 ${approverName}审批”。`,
        en: `While ${approverName} is away (${from} until ${until}, both days included), you decide for them. The approval tasks that would go to ${approverName} come to you, each in its own e-mail with its own link; your decisions are recorded as "${delegate.name} for ${approverName}".`,
      },
    ],
    facts,
    notes: [
      {
        zh: '超时未处理的任务仍按规定转交副局长。如您无法代为审批，请告知委托人或系统管理员。',
        en: 'A task left unanswered still goes to the deputy director as usual. If you cannot decide for them, tell them or the administrator.',
      },
    ],
  });
}

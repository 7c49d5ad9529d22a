import type { ApprovalLevel } from '../../domain/policy-settings.js';
import { type TaskMailInput, type TaskMailModel, taskMailModel } from './task-mail.js';

/** The approval request, reminder and escalation: the APPROVAL purpose of task-mail.ts. */

export { MailModelError, type MailPerson, renderTaskMail as renderApprovalMail } from './task-mail.js';

export type ApprovalMailModel = TaskMailModel;

export type ApprovalMailInput = Omit<TaskMailInput, 'purpose' | 'level' | 'round'> & { level: ApprovalLevel };

/** Picks the mail's facts field by field; anything else in the input (a whole task record) is dropped. */
export function approvalMailModel(input: ApprovalMailInput): ApprovalMailModel {
  const { purchaseId, proposal, level, attempt, link, expiresAt, recipientName, notAnsweredBy } = input;
  return taskMailModel({
    purpose: 'APPROVAL',
    purchaseId,
    proposal,
    level,
    attempt,
    link,
    expiresAt,
    recipientName,
    ...(notAnsweredBy ? { notAnsweredBy } : {}),
  });
}

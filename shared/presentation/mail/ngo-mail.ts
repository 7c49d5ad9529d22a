import type { BilingualText } from '../../domain/bilingual.js';
import type { NgoNotice, UploadRequestNotes } from '../../domain/ngo-notices.js';
import type { Proposal } from '../../domain/proposal.js';
import type { TaskAttempt } from '../../domain/tasks.js';
import { UPLOAD_KIND_LABELS, type UploadKind } from '../../domain/uploads.js';
import { bilingual, type Fact, proposalFacts, summarizeProposal } from '../labels.js';
import { noticeText } from '../ngo-notice-text.js';
import { type MailContent, renderMail } from './layout.js';

/**
 * The e-mails to the NGO: the request for an upload it owes (with its page link, the one link),
 * its reminder and escalation, each carrying what the bureau said when it asked again; the
 * notice of an outcome (no link); and the note to the purchasing officer when the upload is
 * overdue. Inputs are read field by field, so nothing else of a record reaches a renderer.
 */

export interface UploadRequestMailInput {
  purchaseId: string;
  proposal: Proposal;
  kind: UploadKind;
  /** China date, `YYYY-MM-DD`. */
  dueDate?: string | undefined;
  /** The NGO page link (signNgoLink): the only link in the mail. */
  link: string;
  attempt: TaskAttempt;
  /** What the bureau said when it asked again: the return that began the round, the newest extension. */
  notes?: UploadRequestNotes;
}

export interface NoticeMailInput {
  purchaseId: string;
  proposal: Proposal;
  notice: NgoNotice;
}

export interface UploadOverdueMailInput {
  purchaseId: string;
  proposal: Proposal;
  kind: UploadKind;
  dueDate?: string | undefined;
  ngoName: string;
}

function lower(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function uploadFacts(input: { purchaseId: string; proposal: Proposal; kind: UploadKind; dueDate?: string }) {
  const facts: Fact[] = [
    ...proposalFacts(summarizeProposal(input.purchaseId, input.proposal)),
    { label: { zh: '需上传', en: 'To upload' }, value: bilingual(UPLOAD_KIND_LABELS[input.kind]) },
  ];
  if (input.dueDate) facts.push({ label: { zh: '截止日期', en: 'Due by' }, value: input.dueDate });
  return facts;
}

/** The notice that asks for the upload again, when the round began with one (the newest first). */
function reasonToAskAgain(notes: UploadRequestNotes | undefined): NgoNotice | undefined {
  return notes?.extended ?? notes?.returned;
}

function requestTag(
  kind: BilingualText,
  attempt: TaskAttempt,
  notes: UploadRequestNotes | undefined,
): BilingualText {
  const again = reasonToAskAgain(notes);
  if (again && attempt === 'FIRST') return noticeText(again).headline;
  switch (attempt) {
    case 'FIRST':
      return { zh: `请上传${kind.zh}`, en: `Please upload: ${lower(kind.en)}` };
    case 'REMINDER':
      return { zh: `提醒：尚未收到${kind.zh}`, en: `Reminder: ${lower(kind.en)} still missing` };
    case 'ESCALATION':
      return { zh: `逾期未交：${kind.zh}`, en: `Overdue: ${lower(kind.en)}` };
  }
}

function requestIntro(kind: BilingualText, attempt: TaskAttempt, dueDate: string | undefined): BilingualText {
  const by = dueDate ? { zh: `，截止日期为 ${dueDate}`, en: ` by ${dueDate}` } : { zh: '', en: '' };
  const what = { zh: kind.zh, en: lower(kind.en) };
  switch (attempt) {
    case 'FIRST':
      return {
        zh: `请通过下面的机构页面链接上传本项目的${what.zh}${by.zh}。`,
        en: `Please upload the ${what.en} of this purchase${by.en} through your organisation's page, linked below.`,
      };
    case 'REMINDER':
      return {
        zh: `我们仍未收到本项目的${what.zh}。请尽快通过下面的链接上传${by.zh}。`,
        en: `The ${what.en} of this purchase is still missing. Please upload it through the link below as soon as possible${by.en}.`,
      };
    case 'ESCALATION':
      return {
        zh: `本项目的${what.zh}已逾期未交，民政局经办人已收到通知。请尽快通过下面的链接上传。`,
        en: `The ${what.en} of this purchase is overdue, and the bureau officer responsible for it has now been informed. Please upload it through the link below as soon as possible.`,
      };
  }
}

/** Asks the NGO for an upload: the request, the reminder, or the escalation; after a return, what to fix and why. */
export function renderUploadRequestMail(input: UploadRequestMailInput): MailContent {
  const kind = UPLOAD_KIND_LABELS[input.kind];
  const ngoName = input.proposal.ngo.name;
  const intro: BilingualText[] = [{ zh: `${ngoName}：您好！`, en: `Dear ${ngoName},` }];
  const facts = uploadFacts(input);
  for (const note of [input.notes?.returned, input.notes?.extended]) {
    if (!note) continue;
    const text = noticeText(note);
    intro.push(text.meaning);
    facts.push(...text.facts);
  }
  intro.push(requestIntro(kind, input.attempt, input.dueDate));
  return renderMail({
    subjectTag: requestTag(kind, input.attempt, input.notes),
    subjectTitle: input.proposal.title,
    intro,
    facts,
    action: {
      label: { zh: '打开机构页面上传', en: "Open your organisation's page to upload" },
      href: input.link,
    },
    notes: [
      {
        zh: '请在页面上直接上传文件，不要通过回复邮件发送附件。此链接仅供贵机构使用，请勿转发。',
        en: 'Upload the file on the page; do not reply with an attachment. The link is for your organisation only; please do not forward it.',
      },
    ],
  });
}

/**
 * Tells the NGO of an outcome of its purchase (approved, a tranche notified or paid, the grade,
 * termination, closing). It carries no link: the NGO's page link comes with the requests that
 * need it, and a fresh one can be asked for on the page's address.
 */
export function renderNoticeMail(input: NoticeMailInput): MailContent {
  const text = noticeText(input.notice);
  const ngoName = input.proposal.ngo.name;
  return renderMail({
    subjectTag: text.headline,
    subjectTitle: input.proposal.title,
    intro: [{ zh: `${ngoName}：您好！`, en: `Dear ${ngoName},` }, text.meaning],
    facts: [...proposalFacts(summarizeProposal(input.purchaseId, input.proposal)), ...text.facts],
    notes: [
      {
        zh: '此邮件由系统自动发送，贵机构的项目页面也列出了这一通知。',
        en: "This message was sent automatically; your organisation's page for the purchase lists it too.",
      },
    ],
  });
}

/** The fresh page link the NGO asked for from an expired one, to its registered contact only. */
export function renderFreshLinkMail(input: {
  purchaseId: string;
  proposal: Proposal;
  link: string;
  expiresOn: string;
}): MailContent {
  const ngoName = input.proposal.ngo.name;
  return renderMail({
    subjectTag: { zh: '机构页面新链接', en: 'Your new page link' },
    subjectTitle: input.proposal.title,
    intro: [
      { zh: `${ngoName}：您好！`, en: `Dear ${ngoName},` },
      {
        zh: `有人在过期的机构页面链接上请求了新链接。新链接有效至 ${input.expiresOn}，旧链接不再使用。`,
        en: `A new link was asked for on an expired link to your organisation's page. The new one works until ${input.expiresOn}; the old one stays expired.`,
      },
    ],
    facts: proposalFacts(summarizeProposal(input.purchaseId, input.proposal)),
    action: { label: { zh: '打开机构页面', en: "Open your organisation's page" }, href: input.link },
    notes: [
      {
        zh: '如果不是贵机构请求的，可以忽略此邮件：链接只发送到登记的联系邮箱。此链接仅供贵机构使用，请勿转发。',
        en: 'If nobody at your organisation asked for it, you can ignore this message: links go only to the registered contact address. The link is for your organisation only; please do not forward it.',
      },
    ],
  });
}

/** Tells the purchasing officer the NGO has not uploaded in time. It carries no link. */
export function renderUploadOverdueMail(input: UploadOverdueMailInput): MailContent {
  const kind = UPLOAD_KIND_LABELS[input.kind];
  const due = input.dueDate
    ? { zh: `（截止日期 ${input.dueDate}）`, en: ` (due by ${input.dueDate})` }
    : { zh: '', en: '' };
  return renderMail({
    subjectTag: { zh: `逾期未交：${kind.zh}`, en: `Overdue: ${lower(kind.en)}` },
    subjectTitle: input.proposal.title,
    intro: [
      { zh: '您好：', en: 'Hello,' },
      {
        zh: `${input.ngoName}尚未上传您登记的以下项目的${kind.zh}${due.zh}。系统已再次提醒该机构；如有需要，请与其联系。`,
        en: `${input.ngoName} has not uploaded the ${lower(kind.en)} of the purchase you registered, below${due.en}. The system has reminded the NGO again; contact them if needed.`,
      },
    ],
    facts: uploadFacts(input),
    notes: [
      {
        zh: '此邮件由系统自动发送，提醒记录已写入项目的审计日志。',
        en: 'This message was sent automatically; the reminders are recorded in the purchase audit trail.',
      },
    ],
  });
}

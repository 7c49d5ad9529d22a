/**
 * The one POST form of a task page (nonce, comment, the payment's amount and reference, its buttons) and the
 * list of what each decision does that stands above it.
 */
import type { BilingualText } from '../../../domain/bilingual.js';
import {
  ACTING_EMAIL_MAX_LENGTH,
  COMMENT_MAX_LENGTH,
  isSharedMailbox,
} from '../../../domain/decision-rules.js';
import { formatYuan, yuanText } from '../../../domain/money.js';
import type { Assignee, Decision } from '../../../domain/tasks.js';
import { html, type SafeHtml } from '../../html.js';
import { DECISION_FORM_FIELDS, PAYMENT_REFERENCE_HTML_PATTERN } from './decision-form-fields.js';
import { type PageDocument, reviewedUploadFields } from './reviewed-document.js';

export interface FormButton {
  decision: Decision;
  label: BilingualText;
  tone: 'approve' | 'reject';
}

export interface DecisionFormSpec {
  nonce: string;
  /** Whose decision the form records: named above the buttons; a shared mailbox's form asks who acts. */
  decidingAs: Assignee;
  /** The optional (or, for some buttons, required) comment box. */
  comment?: { label: BilingualText; help: BilingualText };
  /** The bank transaction reference input of a payment confirmation. */
  reference?: boolean;
  /** A payment confirmation's amount paid now, filled in with all that is due on the link (fen). */
  amount?: { dueFen: number };
  /** The files under review the page shows: the decision is recorded only while they are current. */
  reviewed?: readonly Pick<PageDocument, 'uploadId'>[];
  buttons: readonly FormButton[];
}

/** The look of a text or number input; the page's stylesheet styles only the textarea. */
export const INPUT_STYLE =
  'display:block;width:100%;margin:8px 0 16px;padding:10px;font:inherit;border:1px solid #8c959f;border-radius:6px';

/**
 * Who the decision is recorded for; on a shared mailbox's page (the finance section's) also the
 * required field for the acting person's own address.
 */
export function decidingAs(assignee: Assignee, actingEmail?: string): SafeHtml {
  const f = DECISION_FORM_FIELDS;
  const forWhom = assignee.onBehalfOf;
  const who = forWhom
    ? html`<p class="status">您正在以 <strong>${assignee.name}</strong>（${assignee.email}）的身份代 <strong>${forWhom.name}</strong> 作出决定，记录为“${assignee.name} 代 ${forWhom.name}审批”。<span class="en" lang="en">You are deciding as <strong>${assignee.name}</strong> (${assignee.email}) for <strong>${forWhom.name}</strong>, who is away; it is recorded as "${assignee.name} for ${forWhom.name}".</span></p>
`
    : html`<p class="status">您正在以 <strong>${assignee.name}</strong>（${assignee.email}）的身份作出决定。<span class="en" lang="en">You are deciding as <strong>${assignee.name}</strong> (${assignee.email}).</span></p>
`;
  if (!isSharedMailbox(assignee.role)) return who;
  // The second step of a decision carries the address typed on the first.
  if (actingEmail !== undefined)
    return html`${who}<p>操作人：${actingEmail}<span class="en" lang="en">Acting: ${actingEmail}</span></p>
<input type="hidden" name="${f.actingEmail}" value="${actingEmail}">
`;
  return html`${who}<label for="actingEmail">您本人的工作邮箱<span class="en" lang="en">Your own work e-mail address</span></label>
<p class="help" id="actingEmail-help">此链接发往多人共用的邮箱；决定将记录为由您本人作出。<span class="en" lang="en">This link went to a shared mailbox; the decision is recorded as made by you.</span></p>
<input type="email" id="actingEmail" name="${f.actingEmail}" required maxlength="${ACTING_EMAIL_MAX_LENGTH}" autocomplete="email" spellcheck="false" aria-describedby="actingEmail-help" style="${INPUT_STYLE}">
`;
}

/** The one POST form of a confirmation page: nonce, the fields the purpose needs, its buttons. */
export function decisionForm(spec: DecisionFormSpec): SafeHtml {
  const f = DECISION_FORM_FIELDS;
  const comment =
    spec.comment &&
    html`<label for="comment">${spec.comment.label.zh}<span class="en" lang="en">${spec.comment.label.en}</span></label>
<p class="help" id="comment-help">${spec.comment.help.zh}<span class="en" lang="en">${spec.comment.help.en}</span></p>
<textarea id="comment" name="${f.comment}" maxlength="${COMMENT_MAX_LENGTH}" rows="5" aria-describedby="comment-help"></textarea>
`;
  const reference =
    spec.reference &&
    html`<label for="reference">银行交易流水号<span class="en" lang="en">Bank transaction reference</span></label>
<p class="help" id="reference-help">必填，4–64 个字符：字母、数字、“-”“_”“/”。<span class="en" lang="en">Required: 4-64 characters, letters, digits, '-', '_' or '/'.</span></p>
<input type="text" id="reference" name="${f.reference}" required minlength="4" maxlength="64" pattern="${PAYMENT_REFERENCE_HTML_PATTERN}" autocomplete="off" spellcheck="false" aria-describedby="reference-help" style="${INPUT_STYLE}">
`;
  const amount =
    spec.amount &&
    html`<label for="amount">本次实付金额（元）<span class="en" lang="en">Amount paid now (yuan)</span></label>
<p class="help" id="amount-help">已填入此链接的全部待付金额 ${formatYuan(spec.amount.dueFen)}。只付了一部分时改为实付金额：余额仍为待付，付清时再确认。<span class="en" lang="en">Filled in with all that is due on this link, ${formatYuan(spec.amount.dueFen)}. If only part of it was paid, put what was paid: the rest stays due, to be confirmed when it is paid.</span></p>
<input type="text" id="amount" name="${f.amount}" value="${yuanText(spec.amount.dueFen)}" required inputmode="decimal" autocomplete="off" spellcheck="false" aria-describedby="amount-help" style="${INPUT_STYLE}">
`;
  const buttons = spec.buttons.map(
    (b) =>
      html`<button type="submit" class="${b.tone}" name="${f.decision}" value="${b.decision}">${b.label.zh} <span lang="en">${b.label.en}</span></button>
`,
  );
  return html`<form method="POST" action="">
<input type="hidden" name="${f.nonce}" value="${spec.nonce}">
${reviewedUploadFields(spec.reviewed ?? [])}${decidingAs(spec.decidingAs)}${comment}${amount}${reference}<div class="actions">
${buttons}</div>
<p class="help">决定提交后即生效，不能撤回；此链接的第一个决定为准。<span class="en" lang="en">A submitted decision takes effect at once and cannot be withdrawn; the first decision on this link is the one that counts.</span></p>
</form>
`;
}

/** What each decision of a page does, listed above its buttons so nobody learns it by clicking. */
export function consequences(items: readonly BilingualText[]): SafeHtml {
  const rows = items.map(
    (i) => html`<li>${i.zh}<span class="en" lang="en">${i.en}</span></li>
`,
  );
  return html`<ul>
${rows}</ul>
`;
}

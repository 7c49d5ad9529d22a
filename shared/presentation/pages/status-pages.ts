import type { BilingualText } from '../../domain/bilingual.js';
import { COMMENT_MAX_LENGTH } from '../../domain/decision-rules.js';
import { html } from '../html.js';
import { bilingualHeading, bilingualParagraphs, type HtmlPage, renderPage } from './layout.js';

/**
 * Pages for links that cannot be acted on. The 403/404/410 pages are fixed text: they echo
 * nothing from the request, so they cannot tell a visitor whether a task exists.
 */

function statusPage(statusCode: number, title: BilingualText, ...paragraphs: BilingualText[]): HtmlPage {
  const body = html`${bilingualHeading('h1', title)}
<div class="status">
${bilingualParagraphs(...paragraphs)}</div>
`;
  return renderPage(statusCode, title, body);
}

const ASK_THE_OFFICER: BilingualText = {
  zh: '如仍需处理，请联系发起采购的经办人。',
  en: 'If you still need to act, contact the officer who registered the purchase.',
};

/** 410: the link expired, or the approval was escalated and this link replaced. */
export function expiredPage(): HtmlPage {
  return statusPage(
    410,
    { zh: '此链接已失效', en: 'This link is no longer valid' },
    {
      zh: '链接已过有效期，或审批已转交他人处理，此链接已被替代。未记录任何决定。',
      en: 'The link has expired, or the approval was passed on to someone else and this link was replaced. Nothing was recorded.',
    },
    ASK_THE_OFFICER,
  );
}

/** 404 */
export function notFoundPage(): HtmlPage {
  return statusPage(
    404,
    { zh: '找不到此页面', en: 'Page not found' },
    {
      zh: '链接可能不完整。请直接点击邮件中的链接，或将其完整复制到浏览器地址栏。',
      en: 'The link may be incomplete. Click it directly in the e-mail, or copy all of it into the address bar.',
    },
  );
}

/** 403 */
export function forbiddenPage(): HtmlPage {
  return statusPage(
    403,
    { zh: '无法验证此链接', en: 'This link could not be verified' },
    {
      zh: '链接可能不完整或已被修改。请直接点击邮件中的链接。',
      en: 'The link may be incomplete or altered. Click it directly in the e-mail.',
    },
    ASK_THE_OFFICER,
  );
}

/** Reasons a decision POST is refused, phrased for the person who sent it. */
export const BAD_REQUEST_MESSAGES = {
  MISSING_NONCE: {
    zh: '提交内容不完整或页面已过时。请重新打开邮件中的链接后再提交。',
    en: 'The submission was incomplete or the page was out of date. Open the link from the e-mail again and resubmit.',
  },
  COMMENT_REQUIRED: {
    zh: '驳回时必须填写理由。请返回上一页填写审批意见后再提交。',
    en: 'A reason is required when rejecting. Go back, write it in the comment box and submit again.',
  },
  COMMENT_TOO_LONG: {
    zh: `审批意见最多 ${COMMENT_MAX_LENGTH} 字。请返回上一页缩短后再提交。`,
    en: `The comment can be at most ${COMMENT_MAX_LENGTH} characters. Go back, shorten it and submit again.`,
  },
  INVALID_DECISION: {
    zh: '请点击“批准”或“驳回”按钮提交。',
    en: 'Submit with the Approve or the Reject button.',
  },
} as const satisfies Record<string, BilingualText>;

/** 400: the POST could not be used; nothing was recorded. Prefer BAD_REQUEST_MESSAGES; a plain string is shown as is. */
export function badRequestPage(message: BilingualText | string): HtmlPage {
  const reason = typeof message === 'string' ? { zh: message, en: message } : message;
  const detail =
    typeof message === 'string' ? html`<p class="pre">${message}</p>` : bilingualParagraphs(reason);
  const title = { zh: '无法处理此次提交', en: 'The submission could not be processed' };
  const body = html`${bilingualHeading('h1', title)}
<div class="status">
${detail}</div>
${bilingualParagraphs({ zh: '未记录任何决定。', en: 'Nothing was recorded.' })}`;
  return renderPage(400, title, body);
}

/** 500: something failed on the server; the decision may or may not have been recorded. */
export function errorPage(status: 500 | 503 = 500): HtmlPage {
  return statusPage(
    status,
    { zh: '系统暂时出错', en: 'Something went wrong on our side' },
    {
      zh: '请稍后重新打开邮件中的链接：如果您的决定已记录，页面会显示该决定；否则可以重新提交。',
      en: 'Please open the link from the e-mail again in a little while: if your decision was recorded, the page shows it; otherwise you can submit again.',
    },
  );
}

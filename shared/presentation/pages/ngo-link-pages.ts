import type { BilingualText } from '../../domain/bilingual.js';
import { html } from '../html.js';
import { maskEmail } from '../personal-data.js';
import { bilingualHeading, bilingualParagraphs, type HtmlPage, renderPage } from './layout.js';

/**
 * The pages of an NGO link that no longer opens: the expired page offers to mail a fresh link to
 * the NGO's registered contact (never to an address the visitor types), and the answer says where
 * it went, masked. Neither shows anything of the purchase: an expired link is still a link that
 * may have been forwarded.
 */

/** 410 for an NGO link signed by us that has expired: a button asks for a new one. */
export function ngoLinkExpiredPage(freshLinkAction: string): HtmlPage {
  const title: BilingualText = { zh: '此链接已过期', en: 'This link has expired' };
  const body = html`${bilingualHeading('h1', title)}
<div class="status">
${bilingualParagraphs(
  {
    zh: '机构页面链接有有效期，此链接已过期。可以请系统把新链接发送到贵机构在项目中登记的联系邮箱。',
    en: "Organisation page links are valid for a limited time, and this one has expired. The system can send a new link to the contact address registered for your organisation's purchase.",
  },
  {
    zh: '新链接只发往登记的联系邮箱，不会显示在此页面上。',
    en: 'The new link goes only to the registered contact address; it is not shown on this page.',
  },
)}</div>
<form method="post" action="${freshLinkAction}">
<div class="actions"><button type="submit">发送新链接 Send me a new link</button></div>
</form>
`;
  return renderPage(410, title, body);
}

/** 200 after a fresh-link request: sent now, or already sent within the hour (nothing more sent). */
export function freshLinkSentPage(contactEmail: string, alreadySent: boolean): HtmlPage {
  const to = maskEmail(contactEmail);
  const title: BilingualText = alreadySent
    ? { zh: '新链接已发送过', en: 'A new link was already sent' }
    : { zh: '新链接已发送', en: 'A new link is on its way' };
  const said: BilingualText = alreadySent
    ? {
        zh: `一小时内已向登记的联系邮箱 ${to} 发送过新链接，请查收（包括垃圾邮件箱）。如需再次发送，请一小时后重试。`,
        en: `A new link was sent to the registered contact address ${to} within the last hour: please check that mailbox, including its spam folder. To have another sent, try again in an hour.`,
      }
    : {
        zh: `新链接已发送到登记的联系邮箱 ${to}，请查收。`,
        en: `A new link was sent to the registered contact address ${to}; please check that mailbox.`,
      };
  const body = html`${bilingualHeading('h1', title)}
<div class="status">
${bilingualParagraphs(said, {
  zh: '如联系邮箱已变更，请联系民政局经办人更新登记信息。',
  en: 'If the contact address has changed, ask the bureau officer to update the registration.',
})}</div>
`;
  return renderPage(200, title, body);
}

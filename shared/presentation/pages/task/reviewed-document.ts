/**
 * The file a review page is about (the signed contract, the mid-term report): its only link,
 * a short-lived presigned GET, or a notice when there is none; and the check that a URL is a web link.
 */
import type { BilingualText } from '../../../domain/bilingual.js';
import { html, type SafeHtml } from '../../html.js';
import { bilingualParagraphs } from '../layout.js';

/** Only a web address becomes a link; anything else (a bug upstream) is left out rather than rendered. */
export function isWebLink(url: string | undefined): url is string {
  return url !== undefined && /^https?:\/\/[^\s"'<>]+$/.test(url);
}

/** What a review page calls the file under review: its link, and what it says when it has none. */
export interface ReviewedDocumentWording {
  open: BilingualText;
  missing: BilingualText;
}

/** The page's only link: a short-lived presigned GET of the file under review, or a notice without one. */
export function reviewedDocument(url: string | undefined, wording: ReviewedDocumentWording): SafeHtml {
  if (!isWebLink(url)) {
    return html`<div class="notice">
${bilingualParagraphs(wording.missing)}</div>
`;
  }
  return html`<p><a href="${url}" rel="noreferrer">${wording.open.zh}<span class="en" lang="en">${wording.open.en}</span></a></p>
${bilingualParagraphs({
  zh: '文件链接仅在短时间内有效；如已失效，请刷新本页面。',
  en: 'The file link works for a short time only; if it has stopped working, reload this page.',
})}`;
}

/**
 * The files a review page is about (the signed contract, the mid-term report, the final report):
 * each with its name, its SHA-256 and a short-lived presigned GET, or a notice when it cannot be
 * shown; every file on record the page lists besides; the hidden fields that tell the POST which
 * uploads the page showed; and the page of a POST refused because a newer upload arrived meanwhile.
 */
import type { BilingualText } from '../../../domain/bilingual.js';
import { UPLOAD_KIND_LABELS, type UploadKind } from '../../../domain/uploads.js';
import { html, type SafeHtml } from '../../html.js';
import { formatChinaTime } from '../../labels.js';
import { bilingualHeading, bilingualParagraphs, type HtmlPage, headCell, renderPage } from '../layout.js';
import { DECISION_FORM_FIELDS } from './decision-form-fields.js';

/** Only a web address becomes a link; anything else (a bug upstream) is left out rather than rendered. */
export function isWebLink(url: string | undefined): url is string {
  return url !== undefined && /^https?:\/\/[^\s"'<>]+$/.test(url);
}

/** One file under review (or on record) as a page shows it; `url` only when it is a web link. */
export interface PageDocument {
  kind: UploadKind;
  uploadId: string;
  fileName: string;
  sha256: string;
  uploadedAt?: string;
  url?: string;
  /** On a list of the files on record: whether the decision is about this one. */
  underReview?: boolean;
}

/** The page's view of a reviewed file: its link kept only when it is a web link. */
export function pageDocument({
  kind,
  uploadId,
  fileName,
  sha256,
  uploadedAt,
  url,
  underReview,
}: PageDocument): PageDocument {
  return {
    kind,
    uploadId,
    fileName,
    sha256,
    ...(uploadedAt === undefined ? {} : { uploadedAt }),
    ...(isWebLink(url) ? { url } : {}),
    ...(underReview === undefined ? {} : { underReview }),
  };
}

/** What a review page calls the file under review: its link, and what it says when it has none. */
export interface ReviewedDocumentWording {
  open: BilingualText;
  missing: BilingualText;
}

const LINKS_ARE_SHORT_LIVED: BilingualText = {
  zh: '文件链接仅在短时间内有效；如已失效，请刷新本页面。',
  en: 'The file link works for a short time only; if it has stopped working, reload this page.',
};

/** The file's name and SHA-256, which the decision records as what was reviewed. */
function fileIdentity(document: PageDocument): SafeHtml {
  return html`<p class="help">文件：${document.fileName}，SHA-256：<code style="overflow-wrap:anywhere">${document.sha256}</code><span class="en" lang="en">File ${document.fileName}, SHA-256 ${document.sha256}. Your decision is recorded against this file.</span></p>
`;
}

function documentLink(document: PageDocument, open: BilingualText): SafeHtml {
  if (document.url === undefined) return html``;
  return html`<p><a href="${document.url}" rel="noreferrer">${open.zh}<span class="en" lang="en">${open.en}</span></a></p>
`;
}

/** A file under review: its link, name and SHA-256; a notice instead when there is none or no link. */
export function reviewedDocument(
  document: PageDocument | undefined,
  wording: ReviewedDocumentWording,
): SafeHtml {
  if (document?.url === undefined) {
    return html`<div class="notice">
${bilingualParagraphs(wording.missing)}</div>
${document ? fileIdentity(document) : html``}`;
  }
  return html`${documentLink(document, wording.open)}${fileIdentity(document)}${bilingualParagraphs(LINKS_ARE_SHORT_LIVED)}`;
}

/** Several files under review, each named by its kind (the evaluation's reports). */
export function reviewedDocumentList(
  documents: readonly PageDocument[],
  open: (kind: UploadKind) => BilingualText,
): SafeHtml {
  const items = documents.map((d) => html`${documentLink(d, open(d.kind))}${fileIdentity(d)}`);
  return html`${items}${bilingualParagraphs(LINKS_ARE_SHORT_LIVED)}`;
}

function fileOnRecordRow(document: PageDocument): SafeHtml {
  const kind = UPLOAD_KIND_LABELS[document.kind];
  const name =
    document.url === undefined
      ? html`${document.fileName}`
      : html`<a href="${document.url}" rel="noreferrer">${document.fileName}</a>`;
  const current =
    document.underReview === true &&
    html`<span class="help">（本次审阅 <span lang="en">under review</span>）</span>`;
  const uploaded = document.uploadedAt === undefined ? '' : formatChinaTime(document.uploadedAt);
  return html`<tr><td>${kind.zh}<span class="en" lang="en">${kind.en}</span></td><td>${name}${current}</td><td>${uploaded}</td><td><code style="overflow-wrap:anywhere">${document.sha256}</code></td></tr>
`;
}

/**
 * Every accepted file on record that concerns the review (each signed copy, each round's report,
 * the evidence), oldest first within its kind, each with its link where there is one; the files
 * the decision is about are marked. A section with its heading.
 */
export function filesOnRecordSection(documents: readonly PageDocument[]): SafeHtml {
  const heading = bilingualHeading('h2', { zh: '档案中的全部材料', en: 'Every file on record' });
  if (documents.length === 0)
    return html`${heading}
${bilingualParagraphs({ zh: '档案中还没有通过检查的文件。', en: 'There is no checked file on record yet.' })}`;
  return html`${heading}
${bilingualParagraphs({
  zh: '已提交并通过检查的全部相关文件，包括以往轮次的文件。',
  en: 'Every related file submitted that passed its checks, earlier rounds included.',
})}<div class="table-wrap"><table class="files-on-record">
<thead><tr>${headCell({ zh: '材料', en: 'Kind' })}${headCell({ zh: '文件', en: 'File' })}${headCell({ zh: '上传时间', en: 'Uploaded' })}${headCell({ zh: 'SHA-256', en: 'SHA-256' })}</tr></thead>
<tbody>
${documents.map(fileOnRecordRow)}</tbody>
</table></div>
`;
}

/** Hidden fields naming the uploads the page showed; the POST is refused when they are no longer current. */
export function reviewedUploadFields(documents: readonly Pick<PageDocument, 'uploadId'>[]): SafeHtml {
  return html`${documents.map(
    (d) => html`<input type="hidden" name="${DECISION_FORM_FIELDS.reviewed}" value="${d.uploadId}">
`,
  )}`;
}

/** Who put a newer file under review: the NGO, or the evaluation agency itself (its own report). */
function newerFileBy(newerKinds: readonly UploadKind[]): { title: BilingualText; why: BilingualText } {
  if (newerKinds.length > 0 && newerKinds.every((kind) => kind === 'EVALUATION_REPORT'))
    return {
      title: { zh: '贵机构已上传新的评估报告', en: 'Your agency has uploaded a newer report' },
      why: {
        zh: '您打开本页面之后，贵机构上传了新的评估报告，因此本次提交没有被记录。',
        en: 'Your agency uploaded a newer report after you opened this page, so this submission was not recorded.',
      },
    };
  return {
    title: { zh: '承接机构已上传新文件', en: 'The NGO has uploaded a newer file' },
    why: {
      zh: '您打开本页面之后，承接机构上传了新的文件，因此您的决定没有被记录。',
      en: 'The NGO uploaded a newer file after you opened this page, so your decision was not recorded.',
    },
  };
}

/**
 * 409: the decision was not recorded because the files under review changed after the page was
 * opened (`newerKinds`: the kinds of the files it did not show). Shows the files there are now;
 * reloading the link offers the decision on them.
 */
export function newerUploadPage(
  current: readonly PageDocument[],
  newerKinds: readonly UploadKind[],
): HtmlPage {
  const { title, why } = newerFileBy(newerKinds);
  const open = (kind: UploadKind): BilingualText => ({
    zh: `打开${UPLOAD_KIND_LABELS[kind].zh}`,
    en: `Open the ${UPLOAD_KIND_LABELS[kind].en.toLowerCase()}`,
  });
  const body = html`${bilingualHeading('h1', title)}
<div class="status">
${bilingualParagraphs(why, {
  zh: '请查看下面的现有文件，然后重新打开邮件中的链接，对新文件作出决定。',
  en: 'Check the file below, then open the link from your e-mail again to decide on it.',
})}</div>
${bilingualHeading('h2', { zh: '现在待审的文件', en: 'The file under review now' })}
${current.length === 0 ? bilingualParagraphs({ zh: '目前没有已通过检查的文件。', en: 'There is no checked file at the moment.' }) : reviewedDocumentList(current.map(pageDocument), open)}`;
  return renderPage(409, title, body);
}

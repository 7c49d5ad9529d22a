import type { BilingualText } from '../../domain/bilingual.js';
import type { UploadRefusalReason } from '../../domain/deliverables.js';
import type { UploadableFileType } from '../../domain/file-types.js';
import type { Stage } from '../../domain/lifecycle.js';
import type { NgoNotice } from '../../domain/ngo-notices.js';
import { UPLOAD_KIND_LABELS, type UploadKind } from '../../domain/uploads.js';
import { html, type SafeHtml, trusted } from '../html.js';
import {
  bilingual,
  expiryFact,
  type Fact,
  formatChinaTime,
  type ProposalSummary,
  proposalFacts,
  STAGE_LABELS,
} from '../labels.js';
import { noticeText } from '../ngo-notice-text.js';
import { bilingualHeading, bilingualParagraphs, factsTable, renderPage } from './layout.js';
import { formatBytes, type ScriptedPage, uploadPageCsp, uploadScript } from './upload-script.js';

/**
 * The NGO's page (GET /ngo/{purchaseId}?exp&sig): what is due, what arrived, the contract
 * to sign, and an upload form. The file goes from the browser straight to S3: a small
 * inline script asks this page's link for a presigned POST, then posts the file to the
 * bucket. Nothing secret is in the HTML: no presign fields, no task token, no signature
 * beyond the one already in the address bar.
 */

/** One thing the NGO owes: the signed contract, or a line of the proposal's deliverables plan. */
export interface NgoDueItem {
  kind: UploadKind;
  /** `YYYY-MM-DD` (China date), when known. */
  dueDate?: string;
  description?: string;
  /** Whether an upload of this kind is accepted now. */
  open: boolean;
}

/** One of the NGO's purchases, for the list that links them all. */
export interface NgoPurchaseRow {
  purchaseId: string;
  title: string;
  stage: Stage;
  term: { start: string; end: string };
  /** The purchase this page is about. */
  current: boolean;
  /** Its own page, relative to this one. */
  link: string;
}

/** A file that arrived, as the NGO may see it (no key, no hash beyond what helps them). */
export interface NgoReceivedFile {
  kind: UploadKind;
  fileName: string;
  size: number;
  uploadedAt: string;
  status: 'ACCEPTED' | 'REJECTED';
  reasons: UploadRefusalReason[];
}

export interface NgoPageModel {
  summary: ProposalSummary;
  stage: Stage;
  /** A final stage: the page lists what arrived and takes nothing more. */
  closed: boolean;
  due: NgoDueItem[];
  received: NgoReceivedFile[];
  /** What the bureau decided that concerns the NGO (ngoNotices), oldest first; the page shows the newest first. */
  notices: readonly NgoNotice[];
  /** Every purchase of the NGO under the same contact, this one included (newest first). */
  purchases: readonly NgoPurchaseRow[];
  /** Short-lived presigned GET of the issued contract. */
  contractUrl?: string;
  /** Kinds the form offers; empty means no form. */
  openKinds: UploadKind[];
  /** Why some open kind takes nothing more today (its daily grants or files are used up). */
  limitNotices?: readonly BilingualText[];
  /** What the form accepts (uploadableFileTypes of the upload settings). */
  fileTypes: readonly UploadableFileType[];
  maxBytes: number;
  linkExpiresAt: string;
  /** Origin of the bucket's POST endpoint, for the CSP's connect-src. */
  storageOrigin: string;
  /** Per-response CSP nonce of the page's one script. */
  nonce: string;
}

/** The NGO page carries its own Content-Security-Policy (its script's nonce changes per response). */
export type NgoHtmlPage = ScriptedPage;

const CSS = `
select,input[type=file]{display:block;width:100%;margin:6px 0 16px;padding:10px;font:inherit;border:1px solid #8c959f;border-radius:6px;background:#fff}
button.upload{background:#0b5cad;color:#fff}
button:disabled{opacity:.6;cursor:progress}
select:focus-visible,input:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
.accepted{color:#1a7f37;font-weight:600}
.rejected{color:#b42318;font-weight:600}
#upload-status{min-height:1.6em;margin-top:12px}
.reasons{margin:4px 0 0;padding-left:1.2em}
.notices{list-style:none;margin:0 0 16px;padding:0}
.notices li{border-left:4px solid #0b5cad;padding:4px 0 4px 12px;margin:0 0 14px}
.notices h3{margin:0 0 4px;font-size:1rem}
.notices time{color:#4a4f57;font-size:.9rem}
`;

function kindText(kind: UploadKind): string {
  return bilingual(UPLOAD_KIND_LABELS[kind]);
}

function dueSection(due: readonly NgoDueItem[]): SafeHtml {
  const heading = bilingualHeading('h2', { zh: '应提交材料', en: 'What is due' });
  if (due.length === 0)
    return html`${heading}${bilingualParagraphs({ zh: '目前没有待提交的材料。', en: 'Nothing is due now.' })}`;
  const rows = due.map(
    (d) => html`<tr><td>${kindText(d.kind)}</td><td class="num">${d.dueDate ?? '—'}</td><td class="pre">${
      d.description ?? ''
    }</td><td>${d.open ? '可上传 Open' : '暂不接收 Not open'}</td></tr>
`,
  );
  return html`${heading}<div class="table-wrap"><table>
<thead><tr><th>类别 Kind</th><th class="num">截止日期 Due</th><th>说明 Description</th><th>状态 Status</th></tr></thead>
<tbody>
${rows}</tbody>
</table></div>
`;
}

function receivedStatus(file: NgoReceivedFile): SafeHtml {
  if (file.status === 'ACCEPTED') return html`<span class="accepted">已接收 Accepted</span>`;
  const reasons = file.reasons.map(
    (r) => html`<li>${r.message.zh}<span class="en" lang="en">${r.message.en}</span></li>`,
  );
  return html`<span class="rejected">未接收 Rejected</span><ul class="reasons">${reasons}</ul>`;
}

function receivedSection(received: readonly NgoReceivedFile[]): SafeHtml {
  const heading = bilingualHeading('h2', { zh: '已收到的文件', en: 'Files received' });
  if (received.length === 0)
    return html`${heading}${bilingualParagraphs({ zh: '尚未收到任何文件。', en: 'No file has arrived yet.' })}`;
  const rows = received.map(
    (
      f,
    ) => html`<tr><td>${kindText(f.kind)}</td><td class="pre">${f.fileName}</td><td class="num">${formatBytes(
      f.size,
    )}</td><td class="num">${formatChinaTime(f.uploadedAt)}</td><td>${receivedStatus(f)}</td></tr>
`,
  );
  return html`${heading}<div class="table-wrap"><table>
<thead><tr><th>类别 Kind</th><th>文件名 File</th><th class="num">大小 Size</th><th class="num">时间 Time</th><th>结果 Result</th></tr></thead>
<tbody>
${rows}</tbody>
</table></div>
`;
}

function noticeItem(notice: NgoNotice): SafeHtml {
  const text = noticeText(notice);
  return html`<li><h3>${text.headline.zh} <span lang="en">${text.headline.en}</span></h3><time datetime="${notice.at}">${formatChinaTime(
    notice.at,
  )}</time>${bilingualParagraphs(text.meaning)}${text.facts.length > 0 ? factsTable(text.facts) : html``}</li>
`;
}

/** What the bureau decided, newest first: the reason of every return, extension and termination in its own words. */
function noticesSection(notices: readonly NgoNotice[]): SafeHtml {
  if (notices.length === 0) return html``;
  const items = [...notices].reverse().map(noticeItem);
  return html`${bilingualHeading('h2', { zh: '民政局通知', en: 'From the bureau' })}<ul class="notices">
${items}</ul>
`;
}

/** All the NGO's purchases, each a link to its own page: one link opens them all. */
function purchasesSection(purchases: readonly NgoPurchaseRow[]): SafeHtml {
  if (purchases.length < 2) return html``;
  const rows = purchases.map(
    (p) => html`<tr><td>${
      p.current
        ? html`<strong>${p.title}</strong> <span class="help">（本页 this page）</span>`
        : html`<a href="${p.link}">${p.title}</a>`
    }</td><td class="num">${p.purchaseId}</td><td class="num">${p.term.start} – ${p.term.end}</td><td>${bilingual(
      STAGE_LABELS[p.stage],
    )}</td></tr>
`,
  );
  return html`${bilingualHeading('h2', { zh: '贵机构的全部项目', en: 'All your purchases with the bureau' })}<div class="table-wrap"><table>
<thead><tr><th>项目 Purchase</th><th class="num">编号 Id</th><th class="num">服务期限 Term</th><th>阶段 Stage</th></tr></thead>
<tbody>
${rows}</tbody>
</table></div>
`;
}

function contractSection(contractUrl: string | undefined): SafeHtml {
  if (!contractUrl) return html``;
  return html`${bilingualHeading('h2', { zh: '合同文本', en: 'The contract' })}${bilingualParagraphs({
    zh: '请下载合同，签字盖章后扫描为 PDF，在下方以“已签署合同”上传。下载链接 15 分钟内有效，过期请刷新本页。',
    en: 'Download the contract, sign and stamp it, scan it to PDF and upload it below as “Signed contract”. The download link works for 15 minutes; reload this page for a new one.',
  })}<p><a href="${contractUrl}" rel="noopener noreferrer">下载合同 Download the contract</a></p>
`;
}

/** The file input's `accept`: the extensions and types of the formats the form takes. */
function acceptOf(fileTypes: readonly UploadableFileType[]): string {
  return fileTypes.flatMap((t) => [...t.extensions, t.contentType]).join(',');
}

function uploadForm(model: NgoPageModel): SafeHtml {
  const heading = bilingualHeading('h2', { zh: '上传文件', en: 'Upload a file' });
  if (model.closed) {
    return html`${heading}<div class="notice">${bilingualParagraphs({
      zh: `本项目已处于“${STAGE_LABELS[model.stage].zh}”阶段，不再接收上传。`,
      en: `This purchase is ${STAGE_LABELS[model.stage].en.toLowerCase()}; no more uploads are accepted.`,
    })}</div>
`;
  }
  if (model.openKinds.length === 0) {
    return html`${heading}${bilingualParagraphs({
      zh: '当前阶段没有需要上传的材料。需要时我们会通知您。',
      en: 'Nothing is to be uploaded at this stage. You will be told when something is.',
    })}`;
  }
  const options = model.openKinds.map((k) => html`<option value="${k}">${kindText(k)}</option>`);
  const limits = (model.limitNotices ?? []).map(
    (notice) => html`<div class="notice limit">${bilingualParagraphs(notice)}</div>
`,
  );
  const types = model.fileTypes.map((t) => t.label.zh).join('、');
  const typesEn = model.fileTypes.map((t) => t.label.en).join(', ');
  return html`<form id="upload-form" novalidate>
${heading}${limits}<label for="kind">材料类别 <span lang="en">Kind</span></label>
<select id="kind" name="kind" required>${options}</select>
<label for="file">文件 <span lang="en">File</span></label>
<input id="file" name="file" type="file" required accept="${acceptOf(model.fileTypes)}">
<p class="help">允许的类型：${types}；最大 ${formatBytes(model.maxBytes)}。</p>
<p class="help en" lang="en">Allowed: ${typesEn}; at most ${formatBytes(model.maxBytes)}.</p>
<div class="actions"><button type="submit" class="upload">上传 Upload</button></div>
<div id="upload-status" role="status" aria-live="polite"></div>
</form>
${uploadScript({
  formId: 'upload-form',
  statusId: 'upload-status',
  grantPath: '/uploads',
  fileTypes: model.fileTypes,
  maxBytes: model.maxBytes,
  nonce: model.nonce,
})}`;
}

export function ngoPage(model: NgoPageModel): NgoHtmlPage {
  const title: BilingualText = { zh: '项目材料提交', en: 'Deliverables of your purchase' };
  const facts: Fact[] = [
    ...proposalFacts(model.summary),
    { label: { zh: '当前阶段', en: 'Stage' }, value: bilingual(STAGE_LABELS[model.stage]) },
    expiryFact(model.linkExpiresAt),
  ];
  const body = html`<style>${trusted(CSS)}</style>
${bilingualHeading('h1', title)}${bilingualParagraphs({
  zh: '此页面链接仅供贵机构使用，请勿转发。文件直接上传至市民政局的存储，系统会按文件内容核验类型。',
  en: 'This link is for your organisation only; do not forward it. Files go straight to the bureau’s storage and are checked by their content.',
})}${factsTable(facts)}${noticesSection(model.notices)}${contractSection(model.contractUrl)}${dueSection(model.due)}${receivedSection(
  model.received,
)}${uploadForm(model)}${purchasesSection(model.purchases)}`;
  const page = renderPage(200, title, body);
  return { ...page, contentSecurityPolicy: uploadPageCsp(model.nonce, model.storageOrigin) };
}

import type { BilingualText } from '../../domain/bilingual.js';
import { html, oneLine, type SafeHtml, trusted } from '../html.js';
import type { Fact } from '../labels.js';

/** A rendered e-mail, ready for a Mailer. */
export interface MailContent {
  subject: string;
  html: string;
  text: string;
}

export interface MailAction {
  label: BilingualText;
  /** The one link of the e-mail. */
  href: string;
}

export interface MailLayout {
  /** Short bilingual tag before the subject line's title, e.g. 请审批 / Approval request. */
  subjectTag: BilingualText;
  subjectTitle: string;
  /** Each paragraph in Chinese, then the same in English below it. */
  intro: readonly BilingualText[];
  facts: readonly Fact[];
  action?: MailAction;
  notes: readonly BilingualText[];
}

export class UnsafeLinkError extends Error {
  override name = 'UnsafeLinkError';
}

function assertWebLink(href: string): void {
  // The only link in a mail comes from signTaskLink; anything else (javascript:, data:) is a bug.
  if (!/^https?:\/\/[^\s"'<>]+$/.test(href))
    throw new UnsafeLinkError('an e-mail link must be an http(s) URL');
}

const FONT = "-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Roboto,Arial,sans-serif";

function paragraphsHtml(items: readonly BilingualText[]): SafeHtml[] {
  return items.map(
    (p) => html`<p style="margin:0 0 4px">${p.zh}</p>
<p lang="en" style="margin:0 0 16px;color:#4a4f57">${p.en}</p>
`,
  );
}

/** A fact's value: a sentence in both languages shows Chinese first, English below. */
function factValueHtml(value: Fact['value']): SafeHtml | string {
  if (typeof value === 'string') return value;
  return html`${value.zh}<br><span lang="en" style="color:#4a4f57">${value.en}</span>`;
}

function factValueText(value: Fact['value']): string {
  return typeof value === 'string' ? oneLine(value) : `${oneLine(value.zh)} / ${oneLine(value.en)}`;
}

function factsHtml(facts: readonly Fact[]): SafeHtml {
  const rows = facts.map(
    (f) => html`<tr>
<th scope="row" style="text-align:left;vertical-align:top;padding:6px 12px 6px 0;font-weight:600;white-space:nowrap">${f.label.zh}<br><span lang="en" style="font-weight:400;color:#4a4f57">${f.label.en}</span></th>
<td style="vertical-align:top;padding:6px 0;word-break:break-word">${factValueHtml(f.value)}</td>
</tr>
`,
  );
  return html`<table role="presentation" style="border-collapse:collapse;width:100%;margin:8px 0 20px;border-top:1px solid #d8dce2">
${rows}</table>
`;
}

function renderHtml(layout: MailLayout, subject: string): string {
  const action = layout.action;
  const button =
    action &&
    html`<p style="margin:8px 0 24px"><a href="${action.href}" style="display:inline-block;background:#0b5cad;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600">${action.label.zh} · <span lang="en">${action.label.en}</span></a></p>
`;
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7">
<div style="max-width:640px;margin:0 auto;padding:24px 16px;background:#ffffff;font-family:${trusted(FONT)};font-size:15px;line-height:1.6;color:#1f2328">
${paragraphsHtml(layout.intro)}${factsHtml(layout.facts)}${button}<div style="font-size:13px;color:#4a4f57">
${paragraphsHtml(layout.notes)}</div>
</div>
</body>
</html>
`.value;
}

function renderText(layout: MailLayout): string {
  const lines: string[] = [];
  for (const p of layout.intro) lines.push(p.zh, p.en, '');
  for (const f of layout.facts) lines.push(`${f.label.zh} ${f.label.en}: ${factValueText(f.value)}`);
  lines.push('');
  if (layout.action)
    lines.push(`${layout.action.label.zh} ${layout.action.label.en}:`, layout.action.href, '');
  for (const p of layout.notes) lines.push(p.zh, p.en, '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Renders one bilingual e-mail: Chinese first, English below, in both the HTML and the text part. */
export function renderMail(layout: MailLayout): MailContent {
  if (layout.action) assertWebLink(layout.action.href);
  const subject = oneLine(`【${layout.subjectTag.zh} ${layout.subjectTag.en}】${layout.subjectTitle}`);
  return { subject, html: renderHtml(layout, subject), text: renderText(layout) };
}

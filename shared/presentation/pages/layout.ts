import type { BilingualText } from '../../domain/bilingual.js';
import { html, type SafeHtml, trusted } from '../html.js';
import type { Fact } from '../labels.js';

/**
 * The page shell of the link pages (GET/POST /tasks/{taskId}): one self-contained HTML
 * document with inline CSS, no scripts, no external assets, readable on a phone.
 */

/** Headers the handler sets on every link page; the CSP allows inline CSS and same-URL form posts only. */
export const PAGE_SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
} as const;

/** PAGE_SECURITY_HEADERS plus the content type of the pages. */
export const PAGE_HEADERS = {
  ...PAGE_SECURITY_HEADERS,
  'Content-Type': 'text/html; charset=utf-8',
} as const;

/** A rendered page and the HTTP status it is served with. */
export interface HtmlPage {
  statusCode: number;
  html: string;
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f4f5f7;color:#1f2328;font:16px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",Roboto,Arial,sans-serif}
main{max-width:760px;margin:0 auto;padding:20px 16px 40px;background:#fff;min-height:100vh}
h1{font-size:1.45rem;line-height:1.35;margin:0 0 16px}
h2{font-size:1.15rem;margin:28px 0 8px;padding-top:12px;border-top:1px solid #d8dce2}
.en{display:block;color:#4a4f57;font-weight:400;font-size:.92em}
p{margin:0 0 4px}
p.en{margin-bottom:14px}
.table-wrap{overflow-x:auto;margin:4px 0 8px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:8px 10px 8px 0;border-bottom:1px solid #e6e8eb}
thead th{font-size:.9rem;border-bottom:2px solid #c7ccd3}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tfoot td,tfoot th{font-weight:600;border-bottom:none}
.facts th{width:38%;font-weight:600}
.facts td{white-space:pre-wrap;word-break:break-word}
.pre{white-space:pre-wrap;word-break:break-word}
.notice{background:#fff8e1;border-left:4px solid #b7791f;padding:10px 12px;margin:12px 0}
.status{border-left:4px solid #0b5cad;padding:4px 12px;margin:8px 0 16px}
form{margin-top:24px;padding-top:12px;border-top:2px solid #c7ccd3}
label{display:block;font-weight:600;margin:0 0 4px}
.help{font-size:.92rem;color:#4a4f57}
textarea{display:block;width:100%;min-height:7em;margin:8px 0 16px;padding:10px;font:inherit;border:1px solid #8c959f;border-radius:6px}
.actions{display:flex;flex-wrap:wrap;gap:12px}
button{flex:1 1 12em;min-height:48px;padding:10px 18px;font:inherit;font-weight:600;border-radius:6px;border:2px solid transparent;cursor:pointer}
button.approve{background:#1a7f37;color:#fff}
button.reject{background:#fff;color:#b42318;border-color:#b42318}
button:focus-visible,textarea:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
`;

/** A heading in Chinese with the English on its own line below. */
export function bilingualHeading(level: 'h1' | 'h2', text: BilingualText): SafeHtml {
  return level === 'h1'
    ? html`<h1>${text.zh}<span class="en" lang="en">${text.en}</span></h1>`
    : html`<h2>${text.zh}<span class="en" lang="en">${text.en}</span></h2>`;
}

/** Each text as a Chinese paragraph followed by its English paragraph. */
export function bilingualParagraphs(...texts: readonly BilingualText[]): SafeHtml[] {
  return texts.map(
    (t) => html`<p>${t.zh}</p>
<p class="en" lang="en">${t.en}</p>
`,
  );
}

/** A column heading of a table, Chinese with the English below; numeric columns align right. */
export function headCell(text: BilingualText, numeric = false): SafeHtml {
  return html`<th scope="col"${numeric ? html` class="num"` : ''}>${text.zh}<span class="en" lang="en">${text.en}</span></th>`;
}

/** A fact's value: a sentence in both languages shows Chinese first, English below. */
function factValue(value: Fact['value']): SafeHtml | string {
  if (typeof value === 'string') return value;
  return html`${value.zh}<span class="en" lang="en">${value.en}</span>`;
}

export function factsTable(facts: readonly Fact[]): SafeHtml {
  const rows = facts.map(
    (
      f,
    ) => html`<tr><th scope="row">${f.label.zh}<span class="en" lang="en">${f.label.en}</span></th><td>${factValue(f.value)}</td></tr>
`,
  );
  return html`<div class="table-wrap"><table class="facts">
<tbody>
${rows}</tbody>
</table></div>
`;
}

export function renderPage(statusCode: number, title: BilingualText, body: SafeHtml): HtmlPage {
  const document = html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title.zh} · ${title.en}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<main>
${body}</main>
</body>
</html>
`;
  return { statusCode, html: document.value };
}

import { describe, expect, it } from 'vitest';
import { escapeHtml, html, oneLine, trusted } from '../../../shared/presentation/html.js';
import { formatChinaTime, InvalidTimestampError } from '../../../shared/presentation/labels.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('leaves Chinese text and ordinary punctuation alone', () => {
    expect(escapeHtml('厦门市民政局（采购）— ¥1,000.00')).toBe('厦门市民政局（采购）— ¥1,000.00');
  });
});

describe('html template tag', () => {
  it('escapes interpolated strings and numbers but not markup it built itself', () => {
    const inner = html`<b>${'<i>'}</b>`;

    expect(html`<p>${inner}${' & '}${42}</p>`.value).toBe('<p><b>&lt;i&gt;</b> &amp; 42</p>');
  });

  it('joins arrays and renders false, null and undefined as nothing', () => {
    const items = ['<x>', html`<y>`];

    expect(html`${items}|${false}|${null}|${undefined}|${trusted('<br>')}`.value).toBe(
      '&lt;x&gt;<y>||||<br>',
    );
  });
});

describe('oneLine', () => {
  it('turns line breaks and tabs into single spaces', () => {
    expect(oneLine(' a\r\nb\tc\n')).toBe('a b c');
  });
});

describe('formatChinaTime', () => {
  it('shows an instant in Beijing time, crossing midnight correctly', () => {
    expect(formatChinaTime('2026-12-31T16:30:00.000Z')).toBe('2027-01-01 00:30 (UTC+8)');
    expect(formatChinaTime('2026-03-04T17:00:00+08:00')).toBe('2026-03-04 17:00 (UTC+8)');
  });

  it('refuses something that is not a timestamp', () => {
    expect(() => formatChinaTime('next Tuesday')).toThrow(InvalidTimestampError);
  });
});

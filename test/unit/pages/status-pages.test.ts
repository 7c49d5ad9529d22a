import { describe, expect, it } from 'vitest';
import { PAGE_HEADERS, PAGE_SECURITY_HEADERS } from '../../../shared/presentation/pages/layout.js';
import {
  BAD_REQUEST_MESSAGES,
  badRequestPage,
  errorPage,
  expiredPage,
  forbiddenPage,
  notFoundPage,
} from '../../../shared/presentation/pages/status-pages.js';

describe('status pages', () => {
  it.each([
    ['expiredPage', expiredPage, 410, '此链接已失效', 'This link is no longer valid'],
    ['notFoundPage', notFoundPage, 404, '找不到此页面', 'Page not found'],
    ['forbiddenPage', forbiddenPage, 403, '无法验证此链接', 'This link could not be verified'],
    ['errorPage', errorPage, 500, '系统暂时出错', 'Something went wrong on our side'],
  ] as const)('%s answers %i with a Chinese-first explanation', (_name, render, status, zh, en) => {
    const { statusCode, html } = render();

    expect(statusCode).toBe(status);
    expect(html.indexOf(zh)).toBeGreaterThan(0);
    expect(html.indexOf(en)).toBeGreaterThan(html.indexOf(zh));
  });

  it.each([
    ['expiredPage', expiredPage],
    ['notFoundPage', notFoundPage],
    ['forbiddenPage', forbiddenPage],
  ] as const)('%s takes nothing from the request and so echoes no task id, link or form', (_name, render) => {
    // No parameters at all: there is nothing a caller could pass through by mistake.
    expect(render.length).toBe(0);
    const { html } = render();

    expect(render().html).toBe(html);
    expect(html).not.toMatch(/tasks\/|sig=|nonce/i);
    expect(html).not.toMatch(/<a\b|<form\b|<script\b/i);
  });

  it('the expired page covers both an expired link and one replaced by an escalation', () => {
    const { html } = expiredPage();

    expect(html).toContain('已过有效期');
    expect(html).toContain('转交他人');
    expect(html).toContain('passed on to someone else');
  });
});

describe('badRequestPage', () => {
  it('answers 400 with the bilingual reason and says nothing was recorded', () => {
    const { statusCode, html } = badRequestPage(BAD_REQUEST_MESSAGES.COMMENT_REQUIRED);

    expect(statusCode).toBe(400);
    expect(html).toContain('驳回时必须填写理由');
    expect(html).toContain('A reason is required when rejecting');
    expect(html).toContain('未记录任何决定');
    expect(html).toContain('Nothing was recorded');
  });

  it('names the 1000-character limit of a comment', () => {
    expect(badRequestPage(BAD_REQUEST_MESSAGES.COMMENT_TOO_LONG).html).toContain('at most 1000 characters');
  });

  it('escapes a free-text message', () => {
    const { html } = badRequestPage('<script>alert(1)</script> & "quotes"');

    expect(html).not.toMatch(/<script\b/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
  });
});

describe('PAGE_SECURITY_HEADERS', () => {
  it('forbids scripts, framing, foreign form targets, sniffing, referrers and caching', () => {
    expect(PAGE_SECURITY_HEADERS).toEqual({
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
    });
    expect(PAGE_HEADERS['Content-Type']).toBe('text/html; charset=utf-8');
    expect(PAGE_HEADERS['Content-Security-Policy']).toBe(PAGE_SECURITY_HEADERS['Content-Security-Policy']);
  });
});

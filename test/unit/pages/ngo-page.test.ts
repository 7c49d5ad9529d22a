import { describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { uploadableFileTypes } from '../../../shared/domain/file-types.js';
import { summarizeProposal } from '../../../shared/presentation/labels.js';
import { type NgoPageModel, ngoPage } from '../../../shared/presentation/pages/ngo-page.js';
import { uploadPageCsp } from '../../../shared/presentation/pages/upload-script.js';

const NONCE = 'bm9uY2Utb2YtdGhpcy1wYWdl';
const STORAGE = 'https://documents.s3.cn-north-1.amazonaws.com.cn';

function model(overrides: Partial<NgoPageModel> = {}): NgoPageModel {
  return {
    summary: summarizeProposal('PUR-2026-ABCDEFGHJKMNPQRS', largeElderlyCareProposal()),
    stage: 'MIDTERM_REVIEW',
    closed: false,
    due: [{ kind: 'MIDTERM_REPORT', dueDate: '2026-06-30', description: 'Mid-term report', open: true }],
    received: [],
    notices: [],
    purchases: [],
    openKinds: ['MIDTERM_REPORT', 'EVIDENCE'],
    fileTypes: uploadableFileTypes({ allowMacroDocuments: false }),
    maxBytes: 26_214_400,
    linkExpiresAt: '2026-04-01T08:00:00.000Z',
    storageOrigin: STORAGE,
    nonce: NONCE,
    ...overrides,
  };
}

describe('ngoPage', () => {
  it('escapes what people wrote: file names, descriptions, refusal reasons, the title', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const proposal = { ...largeElderlyCareProposal(), title: `Care ${evil}` };
    const page = ngoPage(
      model({
        summary: summarizeProposal('PUR-2026-ABCDEFGHJKMNPQRS', proposal),
        due: [{ kind: 'EVIDENCE', description: evil, open: true }],
        received: [
          {
            kind: 'EVIDENCE',
            fileName: `${evil}.pdf`,
            size: 2048,
            uploadedAt: '2026-03-02T09:00:00.000Z',
            status: 'REJECTED',
            reasons: [{ rule: 'file-type-not-allowed', message: { zh: evil, en: `"${evil}"` } }],
          },
        ],
      }),
    );

    expect(page.html).not.toContain('<img');
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.html).toContain('&quot;&lt;img');
  });

  it("shows the bureau's notices newest first, each reviewer's comment escaped in its own words", () => {
    const evil = '<img src=x onerror=alert(1)>';
    const page = ngoPage(
      model({
        notices: [
          { id: 'approved', at: '2026-03-01T02:00:00.000Z', kind: 'APPROVED' },
          {
            id: 'rectify:MIDTERM_REVIEW:1',
            at: '2026-07-01T02:00:00.000Z',
            kind: 'RETURNED',
            upload: 'MIDTERM_REPORT',
            decision: 'RECTIFY',
            round: 1,
            comment: `补充签到表 ${evil}`,
          },
        ],
      }),
    );

    const rectify = page.html.indexOf('中期报告需整改后重新提交');
    const approved = page.html.indexOf('项目已获批准');
    expect(page.html).toContain('民政局通知');
    expect(rectify).toBeGreaterThan(0);
    expect(approved).toBeGreaterThan(rectify);
    expect(page.html).toContain('补充签到表 &lt;img src=x onerror=alert(1)&gt;');
    expect(page.html).toContain('2026-07-01 10:00');
  });

  it("links each of the NGO's other purchases to its own page and marks this one", () => {
    const row = (purchaseId: string, title: string, current: boolean) => ({
      purchaseId,
      title,
      stage: 'CONTRACTING' as const,
      term: { start: '2026-01-01', end: '2026-12-31' },
      current,
      link: `${purchaseId}?exp=1&sig=k.m`,
    });
    const page = ngoPage(
      model({
        purchases: [
          row('PUR-2026-OTHERAAAAAAAAAAA', '社区助餐 <b>', false),
          row('PUR-2026-ABCDEFGHJKMNPQRS', '居家养老', true),
        ],
      }),
    );

    expect(page.html).toContain('All your purchases with the bureau');
    expect(page.html).toContain(
      '<a href="PUR-2026-OTHERAAAAAAAAAAA?exp=1&amp;sig=k.m">社区助餐 &lt;b&gt;</a>',
    );
    expect(page.html).not.toContain('href="PUR-2026-ABCDEFGHJKMNPQRS');
    expect(page.html).toContain('this page');
  });

  it('lists no purchases when the NGO has only this one', () => {
    expect(ngoPage(model()).html).not.toContain('All your purchases');
  });

  it('has no notices section before the bureau has decided anything', () => {
    expect(ngoPage(model()).html).not.toContain('民政局通知');
  });

  it('runs its one script under this response’s nonce, and the CSP allows only that script, self and the bucket', () => {
    const page = ngoPage(model());

    expect(page.html.match(/<script/g)).toHaveLength(1);
    expect(page.html).toContain(`<script nonce="${NONCE}">`);
    expect(page.contentSecurityPolicy).toBe(
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${NONCE}'; connect-src 'self' ${STORAGE}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
  });

  it('offers only the open kinds, accepts the allowed types and has a live status region', () => {
    const page = ngoPage(model());

    expect(page.html).toContain('<option value="MIDTERM_REPORT">');
    expect(page.html).toContain('<option value="EVIDENCE">');
    expect(page.html).not.toContain('<option value="SIGNED_CONTRACT">');
    expect(page.html).toMatch(
      /<input id="file" name="file" type="file" required accept="\.pdf,application\/pdf,/,
    );
    expect(page.html).toContain('aria-live="polite"');
    expect(page.html).toContain('25.0 MB');
  });

  it('offers macro-enabled documents only when the upload settings allow them', () => {
    const plain = ngoPage(model()).html;
    const withMacros = ngoPage(model({ fileTypes: uploadableFileTypes({ allowMacroDocuments: true }) })).html;

    expect(plain).not.toContain('.docm');
    expect(plain).not.toContain('macroEnabled');
    expect(withMacros).toMatch(/accept="[^"]*\.docm,application\/vnd\.ms-word\.document\.macroEnabled\.12/);
    expect(withMacros).toContain('"application/vnd.ms-excel.sheet.macroEnabled.12"');
    expect(withMacros).toContain('启用宏的 Word 文档');
  });

  it('posts the file as the last form field, to the uploads route of the same link', () => {
    const page = ngoPage(model());
    const script = page.html.slice(page.html.indexOf('<script'), page.html.indexOf('</script>'));

    expect(script).toContain('"/uploads"+location.search');
    expect(script.indexOf("data.append('file',file)")).toBeGreaterThan(script.indexOf('Object.keys(fields)'));
    // The kind chosen in the select goes with the grant request.
    expect(script).toContain("querySelectorAll('input[type=hidden],select')");
    expect(script).toContain('location.assign(location.href)');
  });

  it('lists an accepted file with its size and China time', () => {
    const page = ngoPage(
      model({
        received: [
          {
            kind: 'MIDTERM_REPORT',
            fileName: '中期报告.pdf',
            size: 1_572_864,
            uploadedAt: '2026-03-02T09:00:00.000Z',
            status: 'ACCEPTED',
            reasons: [],
          },
        ],
      }),
    );
    expect(page.html).toContain('中期报告.pdf');
    expect(page.html).toContain('1.5 MB');
    expect(page.html).toContain('2026-03-02 17:00 (UTC+8)');
    expect(page.html).toContain('已接收 Accepted');
  });
});

describe('uploadPageCsp (the NGO page and the evaluation page)', () => {
  it('leaves a storage origin out when it is not an http(s) origin, and keeps only the origin of a URL', () => {
    expect(uploadPageCsp(NONCE, "javascript:alert(1) 'unsafe-eval'")).toContain("connect-src 'self';");
    expect(uploadPageCsp(NONCE, 'http://127.0.0.1:8086/documents')).toContain(
      "connect-src 'self' http://127.0.0.1:8086;",
    );
  });

  it('refuses a nonce that could break out of the header', () => {
    expect(() => uploadPageCsp("abc'; script-src *", STORAGE)).toThrow();
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../infra/local/samples/files.js';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import type { UploadFile } from '../../infra/local/users.js';
import { compoundFile, docm, MSI_CLSID } from '../support/file-fixtures.js';
import { approvedPurchase, type JourneyContext } from '../support/journey.js';
import { useJourneyApp } from '../support/journey-app.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { recordCase } from './case.js';

/**
 * Issue 12 Medium 2: files that are not what their name and declared type say. The NGO's link is
 * all the attacker holds: the grants are asked for and the bytes posted over HTTP and S3 only, and
 * what the product made of them is read back from its API and the download links it hands out.
 */

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const journeyApp = useJourneyApp({ sub: 'officer-li', email: 'li.officer@civil-affairs.example.gov.cn' });
let app: LocalAppUnderTest;
let journey: JourneyContext;
beforeAll(() => {
  ({ app, journey } = journeyApp());
});

/** Asks for a grant as the NGO page's script does and, when one is given, posts the file with it. */
async function upload(ngoPage: string, file: UploadFile): Promise<{ status: number; rules: string[] }> {
  const { status, grant } = await app.users.requestUploadGrant(ngoPage, file);
  if (status !== 200) {
    const refusal = grant as unknown as { errors?: { rule: string }[] };
    return { status, rules: (refusal.errors ?? []).map((e) => e.rule) };
  }
  expect(await app.users.postUpload(grant, file)).toBeLessThan(300);
  return { status, rules: [] };
}

/** The headers a presigned download answers with (the body is read and dropped). */
async function downloadHeaders(url: string): Promise<{ disposition: string; type: string }> {
  const answer = await fetch(url);
  await answer.arrayBuffer();
  expect(answer.status).toBe(200);
  return {
    disposition: answer.headers.get('content-disposition') ?? '(none)',
    type: answer.headers.get('content-type') ?? '(none)',
  };
}

describe('12 Medium 2: file types', () => {
  it('refuses an installer declared as Word, a macro document renamed .docx and a PDF named .docx, and serves every download as an attachment of the recorded type', async (context) => {
    const { purchaseId, ngoPage } = await approvedPurchase(journey, smallMinorProtectionProposalToday());
    const signedContract = (name: string, type: string, bytes: Uint8Array): UploadFile => ({
      kind: 'SIGNED_CONTRACT',
      name,
      type,
      bytes,
    });

    // (a) An MSI installer (with a WordDocument stream for good measure) as x.doc, declared as Word.
    const installer = compoundFile({
      names: ['\u4840\u3f3f\u4577\u446c', 'WordDocument'],
      rootClsid: MSI_CLSID,
    });
    expect(await upload(ngoPage, signedContract('x.doc', 'application/msword', installer))).toEqual({
      status: 200,
      rules: [],
    });
    // (b) A macro-enabled .docm (its VBA project inside) renamed report.docx and declared as a .docx.
    expect(await upload(ngoPage, signedContract('report.docx', DOCX, docm({ deflated: true })))).toEqual({
      status: 200,
      rules: [],
    });
    // (c) A PDF named report.docx, declared as the PDF it is.
    const pdfAsDocx = await upload(
      ngoPage,
      signedContract('report.docx', 'application/pdf', samplePdf('terms')),
    );
    expect(pdfAsDocx).toEqual({ status: 400, rules: ['extension-mismatch'] });

    const judged = await app.users.waitForPurchase(
      journey.officer,
      purchaseId,
      (v) => (v.deliverables ?? []).length === 2,
      { expected: 'the installer and the macro document judged' },
    );
    const byName = (name: string) => judged.deliverables?.find((d) => d.fileName === name);
    const rulesOf = (name: string) => byName(name)?.reasons.map((r) => r.rule) ?? [];
    expect(byName('x.doc')?.status).toBe('REJECTED');
    expect(rulesOf('x.doc')).toContain('file-type-not-allowed');
    expect(byName('x.doc')?.reasons[0]?.message.en).toContain('Windows installer package (MSI)');
    expect(byName('report.docx')?.status).toBe('REJECTED');
    expect(rulesOf('report.docx')).toEqual([
      'macros-not-allowed',
      'content-type-mismatch',
      'extension-mismatch',
    ]);

    // (d) An honest PDF is accepted; its staff download and the NGO's contract link are attachments
    // with the recorded type, whatever the bytes would make a browser render.
    const clean = signedContract('signed.pdf', 'application/pdf', samplePdf('signed'));
    expect(await upload(ngoPage, clean)).toEqual({ status: 200, rules: [] });
    const accepted = await app.users.waitForPurchase(
      journey.officer,
      purchaseId,
      (v) => (v.deliverables ?? []).some((d) => d.fileName === 'signed.pdf' && d.status === 'ACCEPTED'),
      { expected: 'the signed contract accepted' },
    );
    const signed = accepted.deliverables?.find((d) => d.fileName === 'signed.pdf');
    const link = await fetch(
      `${app.runtime.urls.api}/purchases/${purchaseId}/documents/${signed?.uploadId}`,
      {
        headers: { authorization: `Bearer ${journey.officer}` },
      },
    );
    const staffDownload = await downloadHeaders(((await link.json()) as { url: string }).url);
    expect(staffDownload).toEqual({
      disposition: `attachment; filename="signed.pdf"; filename*=UTF-8''signed.pdf`,
      type: 'application/pdf',
    });
    const page = await (await fetch(ngoPage)).text();
    const contractHref = /<a href="([^"]+)"[^>]*>下载合同/.exec(page)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const contractDownload = await downloadHeaders(contractHref);
    expect(contractDownload).toEqual({
      disposition: `attachment; filename="contract-${purchaseId}.html"; filename*=UTF-8''contract-${purchaseId}.html`,
      type: 'text/html; charset=utf-8',
    });

    recordCase(context, {
      case: '12-2 File types: installer, macro document and PDF under Office names',
      attempts: 4,
      expected:
        'MSI as x.doc, .docm as .docx and PDF as .docx refused; downloads are attachments of the recorded type',
      observed: `x.doc ${byName('x.doc')?.status} (${rulesOf('x.doc').join(', ')}); report.docx ${byName('report.docx')?.status} (${rulesOf('report.docx').join(', ')}); PDF as report.docx: grant ${pdfAsDocx.status} ${pdfAsDocx.rules.join(', ')}; signed.pdf ${signed?.status}, download "${staffDownload.disposition.split(';')[0]}" ${staffDownload.type}; contract "${contractDownload.disposition.split(';')[0]}" ${contractDownload.type}`,
    });
  }, 120_000);
});

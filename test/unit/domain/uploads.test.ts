import { describe, expect, it } from 'vitest';
import {
  agencyUploadId,
  grantedAgencyOf,
  InvalidUploadKeyError,
  parseUploadKey,
  sanitizeFileName,
  uploadKey,
  uploadKeyPrefix,
} from '../../../shared/domain/uploads.js';

const PURCHASE = 'PUR-2026-7K2M9QXWAB3CDEFG';
const UPLOAD_ID = 'u_01J8ZK3QF7R2';

describe('upload keys', () => {
  it('puts each kind of upload for a purchase under its own prefix', () => {
    expect(uploadKeyPrefix(PURCHASE, 'SIGNED_CONTRACT')).toBe(`uploads/${PURCHASE}/SIGNED_CONTRACT/`);
    expect(uploadKey(PURCHASE, 'MIDTERM_REPORT', UPLOAD_ID, '中期报告.pdf')).toBe(
      `uploads/${PURCHASE}/MIDTERM_REPORT/${UPLOAD_ID}/中期报告.pdf`,
    );
  });

  it('parses the keys it makes back into their parts', () => {
    const key = uploadKey(PURCHASE, 'EVIDENCE', UPLOAD_ID, '服务记录 (9月).xlsx');
    expect(parseUploadKey(key)).toEqual({
      purchaseId: PURCHASE,
      kind: 'EVIDENCE',
      uploadId: UPLOAD_ID,
      fileName: '服务记录_9月.xlsx',
    });
  });

  it('refuses to parse any key outside the scheme', () => {
    const outside = [
      `uploads/${PURCHASE}/MIDTERM_REPORT/report.pdf`,
      `uploads/${PURCHASE}/INVOICE/${UPLOAD_ID}/a.pdf`,
      `public/${PURCHASE}/EVIDENCE/${UPLOAD_ID}/a.pdf`,
      `uploads/${PURCHASE}/EVIDENCE/${UPLOAD_ID}/../a.pdf`,
      `uploads/${PURCHASE}/EVIDENCE/${UPLOAD_ID}/..`,
      `uploads/${PURCHASE}/EVIDENCE/${UPLOAD_ID}/a b.pdf`,
      `uploads/${PURCHASE}/EVIDENCE/short/a.pdf`,
      `uploads/../EVIDENCE/${UPLOAD_ID}/a.pdf`,
      `uploads/${PURCHASE}/EVIDENCE/${UPLOAD_ID}/`,
      `/uploads/${PURCHASE}/EVIDENCE/${UPLOAD_ID}/a.pdf`,
    ];
    for (const key of outside) expect(parseUploadKey(key), key).toBeUndefined();
  });

  it('refuses to build a key from a purchase id or upload id that could leave the prefix', () => {
    expect(() => uploadKeyPrefix('PUR-1/../PUR-2', 'EVIDENCE')).toThrow(InvalidUploadKeyError);
    expect(() => uploadKey(PURCHASE, 'EVIDENCE', '../../x', 'a.pdf')).toThrow(InvalidUploadKeyError);
  });
});

describe("a report's upload id", () => {
  const random = 'QWdlbmN5UmVwb3J0MDAwMD';

  it('names the agency its grant was for, and reads back as that agency', () => {
    const id = agencyUploadId('jiahe-eval', random);
    expect(id).toBe(`jiahe-eval_${random}`);
    expect(grantedAgencyOf(id)).toBe('jiahe-eval');
    expect(parseUploadKey(uploadKey(PURCHASE, 'EVALUATION_REPORT', id, 'r.pdf'))?.uploadId).toBe(id);
  });

  it('names no agency for an id from before (22 random characters, `_` among them or not)', () => {
    expect(grantedAgencyOf(random)).toBeUndefined();
    expect(grantedAgencyOf('ab_WdlbmN5UmVwb3J0MDAw')).toBeUndefined();
    expect(grantedAgencyOf(`NOT_AN_AGENCY_${random}`)).toBeUndefined();
  });

  it('refuses an agency id off the roster pattern, or a random part of another length', () => {
    expect(() => agencyUploadId('Jiahe_Eval', random)).toThrow(InvalidUploadKeyError);
    expect(() => agencyUploadId('jiahe-eval', 'short')).toThrow(InvalidUploadKeyError);
  });
});

describe('sanitizeFileName', () => {
  it('keeps Chinese names, digits, dots, dashes and underscores', () => {
    expect(sanitizeFileName('2026年中期报告-终稿_v2.docx')).toBe('2026年中期报告-终稿_v2.docx');
    expect(sanitizeFileName('服务对象满意度回访表（第3季度）.xlsx')).toBe(
      '服务对象满意度回访表_第3季度.xlsx',
    );
  });

  it('never lets a path through: only the last segment survives, never "/" or ".."', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\fakepath\\合同.pdf')).toBe('合同.pdf');
    expect(sanitizeFileName('report..pdf')).toBe('report.pdf');
    expect(sanitizeFileName('a._.b')).toBe('a.b');
    expect(sanitizeFileName('..')).toBe('file');
    expect(sanitizeFileName('.htaccess')).toBe('htaccess');
    for (const name of ['../../etc/passwd', 'a/../b', '..\\..\\x', '....//....//y', '%2e%2e%2fz']) {
      const clean = sanitizeFileName(name);
      expect(clean).not.toContain('/');
      expect(clean).not.toContain('..');
    }
  });

  it('replaces spaces, controls and punctuation with one underscore', () => {
    expect(sanitizeFileName('photo 1 (copy)\u0000.jpg')).toBe('photo_1_copy.jpg');
    expect(sanitizeFileName('a<script>b.png')).toBe('a_script_b.png');
  });

  it('shortens long names to 100 characters, keeping the extension', () => {
    const clean = sanitizeFileName(`${'居家养老'.repeat(40)}.pdf`);
    expect(Array.from(clean)).toHaveLength(100);
    expect(clean.endsWith('.pdf')).toBe(true);
  });

  it('is stable: a sanitised name sanitises to itself', () => {
    for (const name of [
      '中期报告 (终稿).pdf',
      `${'x'.repeat(150)}.docx`,
      'a..b',
      ' ',
      'évidence photo.JPG',
    ]) {
      const once = sanitizeFileName(name);
      expect(sanitizeFileName(once)).toBe(once);
    }
  });
});

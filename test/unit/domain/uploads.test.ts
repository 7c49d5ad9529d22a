import { describe, expect, it } from 'vitest';
import {
  ALLOWED_CONTENT_TYPES,
  checkUploadedObject,
  detectFileType,
  InvalidUploadKeyError,
  parseUploadKey,
  sanitizeFileName,
  uploadKey,
  uploadKeyPrefix,
} from '../../../shared/domain/uploads.js';

const encoder = new TextEncoder();

function bytes(...parts: (string | number[])[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? Array.from(encoder.encode(p)) : p));
  return Uint8Array.from(chunks.flat());
}

function le16(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff];
}

function le32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}

/** A zip of stored entries; `streamed` sets the data-descriptor flag and leaves the sizes 0, as streaming writers do. */
function zip(entries: [name: string, content: string][], streamed = false): Uint8Array {
  const parts: number[] = [];
  for (const [name, content] of entries) {
    const nameBytes = Array.from(encoder.encode(name));
    const data = Array.from(encoder.encode(content));
    const size = streamed ? 0 : data.length;
    parts.push(
      ...[0x50, 0x4b, 0x03, 0x04],
      ...le16(20), // version needed
      ...le16(streamed ? 0x0008 : 0), // flags
      ...le16(0), // stored
      ...le16(0),
      ...le16(0), // time, date
      ...le32(0), // crc-32 (not checked by detection)
      ...le32(size),
      ...le32(size),
      ...le16(nameBytes.length),
      ...le16(0), // extra length
      ...nameBytes,
      ...data,
    );
  }
  parts.push(0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)); // end of central directory
  return Uint8Array.from(parts);
}

const CONTENT_TYPES = ['[Content_Types].xml', '<?xml version="1.0"?><Types/>'] as [string, string];
const RELS = ['_rels/.rels', '<?xml version="1.0"?><Relationships/>'] as [string, string];

const PDF = bytes(
  '%PDF-1.7\n',
  [0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a],
  '1 0 obj\n<< /Type /Catalog >>\nendobj\n',
);
/** The start of a Windows PE program: 'MZ', the DOS header and its stub message. */
const EXE = bytes(
  'MZ',
  [0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00],
  'This program cannot be run in DOS mode.',
);
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR');
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0]);
const DOCX = zip([CONTENT_TYPES, RELS, ['word/document.xml', '<w:document/>']]);
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function utf16le(text: string): number[] {
  return Array.from(text).flatMap((c) => [c.charCodeAt(0), 0]);
}

const PURCHASE = 'PUR-2026-7K2M9QXWAB3CDEFG';
const UPLOAD_ID = 'u_01J8ZK3QF7R2';
const MAX = 26_214_400;

describe('detectFileType', () => {
  it('recognises PDF, PNG and JPEG by their signatures', () => {
    expect(detectFileType(PDF)).toMatchObject({
      format: 'PDF',
      allowed: true,
      contentTypes: ['application/pdf'],
    });
    expect(detectFileType(PNG)).toMatchObject({ format: 'PNG', allowed: true, contentTypes: ['image/png'] });
    expect(detectFileType(JPEG)).toMatchObject({
      format: 'JPEG',
      allowed: true,
      contentTypes: ['image/jpeg'],
    });
  });

  it('recognises a Windows executable by its MZ header and refuses it', () => {
    expect(detectFileType(EXE)).toMatchObject({ format: 'EXECUTABLE', allowed: false });
    expect(detectFileType(EXE)?.label.en).toBe('Windows executable program');
  });

  it('tells Word, Excel and PowerPoint apart by the parts of the zip', () => {
    expect(detectFileType(DOCX)).toMatchObject({
      format: 'DOCX',
      allowed: true,
      contentTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    });
    expect(detectFileType(zip([CONTENT_TYPES, ['xl/workbook.xml', '<workbook/>']]))?.format).toBe('XLSX');
    expect(detectFileType(zip([CONTENT_TYPES, ['ppt/presentation.xml', '<p/>']]))?.format).toBe('PPTX');
  });

  it('finds the parts of a streamed zip whose headers carry no sizes, in any order', () => {
    const streamed = zip([['word/document.xml', '<w:document/>'], RELS, CONTENT_TYPES], true);
    expect(detectFileType(streamed)?.format).toBe('DOCX');
  });

  it('treats a zip without [Content_Types].xml, or without an Office part, as a plain zip and refuses it', () => {
    const plain = detectFileType(
      zip([
        ['word/document.xml', '<w:document/>'],
        ['notes.txt', 'hello'],
      ]),
    );
    expect(plain).toMatchObject({ format: 'ZIP', allowed: false });
    expect(detectFileType(zip([CONTENT_TYPES, ['docs/readme.xml', '<r/>']]))).toMatchObject({
      format: 'ZIP',
    });
  });

  it('recognises legacy Office compound files and names the application when its stream is visible', () => {
    const doc = bytes(OLE, new Array(504).fill(0), utf16le('Root Entry'), utf16le('WordDocument'));
    expect(detectFileType(doc)).toMatchObject({ format: 'DOC', contentTypes: ['application/msword'] });
    const xls = bytes(OLE, new Array(504).fill(0), utf16le('Workbook'));
    expect(detectFileType(xls)?.format).toBe('XLS');
    const unknown = detectFileType(bytes(OLE, new Array(504).fill(0)));
    expect(unknown).toMatchObject({ format: 'LEGACY_OFFICE', allowed: true });
    expect(unknown?.contentTypes).toEqual([
      'application/msword',
      'application/vnd.ms-excel',
      'application/vnd.ms-powerpoint',
    ]);
  });

  it('recognises nothing in plain text, an empty file or a truncated signature', () => {
    expect(detectFileType(bytes('<html><script>alert(1)</script>'))).toBeUndefined();
    expect(detectFileType(new Uint8Array())).toBeUndefined();
    expect(detectFileType(bytes('%PD'))).toBeUndefined();
    expect(detectFileType(bytes([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
  });

  it('offers only the allowed types for presigned POST conditions', () => {
    expect(ALLOWED_CONTENT_TYPES).toHaveLength(9);
    expect(ALLOWED_CONTENT_TYPES).toContain('application/pdf');
    expect(ALLOWED_CONTENT_TYPES).not.toContain('application/zip');
  });
});

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

describe('checkUploadedObject', () => {
  const key = uploadKey(PURCHASE, 'SIGNED_CONTRACT', UPLOAD_ID, 'contract.pdf');

  it('keeps a PDF declared as a PDF', () => {
    const refusals = checkUploadedObject({
      key,
      size: 180_000,
      detected: detectFileType(PDF),
      declaredContentType: 'application/pdf',
      maxBytes: MAX,
    });
    expect(refusals).toEqual([]);
  });

  it('refuses a .exe renamed .pdf and declared as a PDF, saying what its bytes are', () => {
    const refusals = checkUploadedObject({
      key,
      size: 94_208,
      detected: detectFileType(EXE),
      declaredContentType: 'application/pdf',
      maxBytes: MAX,
    });
    expect(refusals.map((r) => r.rule)).toEqual(['file-type-not-allowed', 'content-type-mismatch']);
    expect(refusals[0]?.message.en).toContain('Windows executable program');
    expect(refusals[0]?.message.zh).toContain('Windows 可执行程序');
    expect(refusals[1]?.message.en).toContain('declared as application/pdf');
  });

  it('refuses a file whose declared type differs from its bytes', () => {
    const refusals = checkUploadedObject({
      key,
      size: 2_000,
      detected: detectFileType(PNG),
      declaredContentType: 'application/pdf',
      maxBytes: MAX,
    });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.rule).toBe('content-type-mismatch');
    expect(refusals[0]?.message.en).toContain('PNG image (image/png)');
  });

  it('reads the declared type without its parameters or case, and refuses a missing one', () => {
    const base = { key, size: 10, detected: detectFileType(PDF), maxBytes: MAX };
    expect(checkUploadedObject({ ...base, declaredContentType: 'Application/PDF; charset=binary' })).toEqual(
      [],
    );
    expect(checkUploadedObject({ ...base, declaredContentType: undefined }).map((r) => r.rule)).toEqual([
      'content-type-mismatch',
    ]);
  });

  it('refuses content that matches no allowed type', () => {
    const refusals = checkUploadedObject({
      key,
      size: 30,
      detected: detectFileType(bytes('just some text')),
      declaredContentType: 'application/pdf',
      maxBytes: MAX,
    });
    expect(refusals.map((r) => r.rule)).toEqual(['file-type-not-allowed']);
    expect(refusals[0]?.message.en).toContain('matches none of the allowed types');
  });

  it('refuses a file one byte over the limit and keeps one exactly at it', () => {
    const base = {
      key,
      detected: detectFileType(PDF),
      declaredContentType: 'application/pdf',
      maxBytes: MAX,
    };
    expect(checkUploadedObject({ ...base, size: MAX })).toEqual([]);
    const refusals = checkUploadedObject({ ...base, size: MAX + 1 });
    expect(refusals.map((r) => r.rule)).toEqual(['too-large']);
    expect(refusals[0]?.message.en).toContain('26,214,401 bytes');
  });

  it('refuses an empty file without also blaming its type', () => {
    const refusals = checkUploadedObject({
      key,
      size: 0,
      detected: undefined,
      declaredContentType: 'application/pdf',
      maxBytes: MAX,
    });
    expect(refusals.map((r) => r.rule)).toEqual(['empty-file']);
  });

  it('refuses an object outside the key scheme even when its content is fine', () => {
    const refusals = checkUploadedObject({
      key: `uploads/${PURCHASE}/SIGNED_CONTRACT/contract.pdf`,
      size: 100,
      detected: detectFileType(PDF),
      declaredContentType: 'application/pdf',
      maxBytes: MAX,
    });
    expect(refusals.map((r) => r.rule)).toEqual(['key-outside-scheme']);
  });

  it('accepts an Office document declared with any legacy Office type when the application cannot be told', () => {
    const refusals = checkUploadedObject({
      key,
      size: 50_000,
      detected: detectFileType(bytes(OLE, new Array(504).fill(0))),
      declaredContentType: 'application/vnd.ms-excel',
      maxBytes: MAX,
    });
    expect(refusals).toEqual([]);
  });
});

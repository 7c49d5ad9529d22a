import { describe, expect, it } from 'vitest';
import { detectFileType } from '../../../shared/domain/file-types.js';
import { checkUploadedObject, type UploadedObject } from '../../../shared/domain/upload-check.js';
import { uploadKey } from '../../../shared/domain/uploads.js';
import { compoundFile, docm, docx, MSI_CLSID } from '../../support/file-fixtures.js';

const encoder = new TextEncoder();
const PURCHASE = 'PUR-2026-7K2M9QXWAB3CDEFG';
const UPLOAD_ID = 'u_01J8ZK3QF7R2';
const MAX = 26_214_400;
const PDF = encoder.encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
const EXE = encoder.encode('MZ\x90\x00This program cannot be run in DOS mode.');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const keyFor = (fileName: string) => uploadKey(PURCHASE, 'SIGNED_CONTRACT', UPLOAD_ID, fileName);

/** A 180 kB signed contract as a PDF, named and declared as one; each test changes what it is about. */
function object(overrides: Partial<UploadedObject> = {}): UploadedObject {
  return {
    key: keyFor('contract.pdf'),
    size: 180_000,
    detected: detectFileType(PDF),
    declaredContentType: 'application/pdf',
    maxBytes: MAX,
    allowMacroDocuments: false,
    ...overrides,
  };
}

const rules = (o: UploadedObject) => checkUploadedObject(o).map((r) => r.rule);

describe('checkUploadedObject', () => {
  it('keeps a PDF named and declared as a PDF', () => {
    expect(checkUploadedObject(object())).toEqual([]);
  });

  it('refuses a .exe renamed .pdf and declared as a PDF, saying what its bytes are', () => {
    const refusals = checkUploadedObject(object({ size: 94_208, detected: detectFileType(EXE) }));
    expect(refusals.map((r) => r.rule)).toEqual([
      'file-type-not-allowed',
      'content-type-mismatch',
      'extension-mismatch',
    ]);
    expect(refusals[0]?.message.en).toContain('a Windows executable program');
    expect(refusals[0]?.message.zh).toContain('Windows 可执行程序');
    expect(refusals[1]?.message.en).toContain('declared as application/pdf');
  });

  it('refuses a file whose declared type differs from its bytes', () => {
    const refusals = checkUploadedObject(
      object({ key: keyFor('photo.png'), size: 2_000, detected: detectFileType(PNG) }),
    );
    expect(refusals.map((r) => r.rule)).toEqual(['content-type-mismatch']);
    expect(refusals[0]?.message.en).toContain('PNG image (image/png)');
  });

  it('reads the declared type without its parameters or case, and refuses a missing one', () => {
    expect(checkUploadedObject(object({ declaredContentType: 'Application/PDF; charset=binary' }))).toEqual(
      [],
    );
    expect(rules(object({ declaredContentType: undefined }))).toEqual(['content-type-mismatch']);
  });

  it('refuses content that matches no allowed type', () => {
    const refusals = checkUploadedObject(
      object({ size: 30, detected: detectFileType(encoder.encode('text')) }),
    );
    expect(refusals.map((r) => r.rule)).toEqual(['file-type-not-allowed']);
    expect(refusals[0]?.message.en).toContain('matches none of the allowed types');
  });

  it('refuses a file one byte over the limit and keeps one exactly at it', () => {
    expect(checkUploadedObject(object({ size: MAX }))).toEqual([]);
    const refusals = checkUploadedObject(object({ size: MAX + 1 }));
    expect(refusals.map((r) => r.rule)).toEqual(['too-large']);
    expect(refusals[0]?.message.en).toContain('26,214,401 bytes');
  });

  it('refuses an empty file without also blaming its type', () => {
    expect(rules(object({ size: 0, detected: undefined }))).toEqual(['empty-file']);
  });

  it('refuses an object outside the key scheme even when its content is fine', () => {
    expect(rules(object({ key: `uploads/${PURCHASE}/SIGNED_CONTRACT/contract.pdf` }))).toEqual([
      'key-outside-scheme',
    ]);
  });

  it('refuses an MSI installer named x.doc and declared as Word, naming what it is', () => {
    const refusals = checkUploadedObject(
      object({
        key: keyFor('x.doc'),
        detected: detectFileType(compoundFile({ names: ['WordDocument'], rootClsid: MSI_CLSID })),
        declaredContentType: 'application/msword',
      }),
    );
    expect(refusals.map((r) => r.rule)).toEqual([
      'file-type-not-allowed',
      'content-type-mismatch',
      'extension-mismatch',
    ]);
    expect(refusals[0]?.message.en).toContain('Windows installer package (MSI)');
    expect(refusals[0]?.message.zh).toContain('Windows 安装程序包（MSI）');
  });

  it('refuses a compound file that is not one of the Office formats, where it once passed as legacy Office', () => {
    const refusals = checkUploadedObject(
      object({
        key: keyFor('sheet.xls'),
        detected: detectFileType(compoundFile({ names: ['Contents'] })),
        declaredContentType: 'application/vnd.ms-excel',
      }),
    );
    expect(refusals[0]?.rule).toBe('file-type-not-allowed');
    expect(refusals[0]?.message.en).toContain(
      'not a recognisable Word, Excel or PowerPoint 97-2003 document',
    );
  });

  describe('macros', () => {
    const macroDocument = object({
      key: keyFor('report.docm'),
      detected: detectFileType(docm()),
      declaredContentType: 'application/vnd.ms-word.document.macroEnabled.12',
    });

    it('refuses a macro-enabled document while the settings do not allow macros, in both languages', () => {
      const refusals = checkUploadedObject(macroDocument);
      expect(refusals.map((r) => r.rule)).toEqual(['macros-not-allowed']);
      expect(refusals[0]?.message.en).toContain('documents with macros (VBA code) are not accepted');
      expect(refusals[0]?.message.zh).toContain('含有宏');
    });

    it('keeps it, with its own type, when the settings allow macros (the declared type compared without case)', () => {
      expect(checkUploadedObject({ ...macroDocument, allowMacroDocuments: true })).toEqual([]);
      expect(
        checkUploadedObject({
          ...macroDocument,
          allowMacroDocuments: true,
          declaredContentType: 'application/vnd.ms-word.document.macroenabled.12',
        }),
      ).toEqual([]);
    });

    it('refuses a .docm renamed .docx and declared as a .docx on every count', () => {
      const renamed = { ...macroDocument, key: keyFor('report.docx'), declaredContentType: DOCX_TYPE };
      expect(rules(renamed)).toEqual(['macros-not-allowed', 'content-type-mismatch', 'extension-mismatch']);
      expect(rules({ ...renamed, allowMacroDocuments: true })).toEqual([
        'content-type-mismatch',
        'extension-mismatch',
      ]);
    });

    it('refuses a Word 97-2003 file with a VBA project like any other macro document', () => {
      const doc = object({
        key: keyFor('old.doc'),
        detected: detectFileType(compoundFile({ names: ['WordDocument', 'Macros', 'VBA'] })),
        declaredContentType: 'application/msword',
      });
      expect(rules(doc)).toEqual(['macros-not-allowed']);
      expect(rules({ ...doc, allowMacroDocuments: true })).toEqual([]);
    });
  });

  describe('extension', () => {
    it('refuses a PDF named report.docx, naming the extension and what the bytes are', () => {
      const refusals = checkUploadedObject(object({ key: keyFor('report.docx') }));
      expect(refusals.map((r) => r.rule)).toEqual(['extension-mismatch']);
      expect(refusals[0]?.message.en).toBe(
        'the file name ends in .docx, but by its content it is a PDF document (.pdf).',
      );
      expect(refusals[0]?.message.zh).toBe('文件名后缀为 .docx，但按内容判断是PDF 文档（应为 .pdf）。');
    });

    it('takes any extension of the format, in any case, and refuses a name without one', () => {
      const jpeg = detectFileType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]));
      for (const name of ['photo.jpg', 'photo.jpeg', 'PHOTO.JPG'])
        expect(
          rules(object({ key: keyFor(name), detected: jpeg, declaredContentType: 'image/jpeg' })),
          name,
        ).toEqual([]);
      expect(checkUploadedObject(object({ key: keyFor('contract') }))[0]?.message.en).toContain(
        'the file name has no extension',
      );
    });

    it('keeps a Word document named .docx', () => {
      expect(
        checkUploadedObject(
          object({
            key: keyFor('报告.docx'),
            detected: detectFileType(docx()),
            declaredContentType: DOCX_TYPE,
          }),
        ),
      ).toEqual([]);
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  CONTAINER_DETECTION_LIMIT,
  DETECTION_BYTES,
  detectFileType,
  detectionLength,
  fileExtension,
  servedContentType,
  UPLOADABLE_CONTENT_TYPES,
  uploadableFileTypes,
} from '../../../shared/domain/file-types.js';
import {
  compoundFile,
  contentTypes,
  DOCX_ENTRIES,
  docm,
  docx,
  EXCEL_MAIN,
  MSI_CLSID,
  WORD_MACRO_MAIN,
  zip,
} from '../../support/file-fixtures.js';

const encoder = new TextEncoder();

function bytes(...parts: (string | number[])[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? Array.from(encoder.encode(p)) : p));
  return Uint8Array.from(chunks.flat());
}

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
const CONTENT_TYPES = ['[Content_Types].xml', '<?xml version="1.0"?><Types/>'] as [string, string];
/** The part of a zip before its central directory: what the first bytes of a longer zip show. */
function localHeadersOnly(file: Uint8Array): Uint8Array {
  return file.subarray(0, Buffer.from(file).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
}
/** Stored bytes that fill a zip past the first DETECTION_BYTES. */
const PADDING = new Uint8Array(DETECTION_BYTES + 1024).fill(0x20);

describe('detectFileType: signatures', () => {
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
      extensions: ['.jpg', '.jpeg'],
    });
  });

  it('recognises a Windows executable by its MZ header and refuses it', () => {
    expect(detectFileType(EXE)).toMatchObject({ format: 'EXECUTABLE', allowed: false });
    expect(detectFileType(EXE)?.label.en).toBe('Windows executable program');
  });

  it('recognises nothing in plain text, an empty file or a truncated signature', () => {
    expect(detectFileType(bytes('<html><script>alert(1)</script>'))).toBeUndefined();
    expect(detectFileType(new Uint8Array())).toBeUndefined();
    expect(detectFileType(bytes('%PD'))).toBeUndefined();
    expect(detectFileType(bytes([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
  });
});

describe('detectFileType: zips', () => {
  it('tells Word, Excel and PowerPoint apart by the main part in [Content_Types].xml, stored or deflated', () => {
    expect(detectFileType(docx())).toMatchObject({
      format: 'DOCX',
      allowed: true,
      macros: false,
      contentTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    });
    // The content types decide even when the folders say otherwise: read stored, deflated, and
    // deflated in a streamed zip (a deflate stream says where it ends).
    const workbook: [string, string][] = [
      contentTypes('xl/workbook.xml', EXCEL_MAIN),
      ['word/document.xml', '<w:document/>'],
    ];
    for (const options of [{}, { deflated: true }, { deflated: true, streamed: true }]) {
      const head = localHeadersOnly(zip(workbook, options));
      expect(detectFileType(head)?.format, JSON.stringify(options)).toBe('XLSX');
    }
  });

  it('falls back to the parts’ folders when [Content_Types].xml cannot be read (streamed, sizes not in the bytes)', () => {
    const parts = [
      ['word/document.xml', 'DOCX'],
      ['xl/workbook.xml', 'XLSX'],
      ['ppt/presentation.xml', 'PPTX'],
    ] as const;
    for (const [part, format] of parts) {
      const streamed = zip([[part, '<x/>'], CONTENT_TYPES], { streamed: true });
      expect(detectFileType(localHeadersOnly(streamed))?.format, part).toBe(format);
    }
  });

  it('treats a zip without [Content_Types].xml, or without an Office main part, as a plain zip and refuses it', () => {
    const plain = zip([
      ['word/document.xml', '<w:document/>'],
      ['notes.txt', 'hello'],
    ]);
    expect(detectFileType(plain)).toMatchObject({ format: 'ZIP', allowed: false });
    expect(detectFileType(zip([CONTENT_TYPES, ['docs/readme.xml', '<r/>']]))?.format).toBe('ZIP');
  });

  it('recognises a macro-enabled document by its main part type or by its VBA project, whatever its name claims', () => {
    expect(detectFileType(docm({ deflated: true }))).toMatchObject({
      format: 'DOCM',
      allowed: true,
      macros: true,
      contentTypes: ['application/vnd.ms-word.document.macroEnabled.12'],
      extensions: ['.docm'],
    });
    // A .docm whose content types were rewritten to claim a plain document still carries its VBA project.
    const disguised = zip([...DOCX_ENTRIES, ['word/vbaProject.bin', 'VBA']]);
    expect(detectFileType(disguised)?.format).toBe('DOCM');
    // A zip may hold a name twice, and readers differ on which counts: both are read.
    const twice = zip([...DOCX_ENTRIES, contentTypes('word/document.xml', WORD_MACRO_MAIN)]);
    expect(detectFileType(twice)?.format).toBe('DOCM');
    const onlyContentTypes = zip([
      contentTypes('word/document.xml', WORD_MACRO_MAIN),
      ['word/document.xml', '<w/>'],
    ]);
    expect(detectFileType(onlyContentTypes)?.format).toBe('DOCM');
  });

  it('recognises a Java archive by its manifest or its classes, even inside an Office document, and refuses it', () => {
    expect(
      detectFileType(
        zip([
          ['META-INF/MANIFEST.MF', 'Main-Class: Evil\n'],
          ['Evil.class', 'cafebabe'],
        ]),
      ),
    ).toMatchObject({
      format: 'JAVA_ARCHIVE',
      allowed: false,
    });
    const polyglot = zip([...DOCX_ENTRIES, ['com/evil/Payload.class', 'cafebabe']]);
    expect(detectFileType(polyglot)?.format).toBe('JAVA_ARCHIVE');
  });

  it('finds an entry far past the first bytes through the central directory', () => {
    const hidden = zip([...DOCX_ENTRIES, ['word/media/image1.png', PADDING], ['word/vbaProject.bin', 'VBA']]);
    expect(detectFileType(hidden.subarray(0, DETECTION_BYTES))?.format).toBe('DOCX');
    expect(detectFileType(hidden)?.format).toBe('DOCM');
  });
});

describe('detectFileType: compound files', () => {
  it('names the Office 97-2003 application by its document stream', () => {
    expect(detectFileType(compoundFile({ names: ['WordDocument', '1Table'] }))).toMatchObject({
      format: 'DOC',
      allowed: true,
      macros: false,
      contentTypes: ['application/msword'],
    });
    expect(detectFileType(compoundFile({ names: ['Workbook'] }))?.format).toBe('XLS');
    expect(detectFileType(compoundFile({ names: ['PowerPoint Document', 'Current User'] }))?.format).toBe(
      'PPT',
    );
  });

  it('flags Word and Excel 97-2003 files that hold a VBA project as carrying macros', () => {
    const doc = detectFileType(compoundFile({ names: ['WordDocument', 'Macros', 'VBA', 'dir'] }));
    expect(doc).toMatchObject({ format: 'DOC', macros: true });
    expect(doc?.label.en).toBe('Word 97-2003 document with macros');
    expect(detectFileType(compoundFile({ names: ['Workbook', '_VBA_PROJECT_CUR', 'VBA'] }))).toMatchObject({
      format: 'XLS',
      macros: true,
    });
  });

  it('refuses an MSI installer by its root CLSID or its mangled table names, whatever streams it adds', () => {
    expect(detectFileType(compoundFile({ names: ['WordDocument'], rootClsid: MSI_CLSID }))).toMatchObject({
      format: 'INSTALLER',
      allowed: false,
    });
    expect(detectFileType(compoundFile({ names: ['\u4840\u3f3f\u4577\u446c'] }))?.format).toBe('INSTALLER');
  });

  it('refuses an Outlook message and any other compound file, which are no longer taken for Office', () => {
    const message = compoundFile({ names: ['__substg1.0_0037001F', '__properties_version1.0'] });
    expect(detectFileType(message)).toMatchObject({ format: 'OUTLOOK_MESSAGE', allowed: false });
    expect(detectFileType(compoundFile({ names: ['Contents'] }))).toMatchObject({
      format: 'COMPOUND_FILE',
      allowed: false,
    });
    // Names are data, never keys into an object's prototype.
    expect(detectFileType(compoundFile({ names: ['constructor', '__proto__'] }))?.format).toBe(
      'COMPOUND_FILE',
    );
    // Two applications' streams in one file: neither is believed.
    expect(detectFileType(compoundFile({ names: ['WordDocument', 'Workbook'] }))?.format).toBe(
      'COMPOUND_FILE',
    );
  });

  it('refuses a compound file whose directory is not in the bytes it was given', () => {
    const late = compoundFile({ names: ['WordDocument'], directoryAt: 200 });
    expect(detectFileType(late.subarray(0, DETECTION_BYTES))?.format).toBe('COMPOUND_FILE');
    expect(detectFileType(late)?.format).toBe('DOC');
  });
});

describe('detectionLength', () => {
  it('wants the first bytes of a signature format and all of a container, up to its limit', () => {
    const late = compoundFile({ names: ['WordDocument'], directoryAt: 200 });
    expect(detectionLength(PDF, 5_000_000)).toBe(DETECTION_BYTES);
    expect(detectionLength(PDF, 100)).toBe(100);
    expect(detectionLength(late.subarray(0, DETECTION_BYTES), late.length)).toBe(late.length);
    expect(detectionLength(docx(), 30_000_000)).toBe(30_000_000);
    expect(detectionLength(docx(), 5 * 1024 ** 3)).toBe(CONTAINER_DETECTION_LIMIT);
  });
});

describe('uploadable types', () => {
  it('offers macro-enabled formats only when the settings allow macro documents', () => {
    const plain = uploadableFileTypes({ allowMacroDocuments: false });
    expect(plain.map((t) => t.format)).toEqual([
      'PDF',
      'DOC',
      'DOCX',
      'XLS',
      'XLSX',
      'PPT',
      'PPTX',
      'JPEG',
      'PNG',
    ]);
    const withMacros = uploadableFileTypes({ allowMacroDocuments: true });
    expect(withMacros.filter((t) => t.macros).map((t) => [t.contentType, t.extensions])).toEqual([
      ['application/vnd.ms-word.document.macroEnabled.12', ['.docm']],
      ['application/vnd.ms-excel.sheet.macroEnabled.12', ['.xlsm']],
      ['application/vnd.ms-powerpoint.presentation.macroEnabled.12', ['.pptm']],
    ]);
    expect(UPLOADABLE_CONTENT_TYPES).toHaveLength(12);
    expect(UPLOADABLE_CONTENT_TYPES).not.toContain('application/zip');
  });

  it('reads a file name’s extension in lower case, and none from a name without a dot', () => {
    expect(fileExtension('报告.Final.PDF')).toBe('.pdf');
    expect(fileExtension('photo.jpeg')).toBe('.jpeg');
    expect(fileExtension('file')).toBe('');
  });

  it('serves a recorded format with its own canonical type, and anything else as opaque bytes', () => {
    expect(servedContentType('DOCM')).toBe('application/vnd.ms-word.document.macroEnabled.12');
    expect(servedContentType('PDF')).toBe('application/pdf');
    expect(servedContentType('LEGACY_OFFICE')).toBe('application/octet-stream');
    expect(servedContentType('toString')).toBe('application/octet-stream');
    expect(servedContentType(undefined)).toBe('application/octet-stream');
  });
});

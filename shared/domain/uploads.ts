import type { BilingualText } from './bilingual.js';

/**
 * What an NGO may upload and where it lands. Files go straight to S3 through a presigned
 * POST, so nothing here sees a request: the key scheme fixes where each kind of file may
 * go, and once the object exists its first bytes decide what it is. The name and the
 * declared Content-Type are the uploader's word only.
 */

export const UPLOAD_KINDS = ['SIGNED_CONTRACT', 'MIDTERM_REPORT', 'FINAL_REPORT', 'EVIDENCE'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

export const UPLOAD_KIND_LABELS: Readonly<Record<UploadKind, BilingualText>> = {
  SIGNED_CONTRACT: { zh: '已签署合同', en: 'Signed contract' },
  MIDTERM_REPORT: { zh: '中期报告', en: 'Mid-term report' },
  FINAL_REPORT: { zh: '终期报告', en: 'Final report' },
  EVIDENCE: { zh: '佐证材料', en: 'Evidence' },
};

/** Formats recognised from the bytes; only some of them are allowed. */
export type FileFormat =
  | 'PDF'
  | 'DOC'
  | 'XLS'
  | 'PPT'
  | 'LEGACY_OFFICE'
  | 'DOCX'
  | 'XLSX'
  | 'PPTX'
  | 'JPEG'
  | 'PNG'
  | 'ZIP'
  | 'EXECUTABLE';

export interface DetectedType {
  format: FileFormat;
  allowed: boolean;
  /** Content types an honest uploader would declare for these bytes (the first is canonical). */
  contentTypes: readonly string[];
  label: BilingualText;
}

const MIME = {
  PDF: 'application/pdf',
  DOC: 'application/msword',
  XLS: 'application/vnd.ms-excel',
  PPT: 'application/vnd.ms-powerpoint',
  DOCX: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  PPTX: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  JPEG: 'image/jpeg',
  PNG: 'image/png',
} as const;

const DETECTED: Readonly<Record<FileFormat, DetectedType>> = {
  PDF: {
    format: 'PDF',
    allowed: true,
    contentTypes: [MIME.PDF],
    label: { zh: 'PDF 文档', en: 'PDF document' },
  },
  DOC: {
    format: 'DOC',
    allowed: true,
    contentTypes: [MIME.DOC],
    label: { zh: 'Word 97-2003 文档', en: 'Word 97-2003 document' },
  },
  XLS: {
    format: 'XLS',
    allowed: true,
    contentTypes: [MIME.XLS],
    label: { zh: 'Excel 97-2003 工作簿', en: 'Excel 97-2003 workbook' },
  },
  PPT: {
    format: 'PPT',
    allowed: true,
    contentTypes: [MIME.PPT],
    label: { zh: 'PowerPoint 97-2003 演示文稿', en: 'PowerPoint 97-2003 presentation' },
  },
  // An OLE compound file whose directory is not in the first bytes: one of the three, we cannot tell which.
  LEGACY_OFFICE: {
    format: 'LEGACY_OFFICE',
    allowed: true,
    contentTypes: [MIME.DOC, MIME.XLS, MIME.PPT],
    label: { zh: 'Office 97-2003 文档', en: 'Office 97-2003 document' },
  },
  DOCX: {
    format: 'DOCX',
    allowed: true,
    contentTypes: [MIME.DOCX],
    label: { zh: 'Word 文档', en: 'Word document' },
  },
  XLSX: {
    format: 'XLSX',
    allowed: true,
    contentTypes: [MIME.XLSX],
    label: { zh: 'Excel 工作簿', en: 'Excel workbook' },
  },
  PPTX: {
    format: 'PPTX',
    allowed: true,
    contentTypes: [MIME.PPTX],
    label: { zh: 'PowerPoint 演示文稿', en: 'PowerPoint presentation' },
  },
  JPEG: {
    format: 'JPEG',
    allowed: true,
    contentTypes: [MIME.JPEG],
    label: { zh: 'JPEG 图片', en: 'JPEG image' },
  },
  PNG: { format: 'PNG', allowed: true, contentTypes: [MIME.PNG], label: { zh: 'PNG 图片', en: 'PNG image' } },
  ZIP: {
    format: 'ZIP',
    allowed: false,
    contentTypes: ['application/zip'],
    label: { zh: 'ZIP 压缩包', en: 'ZIP archive' },
  },
  EXECUTABLE: {
    format: 'EXECUTABLE',
    allowed: false,
    contentTypes: ['application/vnd.microsoft.portable-executable', 'application/x-msdownload'],
    label: { zh: 'Windows 可执行程序', en: 'Windows executable program' },
  },
};

/** The content types a presigned POST may declare: the allowed formats' types. */
export const ALLOWED_CONTENT_TYPES: readonly string[] = Object.values(MIME);

/** Allowed formats with their people-facing names, for the NGO's upload page. */
export const ALLOWED_FILE_TYPES: readonly {
  label: BilingualText;
  contentType: string;
  extensions: string[];
}[] = [
  { label: DETECTED.PDF.label, contentType: MIME.PDF, extensions: ['.pdf'] },
  { label: DETECTED.DOC.label, contentType: MIME.DOC, extensions: ['.doc'] },
  { label: DETECTED.DOCX.label, contentType: MIME.DOCX, extensions: ['.docx'] },
  { label: DETECTED.XLS.label, contentType: MIME.XLS, extensions: ['.xls'] },
  { label: DETECTED.XLSX.label, contentType: MIME.XLSX, extensions: ['.xlsx'] },
  { label: DETECTED.PPT.label, contentType: MIME.PPT, extensions: ['.ppt'] },
  { label: DETECTED.PPTX.label, contentType: MIME.PPTX, extensions: ['.pptx'] },
  { label: DETECTED.JPEG.label, contentType: MIME.JPEG, extensions: ['.jpg', '.jpeg'] },
  { label: DETECTED.PNG.label, contentType: MIME.PNG, extensions: ['.png'] },
];

/** How many leading bytes `detectFileType` wants: enough for a zip's first local file headers. */
export const DETECTION_BYTES = 64 * 1024;

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((b, i) => bytes[at + i] === b);
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

const PDF_SIGNATURE = ascii('%PDF-');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const MZ_SIGNATURE = ascii('MZ');

/**
 * Names of the local file headers in the first bytes of a zip. Each header is found by its
 * signature rather than by walking sizes, because a streamed zip (data descriptor flag) has
 * no sizes in its headers.
 */
function zipEntryNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (let at = 0; at + 30 <= bytes.length; at++) {
    if (!startsWith(bytes, ZIP_LOCAL_HEADER, at)) continue;
    const nameLength = (bytes[at + 26] ?? 0) | ((bytes[at + 27] ?? 0) << 8);
    const end = at + 30 + nameLength;
    if (nameLength === 0 || end > bytes.length) continue;
    names.push(decoder.decode(bytes.subarray(at + 30, end)));
    at = end - 1;
  }
  return names;
}

function ooxmlFormat(bytes: Uint8Array): FileFormat {
  const names = zipEntryNames(bytes);
  if (!names.includes('[Content_Types].xml')) return 'ZIP';
  if (names.some((n) => n.startsWith('word/'))) return 'DOCX';
  if (names.some((n) => n.startsWith('xl/'))) return 'XLSX';
  if (names.some((n) => n.startsWith('ppt/'))) return 'PPTX';
  return 'ZIP';
}

function utf16le(text: string): number[] {
  return Array.from(text).flatMap((c) => [c.charCodeAt(0), 0]);
}

function contains(bytes: Uint8Array, needle: readonly number[]): boolean {
  for (let at = 0; at + needle.length <= bytes.length; at++) {
    if (startsWith(bytes, needle, at)) return true;
  }
  return false;
}

/** The stream names in a compound file's directory (UTF-16LE) tell Word, Excel and PowerPoint apart. */
const OLE_STREAMS: readonly [FileFormat, number[]][] = [
  ['DOC', utf16le('WordDocument')],
  ['XLS', utf16le('Workbook')],
  ['PPT', utf16le('PowerPoint Document')],
];

/**
 * What a file is, from its first bytes only (pass up to DETECTION_BYTES). Undefined when the
 * bytes match no known signature; such a file is refused like any other disallowed type.
 */
export function detectFileType(bytes: Uint8Array): DetectedType | undefined {
  if (startsWith(bytes, PDF_SIGNATURE)) return DETECTED.PDF;
  if (startsWith(bytes, PNG_SIGNATURE)) return DETECTED.PNG;
  if (startsWith(bytes, JPEG_SIGNATURE)) return DETECTED.JPEG;
  if (startsWith(bytes, OLE_SIGNATURE)) {
    const found = OLE_STREAMS.filter(([, name]) => contains(bytes, name));
    const only = found.length === 1 ? found[0] : undefined;
    return DETECTED[only ? only[0] : 'LEGACY_OFFICE'];
  }
  if (startsWith(bytes, ZIP_LOCAL_HEADER)) return DETECTED[ooxmlFormat(bytes)];
  if (startsWith(bytes, MZ_SIGNATURE)) return DETECTED.EXECUTABLE;
  return undefined;
}

export class InvalidUploadKeyError extends Error {
  override name = 'InvalidUploadKeyError';
}

const PURCHASE_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const UPLOAD_ID = /^[A-Za-z0-9_-]{8,64}$/;
const MAX_FILE_NAME = 100;
const FALLBACK_FILE_NAME = 'file';

/**
 * A file name safe to put in a key and to show: the last segment of whatever path the
 * browser sent, letters (any script, so Chinese names survive), digits, '.', '-' and '_';
 * every other run of characters becomes one '_'. No leading or repeated dots, so never
 * '..' or a hidden file; at most 100 characters, keeping the extension when shortened.
 */
export function sanitizeFileName(fileName: string): string {
  const base = fileName.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = base
    .replace(/[^\p{L}\p{Nd}._-]+/gu, '_')
    .replace(/_+(?=\.)/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^[._-]+/, '')
    .replace(/[._-]+$/, '');
  const chars = Array.from(name);
  if (chars.length > MAX_FILE_NAME) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
    const keptExtension = extension.length <= 10 ? extension : [];
    const stem = chars.slice(0, MAX_FILE_NAME - keptExtension.length).join('');
    name = `${stem.replace(/[._-]+$/, '')}${keptExtension.join('')}`;
  }
  return name || FALLBACK_FILE_NAME;
}

function assertKeyParts(purchaseId: string, kind: UploadKind): void {
  if (!PURCHASE_ID.test(purchaseId)) throw new InvalidUploadKeyError(`not a purchase id: ${purchaseId}`);
  if (!UPLOAD_KINDS.includes(kind)) throw new InvalidUploadKeyError(`not an upload kind: ${String(kind)}`);
}

/** Where every upload of one kind for one purchase goes; the presigned POST pins this prefix. */
export function uploadKeyPrefix(purchaseId: string, kind: UploadKind): string {
  assertKeyParts(purchaseId, kind);
  return `uploads/${purchaseId}/${kind}/`;
}

/** `uploads/<purchaseId>/<kind>/<uploadId>/<sanitised file name>`. */
export function uploadKey(purchaseId: string, kind: UploadKind, uploadId: string, fileName: string): string {
  if (!UPLOAD_ID.test(uploadId)) {
    throw new InvalidUploadKeyError(`an upload id is 8-64 of A-Z, a-z, 0-9, _ and -, got: ${uploadId}`);
  }
  return `${uploadKeyPrefix(purchaseId, kind)}${uploadId}/${sanitizeFileName(fileName)}`;
}

export interface UploadKeyParts {
  purchaseId: string;
  kind: UploadKind;
  uploadId: string;
  fileName: string;
}

/**
 * The parts of a key made by `uploadKey`; undefined for any other key, including one under a
 * valid prefix with a name `uploadKey` would not have produced. S3 event keys arrive
 * URL-encoded: decode them (`+` is a space) before calling this.
 */
export function parseUploadKey(key: string): UploadKeyParts | undefined {
  const parts = key.split('/');
  if (parts.length !== 5) return undefined;
  const [root, purchaseId, kind, uploadId, fileName] = parts as [string, string, string, string, string];
  if (root !== 'uploads' || !PURCHASE_ID.test(purchaseId) || !UPLOAD_ID.test(uploadId)) return undefined;
  if (!(UPLOAD_KINDS as readonly string[]).includes(kind)) return undefined;
  if (fileName !== sanitizeFileName(fileName)) return undefined;
  return { purchaseId, kind: kind as UploadKind, uploadId, fileName };
}

export type UploadRule =
  | 'key-outside-scheme'
  | 'empty-file'
  | 'too-large'
  | 'file-type-not-allowed'
  | 'content-type-mismatch';

export interface UploadRefusal {
  rule: UploadRule;
  message: BilingualText;
}

export interface UploadedObject {
  key: string;
  size: number;
  /** `detectFileType` of the object's first bytes. */
  detected: DetectedType | undefined;
  /** The Content-Type the object was stored with (the uploader's claim). */
  declaredContentType: string | undefined;
  maxBytes: number;
}

function describeSize(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB (${bytes.toLocaleString('en-US')} bytes)`;
}

/** `Image/PNG; charset=x` -> `image/png`. */
function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

const allowedList: BilingualText = {
  zh: 'PDF、Word、Excel、PowerPoint、JPEG 或 PNG',
  en: 'PDF, Word, Excel, PowerPoint, JPEG or PNG',
};

/** Every reason to refuse an object that has landed in the bucket; empty when it may be kept as a deliverable. */
export function checkUploadedObject(object: UploadedObject): UploadRefusal[] {
  const { key, size, detected, declaredContentType, maxBytes } = object;
  const refusals: UploadRefusal[] = [];
  if (!parseUploadKey(key)) {
    refusals.push({
      rule: 'key-outside-scheme',
      message: {
        zh: `文件位置 ${key} 不符合上传规则（uploads/项目编号/类别/上传编号/文件名）。`,
        en: `the key ${key} is outside the upload scheme uploads/<purchase>/<kind>/<upload id>/<file name>.`,
      },
    });
  }
  if (size === 0) {
    refusals.push({
      rule: 'empty-file',
      message: { zh: '文件为空（0 字节）。', en: 'the file is empty (0 bytes).' },
    });
  } else if (size > maxBytes) {
    refusals.push({
      rule: 'too-large',
      message: {
        zh: `文件大小为 ${describeSize(size)}，超过上限 ${describeSize(maxBytes)}。`,
        en: `the file is ${describeSize(size)}, more than the limit of ${describeSize(maxBytes)}.`,
      },
    });
  }
  if (size > 0 && !detected?.allowed) {
    refusals.push({
      rule: 'file-type-not-allowed',
      message: detected
        ? {
            zh: `按文件内容判断这是${detected.label.zh}，不允许上传；请上传 ${allowedList.zh} 文件。`,
            en: `by its content this file is a ${detected.label.en}, which is not allowed; upload a ${allowedList.en} file.`,
          }
        : {
            zh: `文件内容不是任何允许的类型；请上传 ${allowedList.zh} 文件。`,
            en: `the file's content matches none of the allowed types; upload a ${allowedList.en} file.`,
          },
    });
  }
  if (detected) {
    const declared = declaredContentType === undefined ? undefined : mediaType(declaredContentType);
    if (declared === undefined || !detected.contentTypes.includes(declared)) {
      const claim = declared ? `declared as ${declared}` : 'declared without a content type';
      const claimZh = declared ? `声明类型为 ${declared}` : '未声明文件类型';
      refusals.push({
        rule: 'content-type-mismatch',
        message: {
          zh: `文件${claimZh}，但按内容判断是${detected.label.zh}（${detected.contentTypes[0]}）。`,
          en: `the file was ${claim}, but by its content it is a ${detected.label.en} (${detected.contentTypes[0]}).`,
        },
      });
    }
  }
  return refusals;
}

/**
 * The type a recorded upload is served with: the canonical type of the format found in its bytes
 * (never the uploader's claim), or opaque bytes when no format was recognised.
 */
export function servedContentType(detectedFormat: string | undefined): string {
  const detected =
    detectedFormat !== undefined && Object.hasOwn(DETECTED, detectedFormat)
      ? DETECTED[detectedFormat as FileFormat]
      : undefined;
  return detected?.contentTypes[0] ?? 'application/octet-stream';
}

import type { BilingualText } from './bilingual.js';
import { COMPOUND_FILE_SIGNATURE, readCompoundFileDirectory } from './compound-file.js';
import { readZipEntries, ZIP_LOCAL_HEADER } from './zip-entries.js';

/**
 * What a file is, from its bytes: the name and the declared Content-Type are the uploader's word
 * only. Office documents are containers (a zip, or an OLE compound file) that also hold installers,
 * e-mail messages, Java programs and macros, so for them the container's directory decides.
 */

/** Formats recognised from the bytes; only some of them are allowed. */
export type FileFormat =
  | 'PDF'
  | 'DOC'
  | 'XLS'
  | 'PPT'
  | 'DOCX'
  | 'XLSX'
  | 'PPTX'
  | 'DOCM'
  | 'XLSM'
  | 'PPTM'
  | 'JPEG'
  | 'PNG'
  | 'ZIP'
  | 'JAVA_ARCHIVE'
  | 'EXECUTABLE'
  | 'INSTALLER'
  | 'OUTLOOK_MESSAGE'
  | 'COMPOUND_FILE';

export interface DetectedType {
  format: FileFormat;
  allowed: boolean;
  /** Carries VBA macros: refused unless the upload settings allow macro documents. */
  macros: boolean;
  /** Content types an honest uploader would declare for these bytes (the first is canonical). */
  contentTypes: readonly string[];
  /** File name extensions for these bytes, lower case with the dot. */
  extensions: readonly string[];
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
  DOCM: 'application/vnd.ms-word.document.macroEnabled.12',
  XLSM: 'application/vnd.ms-excel.sheet.macroEnabled.12',
  PPTM: 'application/vnd.ms-powerpoint.presentation.macroEnabled.12',
  JPEG: 'image/jpeg',
  PNG: 'image/png',
} as const;

/** Office Open XML documents that carry VBA macros (Office 97-2003 ones are flagged when detected). */
const MACRO_FORMATS: readonly FileFormat[] = ['DOCM', 'XLSM', 'PPTM'];

function format(
  format: FileFormat,
  allowed: boolean,
  contentTypes: readonly string[],
  extensions: readonly string[],
  label: BilingualText,
): DetectedType {
  return { format, allowed, macros: MACRO_FORMATS.includes(format), contentTypes, extensions, label };
}

const DETECTED: Readonly<Record<FileFormat, DetectedType>> = {
  PDF: format('PDF', true, [MIME.PDF], ['.pdf'], { zh: 'PDF 文档', en: 'PDF document' }),
  DOC: format('DOC', true, [MIME.DOC], ['.doc'], { zh: 'Word 97-2003 文档', en: 'Word 97-2003 document' }),
  XLS: format('XLS', true, [MIME.XLS], ['.xls'], {
    zh: 'Excel 97-2003 工作簿',
    en: 'Excel 97-2003 workbook',
  }),
  PPT: format('PPT', true, [MIME.PPT], ['.ppt'], {
    zh: 'PowerPoint 97-2003 演示文稿',
    en: 'PowerPoint 97-2003 presentation',
  }),
  DOCX: format('DOCX', true, [MIME.DOCX], ['.docx'], { zh: 'Word 文档', en: 'Word document' }),
  XLSX: format('XLSX', true, [MIME.XLSX], ['.xlsx'], { zh: 'Excel 工作簿', en: 'Excel workbook' }),
  PPTX: format('PPTX', true, [MIME.PPTX], ['.pptx'], {
    zh: 'PowerPoint 演示文稿',
    en: 'PowerPoint presentation',
  }),
  DOCM: format('DOCM', true, [MIME.DOCM], ['.docm'], {
    zh: '启用宏的 Word 文档',
    en: 'macro-enabled Word document',
  }),
  XLSM: format('XLSM', true, [MIME.XLSM], ['.xlsm'], {
    zh: '启用宏的 Excel 工作簿',
    en: 'macro-enabled Excel workbook',
  }),
  PPTM: format('PPTM', true, [MIME.PPTM], ['.pptm'], {
    zh: '启用宏的 PowerPoint 演示文稿',
    en: 'macro-enabled PowerPoint presentation',
  }),
  JPEG: format('JPEG', true, [MIME.JPEG], ['.jpg', '.jpeg'], { zh: 'JPEG 图片', en: 'JPEG image' }),
  PNG: format('PNG', true, [MIME.PNG], ['.png'], { zh: 'PNG 图片', en: 'PNG image' }),
  ZIP: format('ZIP', false, ['application/zip'], ['.zip'], { zh: 'ZIP 压缩包', en: 'ZIP archive' }),
  JAVA_ARCHIVE: format('JAVA_ARCHIVE', false, ['application/java-archive'], ['.jar'], {
    zh: 'Java 程序包（JAR）',
    en: 'Java archive (JAR)',
  }),
  EXECUTABLE: format(
    'EXECUTABLE',
    false,
    ['application/vnd.microsoft.portable-executable', 'application/x-msdownload'],
    ['.exe', '.dll'],
    { zh: 'Windows 可执行程序', en: 'Windows executable program' },
  ),
  INSTALLER: format('INSTALLER', false, ['application/x-msi'], ['.msi', '.msp', '.mst'], {
    zh: 'Windows 安装程序包（MSI）',
    en: 'Windows installer package (MSI)',
  }),
  OUTLOOK_MESSAGE: format('OUTLOOK_MESSAGE', false, ['application/vnd.ms-outlook'], ['.msg'], {
    zh: 'Outlook 邮件（MSG）',
    en: 'Outlook e-mail message (MSG)',
  }),
  // An OLE compound file that is none of the three Office 97-2003 formats, or whose directory cannot be read.
  COMPOUND_FILE: format('COMPOUND_FILE', false, ['application/x-ole-storage'], [], {
    zh: '无法识别为 Word、Excel 或 PowerPoint 97-2003 文档的 OLE 复合文件',
    en: 'OLE compound file that is not a recognisable Word, Excel or PowerPoint 97-2003 document',
  }),
};

/** A format an NGO may upload, with its people-facing name, for the upload page and the presigned POST. */
export interface UploadableFileType {
  format: FileFormat;
  /** A macro-enabled format, offered only when the upload settings allow macro documents. */
  macros: boolean;
  label: BilingualText;
  contentType: string;
  extensions: readonly string[];
}

const UPLOADABLE: readonly FileFormat[] = ['PDF', 'DOC', 'DOCX', 'XLS', 'XLSX', 'PPT', 'PPTX', 'JPEG', 'PNG'];

function uploadable(format: FileFormat): UploadableFileType {
  const { macros, label, contentTypes, extensions } = DETECTED[format];
  return { format, macros, label, contentType: contentTypes[0] ?? '', extensions };
}

/** The formats an NGO may upload: macro-enabled documents only when the upload settings allow them. */
export function uploadableFileTypes(settings: { allowMacroDocuments: boolean }): UploadableFileType[] {
  return [...UPLOADABLE, ...(settings.allowMacroDocuments ? MACRO_FORMATS : [])].map(uploadable);
}

/** Every content type a presigned POST may ever declare (whether macro documents are allowed is checked apart). */
export const UPLOADABLE_CONTENT_TYPES: readonly string[] = [...UPLOADABLE, ...MACRO_FORMATS].map(
  (f) => uploadable(f).contentType,
);

/** The uploadable format whose canonical content type this is. */
export function uploadableTypeOf(contentType: string): UploadableFileType | undefined {
  const wanted = contentType.toLowerCase();
  return [...UPLOADABLE, ...MACRO_FORMATS]
    .map(uploadable)
    .find((t) => t.contentType.toLowerCase() === wanted);
}

/** `报告.Final.PDF` -> `.pdf`; '' for a name without one. */
export function fileExtension(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot).toLowerCase() : '';
}

/** How many leading bytes identify a file by its signature. */
export const DETECTION_BYTES = 64 * 1024;
/**
 * The most of a container (zip or compound file) read whole for its directory: above the default
 * upload limit of 25 MB, well inside the recording function's memory.
 */
export const CONTAINER_DETECTION_LIMIT = 64 * 1024 * 1024;

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((b, i) => bytes[at + i] === b);
}

/**
 * How many leading bytes `detectFileType` wants from a file of `size` bytes that starts with `head`:
 * DETECTION_BYTES, or all of a container (up to CONTAINER_DETECTION_LIMIT), because a zip keeps its
 * directory at its end and a compound file wherever its writer put it (Word often last).
 */
export function detectionLength(head: Uint8Array, size: number): number {
  const container = startsWith(head, COMPOUND_FILE_SIGNATURE) || startsWith(head, ZIP_LOCAL_HEADER);
  return Math.min(size, container ? CONTAINER_DETECTION_LIMIT : DETECTION_BYTES);
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

const PDF_SIGNATURE = ascii('%PDF-');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const MZ_SIGNATURE = ascii('MZ');

type OfficeApplication = 'WORD' | 'EXCEL' | 'POWERPOINT';
const OOXML_FORMATS: Readonly<Record<OfficeApplication, { plain: FileFormat; macros: FileFormat }>> = {
  WORD: { plain: 'DOCX', macros: 'DOCM' },
  EXCEL: { plain: 'XLSX', macros: 'XLSM' },
  POWERPOINT: { plain: 'PPTX', macros: 'PPTM' },
};

/** The application of a main part's content type (`…wordprocessingml.document.main+xml`, `…ms-excel.sheet.macroEnabled.main+xml`). */
const MAIN_PART_TYPES: readonly [RegExp, OfficeApplication][] = [
  [/(wordprocessingml|ms-word)\.[\w.]*main(\+xml)?$/, 'WORD'],
  [/(spreadsheetml|ms-excel)\.[\w.]*main(\+xml)?$/, 'EXCEL'],
  [/(presentationml|ms-powerpoint)\.[\w.]*main(\+xml)?$/, 'POWERPOINT'],
];
const PART_FOLDERS: readonly [string, OfficeApplication][] = [
  ['word/', 'WORD'],
  ['xl/', 'EXCEL'],
  ['ppt/', 'POWERPOINT'],
];
/** `[Content_Types].xml` is a few kilobytes; anything that inflates beyond this is not one. */
const CONTENT_TYPES_MAX_BYTES = 1024 * 1024;

function onlyOne<T>(found: readonly T[]): T | undefined {
  const distinct = [...new Set(found)];
  return distinct.length === 1 ? distinct[0] : undefined;
}

/** Every `ContentType="…"` of `[Content_Types].xml`, in lower case. */
function declaredContentTypes(xml: string): string[] {
  return Array.from(xml.toLowerCase().matchAll(/contenttype\s*=\s*["']([^"']+)["']/g), (m) => m[1] ?? '');
}

const applicationOfMainPart = (type: string) =>
  MAIN_PART_TYPES.filter(([re]) => re.test(type)).map(([, a]) => a);
const applicationOfFolder = (name: string) =>
  PART_FOLDERS.filter(([folder]) => name.startsWith(folder)).map(([, a]) => a);
const isMacroType = (type: string) =>
  type.includes('macroenabled') || type === 'application/vnd.ms-office.vbaproject';

/**
 * A zip: a Java archive (a manifest or classes), an Office Open XML document, or a plain zip. The
 * main part's content type in `[Content_Types].xml` says which application and whether it is
 * macro-enabled; when that part cannot be read, the folders of the entries say which application.
 * A VBA project part means macros whatever the content types claim.
 */
function zipFormat(bytes: Uint8Array): FileFormat {
  const zip = readZipEntries(bytes);
  const names = zip.names.map((n) => n.toLowerCase());
  if (names.some((n) => n === 'meta-inf/manifest.mf' || n.endsWith('.class'))) return 'JAVA_ARCHIVE';
  if (!names.includes('[content_types].xml')) return 'ZIP';
  const xml = zip.text('[Content_Types].xml', CONTENT_TYPES_MAX_BYTES);
  const declared = xml === undefined ? [] : declaredContentTypes(xml);
  const application =
    xml === undefined
      ? onlyOne(names.flatMap(applicationOfFolder))
      : onlyOne(declared.flatMap(applicationOfMainPart));
  if (!application) return 'ZIP';
  const macros = declared.some(isMacroType) || names.some((n) => n.endsWith('vbaproject.bin'));
  return OOXML_FORMATS[application][macros ? 'macros' : 'plain'];
}

/** Root CLSIDs of Windows Installer databases, patches and transforms. */
const INSTALLER_CLSIDS = [
  '000C1084-0000-0000-C000-000000000046',
  '000C1086-0000-0000-C000-000000000046',
  '000C1082-0000-0000-C000-000000000046',
];
const OUTLOOK_MESSAGE_CLSID = '00020D0B-0000-0000-C000-000000000046';
/** The stream each Office 97-2003 application keeps its document in ('Book' is Excel 5's). */
const OFFICE_STREAMS: ReadonlyMap<string, 'DOC' | 'XLS' | 'PPT'> = new Map([
  ['worddocument', 'DOC'],
  ['workbook', 'XLS'],
  ['book', 'XLS'],
  ['powerpoint document', 'PPT'],
]);
/** Storages that hold a VBA project: Word's 'Macros', Excel's '_VBA_PROJECT_CUR', and 'VBA' inside either. */
const MACRO_STORAGES = ['macros', '_vba_project_cur', 'vba'];

/**
 * A compound file: an installer (by its root CLSID, or the mangled names of its table streams), one
 * Office 97-2003 document (by its document stream), an Outlook message, or something else.
 */
function compoundFileType(bytes: Uint8Array): DetectedType {
  const directory = readCompoundFileDirectory(bytes);
  if (!directory?.complete) return DETECTED.COMPOUND_FILE;
  // MSI keeps its tables in streams whose names start with U+4840 (its name mangling).
  if (INSTALLER_CLSIDS.includes(directory.rootClsid) || directory.names.some((n) => n.startsWith('\u4840')))
    return DETECTED.INSTALLER;
  const names = directory.names.map((n) => n.toLowerCase());
  const office = onlyOne(names.flatMap((n) => OFFICE_STREAMS.get(n) ?? []));
  if (office) {
    if (!names.some((n) => MACRO_STORAGES.includes(n))) return DETECTED[office];
    const { label } = DETECTED[office];
    return {
      ...DETECTED[office],
      macros: true,
      label: { zh: `${label.zh}（含宏）`, en: `${label.en} with macros` },
    };
  }
  const message =
    directory.rootClsid === OUTLOOK_MESSAGE_CLSID ||
    names.some((n) => n.startsWith('__substg1.0_') || n === '__properties_version1.0');
  return message ? DETECTED.OUTLOOK_MESSAGE : DETECTED.COMPOUND_FILE;
}

/**
 * What a file is, from its first `detectionLength` bytes. Undefined when the bytes match no known
 * signature; such a file is refused like any other disallowed type.
 */
export function detectFileType(bytes: Uint8Array): DetectedType | undefined {
  if (startsWith(bytes, PDF_SIGNATURE)) return DETECTED.PDF;
  if (startsWith(bytes, PNG_SIGNATURE)) return DETECTED.PNG;
  if (startsWith(bytes, JPEG_SIGNATURE)) return DETECTED.JPEG;
  if (startsWith(bytes, COMPOUND_FILE_SIGNATURE)) return compoundFileType(bytes);
  if (startsWith(bytes, ZIP_LOCAL_HEADER)) return DETECTED[zipFormat(bytes)];
  if (startsWith(bytes, MZ_SIGNATURE)) return DETECTED.EXECUTABLE;
  return undefined;
}

/**
 * The type a recorded upload is served with: the canonical type of the format found in its bytes
 * (never the uploader's claim), or opaque bytes when no format was recognised (or the record names
 * a format no longer detected, such as the former LEGACY_OFFICE).
 */
export function servedContentType(detectedFormat: string | undefined): string {
  const detected =
    detectedFormat !== undefined && Object.hasOwn(DETECTED, detectedFormat)
      ? DETECTED[detectedFormat as FileFormat]
      : undefined;
  return detected?.contentTypes[0] ?? 'application/octet-stream';
}

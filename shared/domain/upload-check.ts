import type { BilingualText } from './bilingual.js';
import { type DetectedType, fileExtension } from './file-types.js';
import { PDF_ONLY_KINDS, parseUploadKey, UPLOAD_KIND_LABELS } from './uploads.js';

/**
 * Whether an object that landed in the bucket may be kept as a deliverable: its key, its size, what
 * its bytes are, and whether the uploader's claims (the declared type, the file name's extension)
 * agree with them. Each refusal is said in both languages, for the NGO and for staff.
 */

export type UploadRule =
  | 'key-outside-scheme'
  | 'empty-file'
  | 'too-large'
  | 'file-type-not-allowed'
  | 'macros-not-allowed'
  | 'content-type-mismatch'
  | 'extension-mismatch'
  | 'pdf-required';

export interface UploadRefusal {
  rule: UploadRule;
  message: BilingualText;
}

export interface UploadedObject {
  key: string;
  size: number;
  /** `detectFileType` of the object's bytes. */
  detected: DetectedType | undefined;
  /** The Content-Type the object was stored with (the uploader's claim). */
  declaredContentType: string | undefined;
  maxBytes: number;
  /** From the upload settings: whether documents with VBA macros may be kept. */
  allowMacroDocuments: boolean;
}

function describeSize(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB (${bytes.toLocaleString('en-US')} bytes)`;
}

/** `Image/PNG; charset=x` -> `image/png`. */
function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** `an Excel workbook`, `a PDF document`. */
function withArticle(label: string): string {
  return `${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;
}

const allowedList: BilingualText = {
  zh: 'PDF、Word、Excel、PowerPoint、JPEG 或 PNG',
  en: 'PDF, Word, Excel, PowerPoint, JPEG or PNG',
};

function typeRefusal(detected: DetectedType | undefined): UploadRefusal {
  return {
    rule: 'file-type-not-allowed',
    message: detected
      ? {
          zh: `按文件内容判断这是${detected.label.zh}，不允许上传；请上传 ${allowedList.zh} 文件。`,
          en: `by its content this file is ${withArticle(detected.label.en)}, which is not allowed; upload a ${allowedList.en} file.`,
        }
      : {
          zh: `文件内容不是任何允许的类型；请上传 ${allowedList.zh} 文件。`,
          en: `the file's content matches none of the allowed types; upload a ${allowedList.en} file.`,
        },
  };
}

function macrosRefusal(detected: DetectedType): UploadRefusal {
  return {
    rule: 'macros-not-allowed',
    message: {
      zh: `按文件内容判断这是${detected.label.zh}，含有宏（VBA 代码），不接收含宏的文档；请另存为不含宏的文档（.docx、.xlsx、.pptx）或 PDF 后上传。`,
      en: `by its content this file is ${withArticle(detected.label.en)}; documents with macros (VBA code) are not accepted: save it without macros (.docx, .xlsx, .pptx) or as PDF and upload that.`,
    },
  };
}

function contentTypeRefusal(detected: DetectedType, declared: string | undefined): UploadRefusal {
  const claim = declared ? `declared as ${declared}` : 'declared without a content type';
  const claimZh = declared ? `声明类型为 ${declared}` : '未声明文件类型';
  return {
    rule: 'content-type-mismatch',
    message: {
      zh: `文件${claimZh}，但按内容判断是${detected.label.zh}（${detected.contentTypes[0]}）。`,
      en: `the file was ${claim}, but by its content it is ${withArticle(detected.label.en)} (${detected.contentTypes[0]}).`,
    },
  };
}

function extensionRefusal(detected: DetectedType, extension: string): UploadRefusal {
  const expected = detected.extensions.join(' / ');
  return {
    rule: 'extension-mismatch',
    message: {
      zh: `${extension ? `文件名后缀为 ${extension}` : '文件名没有后缀'}，但按内容判断是${detected.label.zh}（应为 ${expected}）。`,
      en: `${extension ? `the file name ends in ${extension}` : 'the file name has no extension'}, but by its content it is ${withArticle(detected.label.en)} (${expected}).`,
    },
  };
}

/** Every reason to refuse an object that has landed in the bucket; empty when it may be kept as a deliverable. */
export function checkUploadedObject(object: UploadedObject): UploadRefusal[] {
  const { key, size, detected, declaredContentType, maxBytes } = object;
  const parts = parseUploadKey(key);
  const refusals: UploadRefusal[] = [];
  if (!parts) {
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
  if (size > 0 && !detected?.allowed) refusals.push(typeRefusal(detected));
  else if (parts && PDF_ONLY_KINDS.includes(parts.kind) && detected && detected.format !== 'PDF') {
    const kind = UPLOAD_KIND_LABELS[parts.kind];
    refusals.push({
      rule: 'pdf-required',
      message: {
        zh: `${kind.zh}须为 PDF 文件，按文件内容判断这是${detected.label.zh}。`,
        en: `${withArticle(kind.en.toLowerCase())} must be a PDF; by its content this file is ${withArticle(detected.label.en)}.`,
      },
    });
  }
  if (!detected) return refusals;
  if (detected.allowed && detected.macros && !object.allowMacroDocuments)
    refusals.push(macrosRefusal(detected));
  const declared = declaredContentType === undefined ? undefined : mediaType(declaredContentType);
  if (declared === undefined || !detected.contentTypes.some((t) => t.toLowerCase() === declared))
    refusals.push(contentTypeRefusal(detected, declared));
  const extension = parts ? fileExtension(parts.fileName) : undefined;
  if (extension !== undefined && detected.extensions.length > 0 && !detected.extensions.includes(extension))
    refusals.push(extensionRefusal(detected, extension));
  return refusals;
}

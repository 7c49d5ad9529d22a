import type { BilingualText } from './bilingual.js';

/**
 * What an NGO (and the evaluation agency, its written report) may upload and where it lands.
 * Files go straight to S3 through a presigned POST, so nothing here sees a request: the key
 * scheme fixes where each kind of file may go, and once the object exists its bytes decide what
 * it is (file-types.ts) and whether it is kept (upload-check.ts).
 */

export const UPLOAD_KINDS = [
  'SIGNED_CONTRACT',
  'MIDTERM_REPORT',
  'FINAL_REPORT',
  'EVIDENCE',
  // The evaluation agency's written report: granted only to the assigned agency's task link.
  'EVALUATION_REPORT',
] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

export const UPLOAD_KIND_LABELS: Readonly<Record<UploadKind, BilingualText>> = {
  SIGNED_CONTRACT: { zh: '已签署合同', en: 'Signed contract' },
  MIDTERM_REPORT: { zh: '中期报告', en: 'Mid-term report' },
  FINAL_REPORT: { zh: '终期报告', en: 'Final report' },
  EVIDENCE: { zh: '佐证材料', en: 'Evidence' },
  EVALUATION_REPORT: { zh: '第三方评估报告', en: 'Evaluation report' },
};

/** Kinds kept only as a PDF (the record of a signed-off report); the others take every uploadable type. */
export const PDF_ONLY_KINDS: readonly UploadKind[] = ['EVALUATION_REPORT'];

/** Who uploaded an evaluation report: the agency its grant was for. */
export function agencyUploader(agencyId: string): string {
  return `agency:${agencyId}`;
}

/** How many characters of an upload id are random (16 bytes, base64url). */
export const UPLOAD_ID_RANDOM_CHARS = 22;
/** An evaluation agency's id on the roster: 2-40 of a-z, 0-9 and `-` (never `_`). */
export const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;

/**
 * An evaluation report's upload id names the agency its grant was for, `<agencyId>_<random>`
 * (agency ids have no `_`). The presigned POST pins the whole key, so the agency cannot be changed
 * by whoever posts the file, and the record can tell a report granted to an agency that has since
 * stepped aside.
 */
export function agencyUploadId(agencyId: string, random: string): string {
  if (!AGENCY_ID.test(agencyId) || random.length !== UPLOAD_ID_RANDOM_CHARS)
    throw new InvalidUploadKeyError(
      `a report's upload id is an agency id and ${UPLOAD_ID_RANDOM_CHARS} random characters, got ${agencyId} and ${random.length}`,
    );
  return `${agencyId}_${random}`;
}

/** The agency a report's upload id names; undefined for an id that names none (granted before ids did). */
export function grantedAgencyOf(uploadId: string): string | undefined {
  const cut = uploadId.length - UPLOAD_ID_RANDOM_CHARS - 1;
  if (cut < 2 || uploadId[cut] !== '_') return undefined;
  const agencyId = uploadId.slice(0, cut);
  return AGENCY_ID.test(agencyId) ? agencyId : undefined;
}

/** Why a report is not taken from an agency that is no longer the purchase's (it declined or declared a conflict). */
export const AGENCY_REPLACED_RULE = 'agency-no-longer-assigned';
export function agencyReplacedReason(): { rule: string; message: BilingualText } {
  return {
    rule: AGENCY_REPLACED_RULE,
    message: {
      zh: '此报告的上传授权属于已不再负责本项目评估的机构（已谢绝或已声明利益冲突），报告未被接收。',
      en: 'This report was granted to an agency that no longer evaluates this purchase (it declined or declared a conflict), so it was not accepted.',
    },
  };
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

import type { BilingualText } from './bilingual.js';
import { chinaCalendarDate, DAY_MS } from './china-time.js';
import type { UploadRefusalReason } from './deliverables.js';
import { UPLOAD_KIND_LABELS, type UploadKind } from './uploads.js';

/**
 * How much an NGO may upload in a day: per purchase, kind and China calendar day, at most so many
 * presigned POSTs (grants) are handed out and so many objects are kept. A link in the wrong hands,
 * or a script gone wrong, can then fill neither the bucket nor the purchase's record; an honest NGO
 * uploading a report with its annexes, or a day's evidence, stays well inside. What the limits
 * are is a setting (lifecycle.uploads.limits); what is counted and what the NGO is told is here.
 */

/** What is counted: the grants handed out, and the objects (each S3 version) that landed. */
export type UploadMeasure = 'GRANT' | 'OBJECT';

/** Counted once; counted before (a redelivered event, the same object); or refused, the day's limit being used up. */
export type UploadCountOutcome = 'COUNTED' | 'ALREADY_COUNTED' | 'LIMIT_REACHED';

/** The rule a kept-but-refused object names on the NGO page and the audit trail. */
export const DAILY_LIMIT_RULE = 'daily-limit';

/** The rule a refused grant names in the presign reply. */
export const DAILY_GRANT_LIMIT_RULE = 'daily-grant-limit';

/** How long a day's counters are kept after the day ends: they decide nothing once it is over. */
const COUNTER_KEPT_DAYS = 2;

/** The day an upload counts against: the China calendar date at the instant (UTC+8, midnight to midnight). */
export function uploadDay(at: string): string {
  return chinaCalendarDate(at);
}

/** When the China day `YYYY-MM-DD` ends and the next day's allowance begins (ms since the epoch). */
export function uploadDayEnds(day: string): number {
  return Date.parse(`${day}T00:00:00.000+08:00`) + DAY_MS;
}

/**
 * When a day's counters may go (Unix seconds, as DynamoDB's TTL reads it): two days after the
 * China day ends. They are tallies, not records: the audit trail and the deliverables are.
 */
export function uploadCountExpiry(day: string): number {
  return Math.floor((uploadDayEnds(day) + COUNTER_KEPT_DAYS * DAY_MS) / 1000);
}

/** Why no grant is handed out: the day's grants of the kind are used up. */
export function grantLimitMessage(kind: UploadKind, limit: number): BilingualText {
  const label = UPLOAD_KIND_LABELS[kind];
  return {
    zh: `今天已为“${label.zh}”申请 ${limit} 次上传，已达每日上限；请于北京时间零点后再试，或联系经办人。`,
    en: `Uploads of “${label.en}” were requested ${limit} times today, the daily limit; try again after midnight China time (UTC+8), or contact the officer in charge.`,
  };
}

/** What the NGO's page says of a kind whose day is used up, before anything is tried. */
export function usedUpNotice(kind: UploadKind, measure: UploadMeasure, limit: number): BilingualText {
  if (measure === 'GRANT') return grantLimitMessage(kind, limit);
  const label = UPLOAD_KIND_LABELS[kind];
  return {
    zh: `今天已收到 ${limit} 个“${label.zh}”文件，已达每日上限，今天再上传的此类文件不会被接收；请于北京时间零点后再上传，或联系经办人。`,
    en: `${limit} files of “${label.en}” arrived today, the daily limit, so more of them today would not be accepted; upload them after midnight China time (UTC+8), or contact the officer in charge.`,
  };
}

/** Why an object that landed is kept but refused: the day's objects of the kind are used up. */
export function objectLimitReason(kind: UploadKind, limit: number): UploadRefusalReason {
  const label = UPLOAD_KIND_LABELS[kind];
  return {
    rule: DAILY_LIMIT_RULE,
    message: {
      zh: `今天已收到 ${limit} 个“${label.zh}”文件，已达每日上限，此文件未被接收；请于北京时间零点后再上传，或联系经办人。`,
      en: `${limit} files of “${label.en}” already arrived today, the daily limit, so this one was not accepted; upload it again after midnight China time (UTC+8), or contact the officer in charge.`,
    },
  };
}

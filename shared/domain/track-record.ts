import type { BilingualText } from './bilingual.js';
import { chinaCalendarDate } from './china-time.js';
import { formatTotal, type Grade, type TotalTenths } from './evaluation.js';

/**
 * An NGO's track record: the grade of each evaluated purchase. A failed evaluation bars the
 * NGO from new purchases from the day it is recorded through the end of the following
 * calendar year (China dates).
 */

export interface TrackRecordEntry {
  purchaseId: string;
  grade: Grade;
  total: TotalTenths;
  /** ISO instant the evaluation was recorded. */
  evaluatedAt: string;
  /** China date of `evaluatedAt`, `YYYY-MM-DD`. */
  evaluatedOn: string;
}

export function trackRecordEntry(input: {
  purchaseId: string;
  grade: Grade;
  total: TotalTenths;
  evaluatedAt: string;
}): TrackRecordEntry {
  return { ...input, evaluatedOn: chinaCalendarDate(input.evaluatedAt) };
}

/** The last day (China date) an entry bars the NGO; undefined unless it is a FAIL. */
export function barredUntil(entry: TrackRecordEntry): string | undefined {
  if (entry.grade !== 'FAIL') return undefined;
  const year = Number(entry.evaluatedOn.slice(0, 4));
  return `${year + 1}-12-31`;
}

export interface BarStatus {
  barred: boolean;
  /** Last barred day, when barred. */
  until?: string;
  /** The failed evaluation that bars the NGO, when barred. */
  because?: TrackRecordEntry;
  reason?: BilingualText;
}

/**
 * Whether an NGO with these entries is barred on `onDate` (`YYYY-MM-DD`, China date). With
 * several failures the one whose bar lasts longest is reported. ISO dates compare as text.
 */
export function isBarred(entries: readonly TrackRecordEntry[], onDate: string): BarStatus {
  let worst: { entry: TrackRecordEntry; until: string } | undefined;
  for (const entry of entries) {
    const until = barredUntil(entry);
    if (until === undefined || onDate < entry.evaluatedOn || onDate > until) continue;
    if (!worst || until > worst.until) worst = { entry, until };
  }
  if (!worst) return { barred: false };
  const { entry, until } = worst;
  return {
    barred: true,
    until,
    because: entry,
    reason: {
      zh: `该机构承接的项目 ${entry.purchaseId} 于 ${entry.evaluatedOn} 第三方评估不合格（${formatTotal(entry.total)} 分），${until} 前不得承接新的政府购买服务项目。`,
      en: `the NGO failed the third-party evaluation of ${entry.purchaseId} on ${entry.evaluatedOn} (${formatTotal(entry.total)} points) and may not take new purchases until ${until} inclusive.`,
    },
  };
}

/**
 * Time as the bureau reads it: China Standard Time, UTC+8 all year (no daylight saving).
 * Done by arithmetic rather than Intl so results never depend on the runtime's ICU data.
 */
/** One day in milliseconds: China keeps no daylight saving, so every day is this long. */
export const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

export class InvalidTimestampError extends Error {
  override name = 'InvalidTimestampError';
}

function instantMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new InvalidTimestampError(`not an ISO 8601 timestamp: ${iso}`);
  return ms;
}

/** `YYYY-MM-DDTHH:mm:ss.sss` on the China wall clock at an instant. */
function chinaWallClock(iso: string): string {
  return new Date(instantMs(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 23);
}

/** The calendar date in China at an instant, `YYYY-MM-DD`. */
export function chinaCalendarDate(iso: string): string {
  return chinaWallClock(iso).slice(0, 10);
}

/** An instant to the minute, e.g. `2026-03-02 16:00 (UTC+8)`. */
export function formatChinaTime(iso: string): string {
  const local = chinaWallClock(iso);
  return `${local.slice(0, 10)} ${local.slice(11, 16)} (UTC+8)`;
}

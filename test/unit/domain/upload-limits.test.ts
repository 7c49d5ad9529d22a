import { describe, expect, it } from 'vitest';
import {
  DAILY_LIMIT_RULE,
  grantLimitMessage,
  objectLimitReason,
  uploadCountExpiry,
  uploadDay,
} from '../../../shared/domain/upload-limits.js';

describe('the day an upload counts against', () => {
  it('is the China calendar date: 23:59 and 00:00 in Xiamen are two days, whatever the UTC date', () => {
    expect(uploadDay('2026-03-02T15:59:59.999Z')).toBe('2026-03-02');
    expect(uploadDay('2026-03-02T16:00:00.000Z')).toBe('2026-03-03');
  });

  it("lets a day's counters go two days after the day ends in China, never while the day is on", () => {
    const expiry = uploadCountExpiry('2026-03-02');
    // The day ends at 2026-03-02T16:00Z; two days later is 2026-03-04T16:00Z.
    expect(new Date(expiry * 1000).toISOString()).toBe('2026-03-04T16:00:00.000Z');
    expect(expiry * 1000).toBeGreaterThan(Date.parse('2026-03-02T15:59:59.999Z'));
  });
});

describe('what the NGO is told when a limit is hit', () => {
  it('names the kind and the limit in both languages when no more grants are handed out today', () => {
    expect(grantLimitMessage('MIDTERM_REPORT', 30)).toEqual({
      zh: '今天已为“中期报告”申请 30 次上传，已达每日上限；请于北京时间零点后再试，或联系经办人。',
      en: 'Uploads of “Mid-term report” were requested 30 times today, the daily limit; try again after midnight China time (UTC+8), or contact the officer in charge.',
    });
  });

  it('refuses an object past the limit with the daily-limit rule, saying when to upload it again', () => {
    const reason = objectLimitReason('EVIDENCE', 20);
    expect(reason.rule).toBe(DAILY_LIMIT_RULE);
    expect(reason.rule).toBe('daily-limit');
    expect(reason.message.zh).toContain('今天已收到 20 个“佐证材料”文件');
    expect(reason.message.en).toContain('20 files of “Evidence” already arrived today');
    expect(reason.message.en).toContain('after midnight China time');
  });
});

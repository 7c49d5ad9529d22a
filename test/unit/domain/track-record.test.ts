import { describe, expect, it } from 'vitest';
import { barredUntil, isBarred, trackRecordEntry } from '../../../shared/domain/track-record.js';

const failed2026 = trackRecordEntry({
  purchaseId: 'PUR-2026-FAILED',
  grade: 'FAIL',
  total: 552,
  evaluatedAt: '2026-12-20T03:00:00Z',
});

describe('track record', () => {
  it('records the China date of the evaluation', () => {
    expect(failed2026.evaluatedOn).toBe('2026-12-20');
    const lateEvening = trackRecordEntry({
      purchaseId: 'PUR-X',
      grade: 'FAIL',
      total: 500,
      evaluatedAt: '2026-12-31T17:30:00Z',
    });
    expect(lateEvening.evaluatedOn).toBe('2027-01-01');
    expect(barredUntil(lateEvening)).toBe('2028-12-31');
  });

  it('bars a failed NGO until the end of the following calendar year', () => {
    expect(barredUntil(failed2026)).toBe('2027-12-31');
  });

  it('does not bar for a passing grade', () => {
    for (const grade of ['PASS', 'GOOD', 'EXCELLENT'] as const) {
      const entry = trackRecordEntry({
        purchaseId: 'PUR-OK',
        grade,
        total: 600,
        evaluatedAt: '2026-06-01T00:00:00Z',
      });
      expect(barredUntil(entry)).toBeUndefined();
      expect(isBarred([entry], '2026-06-02')).toEqual({ barred: false });
    }
  });

  it('keeps the NGO barred from the day of the failure through the last day of the following year', () => {
    expect(isBarred([failed2026], '2026-12-19').barred).toBe(false);
    expect(isBarred([failed2026], '2026-12-20').barred).toBe(true);
    expect(isBarred([failed2026], '2027-06-30').barred).toBe(true);
    const lastDay = isBarred([failed2026], '2027-12-31');
    expect(lastDay).toMatchObject({ barred: true, until: '2027-12-31', because: failed2026 });
    expect(isBarred([failed2026], '2028-01-01')).toEqual({ barred: false });
  });

  it('explains the bar in both languages', () => {
    const status = isBarred([failed2026], '2027-03-01');
    expect(status.reason?.zh).toContain('PUR-2026-FAILED');
    expect(status.reason?.zh).toContain('55.2 分');
    expect(status.reason?.zh).toContain('2027-12-31');
    expect(status.reason?.en).toContain('may not take new purchases until 2027-12-31');
  });

  it('reports the failure whose bar lasts longest when there are several', () => {
    const failed2027 = trackRecordEntry({
      purchaseId: 'PUR-2027-FAILED',
      grade: 'FAIL',
      total: 400,
      evaluatedAt: '2027-05-10T02:00:00Z',
    });
    const passed = trackRecordEntry({
      purchaseId: 'PUR-2027-OK',
      grade: 'EXCELLENT',
      total: 950,
      evaluatedAt: '2027-06-10T02:00:00Z',
    });
    const status = isBarred([failed2026, passed, failed2027], '2027-07-01');
    expect(status).toMatchObject({ barred: true, until: '2028-12-31', because: failed2027 });
    expect(isBarred([failed2026, passed, failed2027], '2028-12-31').barred).toBe(true);
  });

  it('is not barred with no track record', () => {
    expect(isBarred([], '2026-01-01')).toEqual({ barred: false });
  });
});

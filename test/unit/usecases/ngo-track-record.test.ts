import { beforeEach, describe, expect, it } from 'vitest';
import { creditCodeFrom, sampleProposal } from '../../../infra/local/samples/proposals.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import { trackRecordEntry } from '../../../shared/domain/track-record.js';
import { ngoTrackRecord } from '../../../shared/usecases/ngo-track-record.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { recordingCalls } from '../../support/handler-harness.js';

const LELING = sampleProposal().ngo;
const FIRST = 'PUR-2024-LELINGFIRST00001';
const SECOND = 'PUR-2025-LELINGSECOND0001';

let fakes: Fakes;

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  fakes.purchases.seed(
    purchaseRecord(FIRST, sampleProposal({ title: '2024年思明区居家养老上门服务项目' }), { stage: 'CLOSED' }),
  );
  fakes.purchases.seed(
    purchaseRecord(
      SECOND,
      sampleProposal({
        title: '2025年思明区老年助餐服务项目',
        ngo: { ...LELING, name: '厦门市思明区乐龄社会工作服务中心（更名）' },
      }),
      { stage: 'CLOSED' },
    ),
  );
});

const lookUp = (code: string) =>
  ngoTrackRecord(
    { trackRecords: fakes.trackRecords, purchases: fakes.purchases, now: fakes.clock.now },
    code,
  );

async function evaluated(purchaseId: string, grade: 'GOOD' | 'FAIL', total: number, evaluatedAt: string) {
  await fakes.trackRecords.addEvaluation(
    LELING.creditCode,
    trackRecordEntry({ purchaseId, grade, total, evaluatedAt }),
  );
}

describe("an NGO's track record, as the proposal form shows it", () => {
  it('is empty and not barred for an NGO never evaluated', async () => {
    const code = creditCodeFrom('52350212MJ0581942');
    expect(await lookUp(code)).toEqual({ creditCode: code, evaluations: [], barred: false });
  });

  it('lists each evaluation newest first with its title, grade and points, and names the NGO as last registered', async () => {
    await evaluated(FIRST, 'GOOD', 864, '2024-12-20T02:00:00.000Z');
    await evaluated(SECOND, 'GOOD', 912, '2025-12-18T02:00:00.000Z');

    expect(await lookUp(LELING.creditCode)).toEqual({
      creditCode: LELING.creditCode,
      name: '厦门市思明区乐龄社会工作服务中心（更名）',
      evaluations: [
        {
          purchaseId: SECOND,
          title: '2025年思明区老年助餐服务项目',
          grade: 'GOOD',
          total: 912,
          totalPoints: '91.2',
          evaluatedOn: '2025-12-18',
        },
        {
          purchaseId: FIRST,
          title: '2024年思明区居家养老上门服务项目',
          grade: 'GOOD',
          total: 864,
          totalPoints: '86.4',
          evaluatedOn: '2024-12-20',
        },
      ],
      barred: false,
    });
  });

  it('says a failed NGO is barred through the end of the following year, and why, in both languages', async () => {
    await evaluated(SECOND, 'FAIL', 552, '2025-12-18T02:00:00.000Z');

    const record = await lookUp(LELING.creditCode);

    expect(record).toMatchObject({ barred: true, barredUntil: '2026-12-31' });
    expect(record.evaluations[0]).toMatchObject({
      grade: 'FAIL',
      totalPoints: '55.2',
      barsUntil: '2026-12-31',
    });
    expect(record.reason?.zh).toContain('2026-12-31 前不得承接');
    expect(record.reason?.en).toContain('may not take new purchases until 2026-12-31');
  });

  it('no longer bars once the bar is over, and still shows the failed evaluation', async () => {
    await evaluated(SECOND, 'FAIL', 552, '2025-12-18T02:00:00.000Z');
    fakes.clock.set('2026-12-31T16:00:00.000Z'); // 1 January 2027 in China

    const record = await lookUp(LELING.creditCode);

    expect(record.barred).toBe(false);
    expect(record.evaluations[0]).toMatchObject({ grade: 'FAIL', barsUntil: '2026-12-31' });
  });

  it('reads a code typed in lower case and with spaces as the code', async () => {
    await evaluated(FIRST, 'GOOD', 864, '2024-12-20T02:00:00.000Z');
    const typed = ` ${LELING.creditCode.toLowerCase()} `;
    expect((await lookUp(typed)).evaluations).toHaveLength(1);
  });

  it('refuses a code with a wrong check character or a wrong structure, naming the rule, before reading anything', async () => {
    const recorded = recordingCalls({ trackRecords: fakes.trackRecords, purchases: fakes.purchases });
    const read = (code: string) =>
      ngoTrackRecord({ ...recorded.deps, now: fakes.clock.now }, code).catch((e: unknown) => e);
    const good = LELING.creditCode;
    const wrongCheck = `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'}`;

    const check = (await read(wrongCheck)) as ValidationError;
    expect(check).toBeInstanceOf(ValidationError);
    expect(check.errors).toEqual([
      expect.objectContaining({
        field: 'creditCode',
        rule: 'credit-code-check-digit',
        allowed: good,
      }),
    ]);
    const short = (await read('52350203MJ04')) as ValidationError;
    expect(short.errors).toEqual([expect.objectContaining({ rule: 'credit-code-structure' })]);
    expect(short.errors[0]?.message).toMatch(/must be 18 characters, got 12/);
    expect(recorded.calls).toEqual([]);
  });
});

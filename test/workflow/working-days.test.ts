import { afterEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../infra/local/stepfunctions/index.js';
import { officialCalendar } from '../../shared/domain/official-calendar.js';
import { attemptTimeouts, type CalendarYear } from '../../shared/domain/working-days.js';
import { lifecycleDefinition } from '../support/lifecycle-definition.js';
import { SHIPPED_SETTINGS } from '../support/settings.js';

/**
 * The synthesized definition with its waits in working days (the shipped settings), run on the
 * local engine with scripted Lambdas: the plan step answers with the timeouts the real domain
 * works out on the official calendar, and the approval waits them out. An approval asked just
 * before the Spring Festival does not lapse during it.
 */

const SM_ARN = 'arn:aws:states:local:000000000000:stateMachine:purchase-lifecycle';
/** The tests' own 2027: the Spring Festival from Thursday 4 to Friday 12 February, made up on 20 February. */
const YEAR_2027: CalendarYear = {
  holidays: ['01-01', '02-04/02-12'],
  workdays: ['01-31', '02-20'],
  source: 'test',
  sample: true,
};
/** Wednesday 3 February 2027, 15:00 China time: the last working afternoon before the festival. */
const ASKED_AT = Date.parse('2027-02-03T07:00:00.000Z');
const DAY_S = 86_400;
/** One engine second in milliseconds: a day passes in about 43 ms. */
const MS_PER_SECOND = 0.0005;

let engine: LocalStepFunctions | undefined;

afterEach(async () => {
  await engine?.stopAllExecutions();
});

describe('waits in working days (synthesized definition)', () => {
  const settings = structuredClone(SHIPPED_SETTINGS);
  settings.policy.officialCalendar = { '2027': YEAR_2027 };
  const definition = lifecycleDefinition(settings) as {
    States: Record<string, { TimeoutSeconds?: number; TimeoutSecondsPath?: string }>;
  };

  it('takes each attempt’s timeout from the plan step’s answer (TimeoutSecondsPath) where the wait counts working days', () => {
    expect(settings.policy.approval.timeoutWorkingDays).toBeDefined();
    const { States } = definition;
    expect(States['Ask approver']).toMatchObject({ TimeoutSecondsPath: '$.plan.value.timeouts.FIRST' });
    expect(States['Remind approver']).toMatchObject({ TimeoutSecondsPath: '$.plan.value.timeouts.REMINDER' });
    expect(States['Escalate to deputy']).toMatchObject({
      TimeoutSecondsPath: '$.plan.value.timeouts.ESCALATION',
    });
    expect(States['Await signed contract']).toMatchObject({
      TimeoutSecondsPath: '$.contracting.value.timeouts.FIRST',
    });
    expect(States['Ask countersignature']).toMatchObject({
      TimeoutSecondsPath: '$.contracting.value.timeouts.FIRST',
    });
    expect(States['Ask mid-term review']).toMatchObject({
      TimeoutSecondsPath: '$.midterm.value.timeouts.FIRST',
    });
    expect(States['Escalate late report']).toMatchObject({
      TimeoutSecondsPath: '$.midterm.value.timeouts.ESCALATION',
    });
    expect(States['Ask evaluation agency']).toMatchObject({
      TimeoutSecondsPath: '$.evaluation.value.timeouts.FIRST',
    });
    for (const name of [
      'Ask approver',
      'Ask countersignature',
      'Ask mid-term review',
      'Ask evaluation agency',
    ])
      expect(States[name]?.TimeoutSeconds, name).toBeUndefined();
  });

  it('an approval asked the afternoon before the Spring Festival is not reminded, escalated or lapsed during it', async () => {
    const timeouts = attemptTimeouts(
      ASKED_AT,
      { workingDays: settings.policy.approval.timeoutWorkingDays ?? 0 },
      officialCalendar(settings.policy),
    );
    // Three working days from Wednesday 3 February: the first attempt runs to the end of
    // Wednesday 17 February, through the nine days off; the seconds setting would have lapsed
    // the whole approval within them.
    expect(timeouts.FIRST).toBeGreaterThan(14 * DAY_S);
    expect(new Date(ASKED_AT + timeouts.FIRST * 1000).toISOString()).toBe('2027-02-17T16:00:00.000Z');
    const festivalEnds = Date.parse('2027-02-12T23:59:59.999+08:00');
    expect(ASKED_AT + 3 * settings.policy.approval.timeoutSeconds * 1000).toBeLessThan(festivalEnds);

    const asked: { attempt: string; at: number }[] = [];
    const calls: string[] = [];
    engine = new LocalStepFunctions({
      clock: { msPerSecond: MS_PER_SECOND },
      invokeLambda: async (functionName, payload) => {
        const step = functionName.replace(/[0-9A-F]{8}$/, '');
        const body = payload as Record<string, unknown>;
        calls.push(step);
        if (step === 'RequestDecision') asked.push({ attempt: String(body.attempt), at: performance.now() });
        if (step === 'PlanApproval')
          return { payload: { next: 'SECTION_CHIEF', remaining: ['SECTION_CHIEF'], timeouts } };
        return { payload: {} };
      },
    });
    engine.registerStateMachine({ arn: SM_ARN, name: 'purchase-lifecycle', definition });
    const { executionArn } = await engine.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-FESTIVAL',
      input: '{"purchaseId":"PUR-FESTIVAL"}',
    });
    for (let i = 0; i < 2000; i++) {
      if ((await engine.describeExecution({ executionArn })).status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 5));
    }

    expect(asked.map((a) => a.attempt)).toEqual(['FIRST', 'REMINDER', 'ESCALATION']);
    // Timers never fire early: each attempt waited at least its working days' seconds.
    const [first, reminder, escalation] = asked as [(typeof asked)[0], (typeof asked)[0], (typeof asked)[0]];
    expect(reminder.at - first.at).toBeGreaterThanOrEqual(timeouts.FIRST * MS_PER_SECOND * 0.95);
    expect(escalation.at - reminder.at).toBeGreaterThanOrEqual(timeouts.REMINDER * MS_PER_SECOND * 0.95);
    expect(calls.at(-1)).toBe('RejectPurchase');
  });
});

import {
  Choice,
  Condition,
  Errors,
  type IChainable,
  JsonPath,
  Pass,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { WORKFLOW_ERRORS } from '../../shared/domain/workflow-errors.js';
import type { WaitTimeout } from '../../shared/domain/working-days.js';
import { EscalatingWait, plannedTimeouts } from '../escalating-wait.js';
import { callbackStep, lambdaStep } from '../lambda-step.js';
import { failure, handOverWhenDue } from './endings.js';
import type { StageContext, StageFragment } from './stage.js';

/**
 * The mid-term review: the NGO is reminded before the due date, the report is awaited until
 * the due date plus grace, then the section chief reviews it (pass, rectify for another
 * round, terminate); a report still missing at the deadline is late, and the chief extends
 * the deadline or terminates. Plan reads every round from DynamoDB, so a resumed execution
 * picks up the round it was in. `reviewTimeout` is how long the chief has for a decision,
 * before the reminder and again before escalation.
 */
export function midtermStage(ctx: StageContext, reviewTimeout: WaitTimeout): StageFragment {
  const { scope, functions: fns, endings } = ctx;
  // The chief's waits follow the plan step, whose answer carries their timeouts.
  const chiefTimeout = plannedTimeouts(reviewTimeout, '$.midterm.value.timeouts');
  const purchaseId = JsonPath.stringAt('$.purchaseId');
  const round = JsonPath.numberAt('$.midterm.value.round');

  const plan = lambdaStep(
    scope,
    'Plan mid-term review',
    fns.planMidterm,
    { purchaseId, startedAt: JsonPath.executionStartTime },
    '$.midterm',
  );
  const reminderDay = new Wait(scope, 'Until the mid-term reminder', {
    time: WaitTime.timestampPath('$.midterm.value.reminderAt'),
  });
  const awaitReport = callbackStep(
    scope,
    'Await mid-term report',
    fns.awaitUpload,
    {
      purchaseId,
      kind: 'MIDTERM_REPORT',
      since: JsonPath.stringAt('$.midterm.value.since'),
      deadline: JsonPath.stringAt('$.midterm.value.deadline'),
      attempt: 'FIRST',
    },
    '$.midterm.value.waitSeconds',
    '$.upload',
  );
  const terminated = new Pass(scope, 'Mid-term ended the purchase', {
    parameters: { Error: WORKFLOW_ERRORS.terminated, 'Cause.$': '$.midterm.value.reason' },
    resultPath: '$.failure',
  }).next(endings.terminate);
  const lapsed = failure(
    scope,
    'Mid-term decision lapsed',
    WORKFLOW_ERRORS.midtermLapsed,
    'no mid-term decision after a reminder and an escalation',
  ).next(endings.terminate);
  const lateReport = new EscalatingWait(scope, {
    names: {
      FIRST: 'Ask about late report',
      REMINDER: 'Remind about late report',
      ESCALATION: 'Escalate late report',
    },
    fn: fns.requestDecision,
    payload: {
      purchaseId,
      purpose: 'LATE_REPORT',
      level: 'SECTION_CHIEF',
      round,
      extension: JsonPath.mathAdd(JsonPath.numberAt('$.midterm.value.extensions'), 1),
      deadline: JsonPath.stringAt('$.midterm.value.deadline'),
    },
    timeout: chiefTimeout,
    resultPath: '$.decision',
    onLapse: lapsed,
  });
  lateReport.next(plan);
  awaitReport.addCatch(lateReport.entry, { errors: [Errors.TIMEOUT], resultPath: '$.timedOut' });
  awaitReport.next(plan);
  reminderDay.next(awaitReport);
  const review = new EscalatingWait(scope, {
    names: {
      FIRST: 'Ask mid-term review',
      REMINDER: 'Remind mid-term reviewer',
      ESCALATION: 'Escalate mid-term review',
    },
    fn: fns.requestDecision,
    payload: {
      purchaseId,
      purpose: 'MIDTERM_REVIEW',
      level: 'SECTION_CHIEF',
      round,
      maxRounds: JsonPath.numberAt('$.midterm.value.maxRounds'),
    },
    timeout: chiefTimeout,
    resultPath: '$.decision',
    onLapse: lapsed,
  });
  review.next(plan);
  const pass = lambdaStep(scope, 'Conclude mid-term review', fns.concludeMidterm, { purchaseId }, null);
  plan.next(
    new Choice(scope, 'Next mid-term step?')
      .when(Condition.stringEquals('$.midterm.value.next', 'AWAIT_REPORT'), reminderDay)
      .when(Condition.stringEquals('$.midterm.value.next', 'REVIEW'), review.entry)
      .when(Condition.stringEquals('$.midterm.value.next', 'TERMINATE'), terminated)
      .when(
        Condition.stringEquals('$.midterm.value.next', 'HAND_OVER'),
        handOverWhenDue(scope, endings, 'the mid-term review', '$.midterm.value.handOverAt'),
      )
      .otherwise(pass),
  );

  return {
    entry: plan,
    next: (next: IChainable) => {
      pass.next(next);
    },
  };
}

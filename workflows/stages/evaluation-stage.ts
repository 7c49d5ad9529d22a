import { Choice, Condition, type IChainable, JsonPath } from 'aws-cdk-lib/aws-stepfunctions';
import type { WaitTimeout } from '../../shared/domain/working-days.js';
import { EscalatingWait, plannedTimeouts } from '../escalating-wait.js';
import { lambdaStep } from '../lambda-step.js';
import { handOverWhenDue } from './endings.js';
import type { StageContext, StageFragment } from './stage.js';

/**
 * The third-party evaluation: the final report is awaited to its deadline, with a reminder
 * and an escalation in the grace period after it (the evaluation goes on without it); an
 * independent agency declares its independence and scores (another agency on escalation);
 * the conclusion grades the purchase and decides the final tranche. `evaluationTimeout` is
 * how long an agency has, before the reminder and again before the task is reassigned.
 * Its normal end receives `$.conclusion.value.finalTranche`.
 */
export function evaluationStage(ctx: StageContext, evaluationTimeout: WaitTimeout): StageFragment {
  const { scope, functions: fns, endings } = ctx;
  const purchaseId = JsonPath.stringAt('$.purchaseId');

  const plan = lambdaStep(
    scope,
    'Plan evaluation',
    fns.planEvaluation,
    { purchaseId, startedAt: JsonPath.executionStartTime },
    '$.evaluation',
  );
  const missingReport = lambdaStep(
    scope,
    'Record missing final report',
    fns.recordMissingReport,
    { purchaseId },
    null,
  );
  const finalReport = new EscalatingWait(scope, {
    names: {
      FIRST: 'Await final report',
      REMINDER: 'Remind NGO of final report',
      ESCALATION: 'Final report overdue',
    },
    fn: fns.awaitUpload,
    payload: {
      purchaseId,
      kind: 'FINAL_REPORT',
      since: JsonPath.stringAt('$.evaluation.value.since'),
      deadline: JsonPath.stringAt('$.evaluation.value.deadline'),
    },
    timeout: {
      FIRST: '$.evaluation.value.waitSeconds',
      REMINDER: '$.evaluation.value.graceSeconds',
      ESCALATION: '$.evaluation.value.escalationSeconds',
    },
    resultPath: '$.upload',
    onLapse: missingReport,
  });
  finalReport.next(plan);
  missingReport.next(plan);
  const conclude = lambdaStep(
    scope,
    'Conclude evaluation',
    fns.concludeEvaluation,
    { purchaseId },
    '$.conclusion',
  );
  const evaluator = new EscalatingWait(scope, {
    names: {
      FIRST: 'Ask evaluation agency',
      REMINDER: 'Remind evaluation agency',
      ESCALATION: 'Reassign evaluation',
    },
    fn: fns.requestEvaluation,
    payload: { purchaseId },
    timeout: plannedTimeouts(evaluationTimeout, '$.evaluation.value.timeouts'),
    resultPath: '$.decision',
    // No agency scored: the evaluation is concluded without a grade and the final tranche withheld.
    onLapse: conclude,
  });
  evaluator.next(plan);
  plan.next(
    new Choice(scope, 'Next evaluation step?')
      .when(Condition.stringEquals('$.evaluation.value.next', 'AWAIT_FINAL_REPORT'), finalReport.entry)
      .when(Condition.stringEquals('$.evaluation.value.next', 'EVALUATE'), evaluator.entry)
      .when(
        Condition.stringEquals('$.evaluation.value.next', 'HAND_OVER'),
        handOverWhenDue(scope, endings, 'the evaluation', '$.evaluation.value.handOverAt'),
      )
      .otherwise(conclude),
  );

  return {
    entry: plan,
    next: (next: IChainable) => {
      conclude.next(next);
    },
  };
}

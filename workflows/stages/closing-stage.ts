import type { Duration } from 'aws-cdk-lib';
import {
  Choice,
  Condition,
  Errors,
  IntegrationPattern,
  JsonPath,
  Pass,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { lambdaStep, retryTransient, withExecution } from '../lambda-step.js';
import { handOverWhenDue } from './endings.js';
import { paymentStep } from './payment-step.js';
import type { StageContext } from './stage.js';

/**
 * Closing: the final tranche falls due when the evaluation's conclusion pays it, in full or
 * reduced to the grade's share (withheld otherwise); then the purchase waits until every tranche
 * is settled (paid in full, or waived with a reason), and closes. The wait is a task token the
 * last confirmation or waiver hands back (shared/usecases/settlement.ts); it times out every
 * `settlementRecheck` to look again by itself, and its step hands the purchase over to a fresh
 * execution before this one nears its year. The entry reads `$.conclusion`.
 */
export function closingStage(ctx: StageContext, settlementRecheck: Duration): Choice {
  const { scope, functions: fns, endings } = ctx;
  const finalTranche = paymentStep(ctx, 'Notify final payment', 'EVALUATION_PASSED');
  const close = lambdaStep(
    scope,
    'Close purchase',
    fns.closePurchase,
    { purchaseId: JsonPath.stringAt('$.purchaseId') },
    null,
  );
  close.next(new Succeed(scope, 'Purchase closed'));

  const settled = retryTransient(
    new LambdaInvoke(scope, 'Await settled tranches', {
      lambdaFunction: fns.awaitSettlement,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject(
        withExecution({
          purchaseId: JsonPath.stringAt('$.purchaseId'),
          startedAt: JsonPath.executionStartTime,
          taskToken: JsonPath.taskToken,
        }),
      ),
      resultPath: '$.settlement',
      taskTimeout: Timeout.duration(settlementRecheck),
      retryOnServiceExceptions: false,
    }),
  );
  // No answer within the recheck: look again (the step answers at once when all is settled).
  settled.addCatch(new Pass(scope, 'Tranches still due').next(settled), {
    errors: [Errors.TIMEOUT],
    resultPath: JsonPath.DISCARD,
  });
  settled.next(
    new Choice(scope, 'Settled or handed over?')
      .when(
        Condition.stringEquals('$.settlement.next', 'HAND_OVER'),
        handOverWhenDue(scope, endings, 'the closing', '$.settlement.handOverAt'),
      )
      .otherwise(close),
  );
  finalTranche.next(settled);
  return new Choice(scope, 'Final tranche?')
    .when(
      Condition.or(
        Condition.stringEquals('$.conclusion.value.finalTranche', 'PAY_IN_FULL'),
        Condition.stringEquals('$.conclusion.value.finalTranche', 'REDUCE'),
      ),
      finalTranche,
    )
    .otherwise(settled);
}

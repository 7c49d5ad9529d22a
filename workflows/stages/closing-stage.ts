import { Choice, Condition, JsonPath, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { lambdaStep } from '../lambda-step.js';
import { paymentStep } from './payment-step.js';
import type { StageContext } from './stage.js';

/**
 * Closing: the final tranche falls due when the evaluation's conclusion pays it, in full or
 * reduced to the grade's share (withheld otherwise), then the purchase closes. The entry reads `$.conclusion`.
 */
export function closingStage(ctx: StageContext): Choice {
  const { scope, functions: fns } = ctx;
  const finalTranche = paymentStep(ctx, 'Notify final payment', 'EVALUATION_PASSED');
  const close = lambdaStep(
    scope,
    'Close purchase',
    fns.closePurchase,
    { purchaseId: JsonPath.stringAt('$.purchaseId') },
    null,
  );
  close.next(new Succeed(scope, 'Purchase closed'));
  finalTranche.next(close);
  return new Choice(scope, 'Final tranche?')
    .when(
      Condition.or(
        Condition.stringEquals('$.conclusion.value.finalTranche', 'PAY_IN_FULL'),
        Condition.stringEquals('$.conclusion.value.finalTranche', 'REDUCE'),
      ),
      finalTranche,
    )
    .otherwise(close);
}

import {
  type IChainable,
  JsonPath,
  Pass,
  Result,
  Succeed,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { lambdaStep } from '../lambda-step.js';
import type { PurchaseLifecycleFunctions } from '../lifecycle-functions.js';

/**
 * How an execution ends other than by closing the purchase. The two ends of a purchase that did
 * not close: rejected before a contract (the budget is released), terminated after one; each
 * reads why from `$.failure` (`Error`, `Cause`). And the hand-over: the purchase goes on in a
 * fresh execution (at a stage boundary, or before this one nears AWS's one-year limit), which
 * starts from what DynamoDB holds. All are normal ends of the execution.
 */
export interface Endings {
  readonly reject: LambdaInvoke;
  readonly terminate: LambdaInvoke;
  readonly handOver: LambdaInvoke;
}

export function purchaseEndings(scope: Construct, fns: PurchaseLifecycleFunctions): Endings {
  const why = {
    purchaseId: JsonPath.stringAt('$.purchaseId'),
    error: JsonPath.stringAt('$.failure.Error'),
    cause: JsonPath.stringAt('$.failure.Cause'),
  };
  const reject = lambdaStep(scope, 'Reject purchase', fns.rejectPurchase, why, null);
  reject.next(new Succeed(scope, 'Purchase rejected'));
  const terminate = lambdaStep(scope, 'Terminate purchase', fns.terminatePurchase, why, null);
  terminate.next(new Succeed(scope, 'Purchase terminated'));
  const handOver = lambdaStep(
    scope,
    'Hand over to a fresh execution',
    fns.handOverExecution,
    // The execution that hands over is named in every task's input.
    { purchaseId: JsonPath.stringAt('$.purchaseId') },
    null,
  );
  handOver.next(new Succeed(scope, 'Handed over'));
  return { reject, terminate, handOver };
}

/**
 * Where a stage goes when its plan step answers HAND_OVER: a wait until the answer's
 * `handOverAt` (at `handOverAtPath`; now, or as late as this execution may wait), then the hand-over.
 */
export function handOverWhenDue(
  scope: Construct,
  endings: Endings,
  stage: string,
  handOverAtPath: string,
): IChainable {
  return new Wait(scope, `Until ${stage} is handed over`, {
    time: WaitTime.timestampPath(handOverAtPath),
  }).next(endings.handOver);
}

/** A Pass that puts a fixed `{ Error, Cause }` at `$.failure`, on the way to an ending. */
export function failure(scope: Construct, name: string, error: string, cause: string): Pass {
  return new Pass(scope, name, {
    result: Result.fromObject({ Error: error, Cause: cause }),
    resultPath: '$.failure',
  });
}

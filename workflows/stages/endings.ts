import { JsonPath, Pass, Result, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { lambdaStep } from '../lambda-step.js';
import type { PurchaseLifecycleFunctions } from '../lifecycle-functions.js';

/**
 * The two ends of a purchase that did not close: rejected before a contract (the budget is
 * released), terminated after one. Both are normal ends of the execution: the purchase was
 * decided. Each reads why from `$.failure` (`Error`, `Cause`).
 */
export interface Endings {
  readonly reject: LambdaInvoke;
  readonly terminate: LambdaInvoke;
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
  return { reject, terminate };
}

/** A Pass that puts a fixed `{ Error, Cause }` at `$.failure`, on the way to an ending. */
export function failure(scope: Construct, name: string, error: string, cause: string): Pass {
  return new Pass(scope, name, {
    result: Result.fromObject({ Error: error, Cause: cause }),
    resultPath: '$.failure',
  });
}

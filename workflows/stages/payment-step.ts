import { JsonPath } from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { TrancheMilestone } from '../../shared/domain/proposal.js';
import { lambdaStep } from '../lambda-step.js';
import type { StageContext } from './stage.js';

/** A tranche falls due: finance is notified (once per milestone, however often this runs). */
export function paymentStep(ctx: StageContext, name: string, milestone: TrancheMilestone): LambdaInvoke {
  return lambdaStep(
    ctx.scope,
    name,
    ctx.functions.notifyPayment,
    { purchaseId: JsonPath.stringAt('$.purchaseId'), milestone },
    null,
  );
}

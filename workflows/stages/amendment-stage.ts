import { Choice, Condition, JsonPath, type State, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import type { WaitTimeout } from '../../shared/domain/working-days.js';
import { EscalatingWait, plannedTimeouts } from '../escalating-wait.js';
import { lambdaStep } from '../lambda-step.js';
import type { StageContext } from './stage.js';

/**
 * The approval of an amendment of the signed contract, in an execution of its own
 * (`<purchaseId>-AMENDMENT-<n>`, entered at `resumeAt: AMENDMENT`) beside the purchase's, which
 * goes on untouched (its steps re-read DynamoDB, so later stages see the amended values). The
 * same loop as the proposal's approval: plan names the next level the amended value requires (read
 * from DynamoDB), the approver is asked by e-mailed link (reminded, then escalated to the deputy,
 * under the same separation of duties: request-decision, AMENDMENT_APPROVAL), and an answer goes
 * back to plan. Once every level approved or one rejected, conclude applies the amendment in one
 * transaction with the budget reservation, or records why not; a lapse records that. It never
 * hands over: three waits of a few days fit well inside an execution's year.
 */
export function amendmentStage(ctx: StageContext, approvalTimeout: WaitTimeout): State {
  const { scope, functions: fns } = ctx;
  const planned = '$.amendmentPlan.value';
  const purchaseId = JsonPath.stringAt('$.purchaseId');
  const plan = lambdaStep(
    scope,
    'Plan amendment approval',
    fns.planAmendment,
    { purchaseId },
    '$.amendmentPlan',
  );
  const lapsed = lambdaStep(
    scope,
    'Amendment lapsed',
    fns.concludeAmendment,
    { purchaseId, lapsed: true },
    null,
  );
  lapsed.next(new Succeed(scope, 'Amendment not decided in time'));
  const approver = new EscalatingWait(scope, {
    names: {
      FIRST: 'Ask amendment approver',
      REMINDER: 'Remind amendment approver',
      ESCALATION: 'Escalate amendment to deputy',
    },
    fn: fns.requestDecision,
    payload: {
      purchaseId,
      purpose: 'AMENDMENT_APPROVAL',
      level: JsonPath.stringAt(`${planned}.next`),
      amendmentId: JsonPath.stringAt(`${planned}.amendmentId`),
      lineAvailableFen: JsonPath.numberAt(`${planned}.lineAvailableFen`),
    },
    timeout: plannedTimeouts(approvalTimeout, `${planned}.timeouts`),
    resultPath: '$.amendmentDecision',
    onLapse: lapsed,
  });
  approver.next(plan);
  const conclude = lambdaStep(
    scope,
    'Conclude amendment',
    fns.concludeAmendment,
    { purchaseId },
    '$.amendment',
  );
  conclude.next(new Succeed(scope, 'Amendment decided'));
  plan.next(
    new Choice(scope, 'Another level to approve the amendment?')
      .when(Condition.isNull(`${planned}.next`), conclude)
      .when(Condition.stringEquals(`${planned}.next`, 'REJECTED'), conclude)
      .otherwise(approver.entry),
  );
  return plan;
}

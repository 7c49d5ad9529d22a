import { Choice, Condition, type IChainable, JsonPath, type State } from 'aws-cdk-lib/aws-stepfunctions';
import { WITHDRAWN_DECISION } from '../../shared/domain/withdrawal.js';
import { WORKFLOW_ERRORS } from '../../shared/domain/workflow-errors.js';
import type { WaitTimeout } from '../../shared/domain/working-days.js';
import { EscalatingWait, plannedTimeouts } from '../escalating-wait.js';
import { lambdaStep } from '../lambda-step.js';
import { failure, handOverWhenDue } from './endings.js';
import type { StageContext, StageFragment } from './stage.js';

/**
 * Proposal and approval: the policy rules are checked again, the budget reserved, then the
 * approval chain runs as a loop. Plan names the next level still to decide (read from
 * DynamoDB, so a resumed execution skips what was decided), the approver is asked (reminded,
 * then escalated to the deputy), and an approval goes back to plan. No Map: the chain is
 * strictly one level at a time. A return for revision goes back to plan too, which waits for the
 * officer's revision and then asks the same level again. A refusal, a rejection, a lapse or a
 * withdrawal rejects the purchase.
 */
export interface ApprovalStage extends StageFragment {
  /** Where an execution resumed in the approval stage starts: the next level to decide. */
  readonly resume: State;
}

export function approvalStage(ctx: StageContext, approvalTimeout: WaitTimeout): ApprovalStage {
  const { scope, functions: fns, endings } = ctx;
  // Each wait of the stage follows the plan step, whose answer carries its timeouts.
  const timeout = plannedTimeouts(approvalTimeout, '$.plan.value.timeouts');
  const purchaseId = JsonPath.stringAt('$.purchaseId');
  const onDomainRefusal = { errors: [WORKFLOW_ERRORS.refused], resultPath: '$.failure' };
  const planInput = { purchaseId, startedAt: JsonPath.executionStartTime };

  const validate = lambdaStep(scope, 'Validate proposal', fns.validateProposal, { purchaseId }, null);
  validate.addCatch(endings.reject, onDomainRefusal);
  const reserve = lambdaStep(scope, 'Reserve budget', fns.reserveBudget, { purchaseId }, null);
  reserve.addCatch(endings.reject, onDomainRefusal);
  const plan = lambdaStep(scope, 'Plan approval chain', fns.planApproval, planInput, '$.plan');
  plan.addCatch(endings.reject, onDomainRefusal);

  const approver = new EscalatingWait(scope, {
    names: { FIRST: 'Ask approver', REMINDER: 'Remind approver', ESCALATION: 'Escalate to deputy' },
    fn: fns.requestDecision,
    payload: { purchaseId, level: JsonPath.stringAt('$.plan.value.next') },
    timeout,
    resultPath: '$.decision',
    onLapse: failure(
      scope,
      'Approval lapsed',
      WORKFLOW_ERRORS.approvalLapsed,
      'no decision after a reminder and an escalation',
    ).next(endings.reject),
  });
  // Returned for revision: the officer corrects the proposal (reminded twice: nobody else can), then
  // plan asks the same level again; no revision in time rejects the purchase.
  const revision = new EscalatingWait(scope, {
    names: {
      FIRST: 'Ask officer to revise',
      REMINDER: 'Remind officer to revise',
      ESCALATION: 'Last reminder to revise',
    },
    fn: fns.requestRevision,
    payload: {
      purchaseId,
      level: JsonPath.stringAt('$.plan.value.level'),
      round: JsonPath.numberAt('$.plan.value.round'),
    },
    timeout,
    resultPath: '$.revision',
    onLapse: failure(
      scope,
      'Revision lapsed',
      WORKFLOW_ERRORS.revisionLapsed,
      'returned for revision and not revised in time',
    ).next(endings.reject),
  });
  // A withdrawal while the revision waits is handed back as its answer: plan ends the purchase.
  revision.next(plan);
  approver.next(
    new Choice(scope, 'Approved at this level?')
      .when(Condition.stringEquals('$.decision.decision', 'APPROVE'), plan)
      .when(Condition.stringEquals('$.decision.decision', 'RETURN'), plan)
      .when(
        Condition.stringEquals('$.decision.decision', WITHDRAWN_DECISION),
        failure(
          scope,
          'Proposal withdrawn',
          WORKFLOW_ERRORS.withdrawn,
          'the officer withdrew the proposal',
        ).next(endings.reject),
      )
      .otherwise(
        failure(scope, 'Level rejected', WORKFLOW_ERRORS.rejected, 'an approver rejected the proposal').next(
          endings.reject,
        ),
      ),
  );
  const conclude = lambdaStep(scope, 'Conclude approval', fns.concludeApproval, { purchaseId }, null);
  // Withdrawn after the last approval: the purchase ends instead of moving on.
  conclude.addCatch(endings.reject, onDomainRefusal);
  plan.next(
    new Choice(scope, 'Another level to approve?')
      .when(
        Condition.stringEquals('$.plan.value.next', 'HAND_OVER'),
        handOverWhenDue(scope, endings, 'approval', '$.plan.value.handOverAt'),
      )
      .when(Condition.isNull('$.plan.value.next'), conclude)
      .when(Condition.stringEquals('$.plan.value.next', 'REVISION'), revision.entry)
      .otherwise(approver.entry),
  );
  validate.next(reserve);
  reserve.next(plan);

  return {
    entry: validate,
    resume: plan,
    next: (next: IChainable) => {
      conclude.next(next);
    },
  };
}

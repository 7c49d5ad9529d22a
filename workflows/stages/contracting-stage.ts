import { Choice, Condition, type IChainable, JsonPath } from 'aws-cdk-lib/aws-stepfunctions';
import { WORKFLOW_ERRORS } from '../../shared/domain/workflow-errors.js';
import type { WaitTimeout } from '../../shared/domain/working-days.js';
import { EscalatingWait, plannedTimeouts } from '../escalating-wait.js';
import { lambdaStep } from '../lambda-step.js';
import { failure, handOverWhenDue } from './endings.js';
import type { StageContext, StageFragment } from './stage.js';

export interface ContractingTimeouts {
  /** How long the NGO has to upload the signed contract, before the reminder and again before escalation. */
  readonly sign: WaitTimeout;
  /** How long the section chief has to countersign, before the reminder and again before escalation. */
  readonly countersign: WaitTimeout;
}

/**
 * Contracting: the contract is issued, then a loop on what DynamoDB says is next (the NGO's
 * signed copy, the countersignature, a new round after a refusal) until it is published.
 * A contract still unsigned or not countersigned after an escalation terminates the purchase.
 */
export function contractingStage(ctx: StageContext, timeouts: ContractingTimeouts): StageFragment {
  const { scope, functions: fns, endings } = ctx;
  const purchaseId = JsonPath.stringAt('$.purchaseId');

  const issue = lambdaStep(scope, 'Issue contract', fns.issueContract, { purchaseId }, null);
  const plan = lambdaStep(
    scope,
    'Plan contracting',
    fns.planContracting,
    { purchaseId, startedAt: JsonPath.executionStartTime },
    '$.contracting',
  );
  const lapsed = failure(
    scope,
    'Contract never signed',
    WORKFLOW_ERRORS.contractLapsed,
    'the contract was not signed and countersigned after reminders and an escalation',
  ).next(endings.terminate);
  const signedCopy = new EscalatingWait(scope, {
    names: {
      FIRST: 'Await signed contract',
      REMINDER: 'Remind NGO to sign',
      ESCALATION: 'Escalate unsigned contract',
    },
    fn: fns.awaitUpload,
    payload: { purchaseId, kind: 'SIGNED_CONTRACT', since: JsonPath.stringAt('$.contracting.value.since') },
    timeout: plannedTimeouts(timeouts.sign, '$.contracting.value.timeouts'),
    resultPath: '$.upload',
    onLapse: lapsed,
  });
  signedCopy.next(plan);
  const countersign = new EscalatingWait(scope, {
    names: {
      FIRST: 'Ask countersignature',
      REMINDER: 'Remind countersigner',
      ESCALATION: 'Escalate countersignature',
    },
    fn: fns.requestDecision,
    payload: {
      purchaseId,
      purpose: 'COUNTERSIGN',
      level: 'SECTION_CHIEF',
      round: JsonPath.numberAt('$.contracting.value.round'),
    },
    timeout: plannedTimeouts(timeouts.countersign, '$.contracting.value.timeouts'),
    resultPath: '$.decision',
    onLapse: lapsed,
  });
  countersign.next(plan);
  const publish = lambdaStep(scope, 'Publish contract', fns.concludeContracting, { purchaseId }, null);
  issue.next(plan);
  plan.next(
    new Choice(scope, 'Next contracting step?')
      .when(Condition.stringEquals('$.contracting.value.next', 'AWAIT_SIGNED'), signedCopy.entry)
      .when(Condition.stringEquals('$.contracting.value.next', 'COUNTERSIGN'), countersign.entry)
      .when(
        Condition.stringEquals('$.contracting.value.next', 'HAND_OVER'),
        handOverWhenDue(scope, endings, 'contracting', '$.contracting.value.handOverAt'),
      )
      .otherwise(publish),
  );

  return {
    entry: issue,
    next: (next: IChainable) => {
      publish.next(next);
    },
  };
}

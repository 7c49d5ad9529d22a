import { type CfnElement, type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  JsonPath,
  LogLevel,
  Pass,
  Result,
  StateMachine,
  StateMachineType,
  Succeed,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge } from '../infra/nag.js';
import { WORKFLOW_ERRORS } from '../shared/workflow/errors.js';
import { EscalatingWait, lambdaStep } from './steps.js';

export interface PurchaseLifecycleFunctions {
  readonly validateProposal: IFunction;
  readonly reserveBudget: IFunction;
  readonly planApproval: IFunction;
  readonly requestDecision: IFunction;
  readonly concludeApproval: IFunction;
  readonly rejectPurchase: IFunction;
}

export interface PurchaseLifecycleProps {
  readonly functions: PurchaseLifecycleFunctions;
  /** How long each approver has, before the reminder and again before escalation. */
  readonly approvalTimeout: Duration;
  /** Fixed name, so functions can be granted task callbacks without a reference cycle. */
  readonly stateMachineName: string;
}

/**
 * The purchase lifecycle: one Standard execution per purchase, named after the purchase id.
 *
 * The entry is a Choice on `resumeAt`, so an execution can start at any stage boundary from
 * what DynamoDB holds (after a redeploy, or a restart of the local runtime). Every wait for a
 * person is a `.waitForTaskToken` task with a timeout: on timeout one reminder, on a second
 * timeout escalation to the deputy, on a third the purchase lapses (rejected, budget released).
 * Later stages (contracting onwards) end at their boundary until they are built.
 */
export class PurchaseLifecycle extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: PurchaseLifecycleProps) {
    super(scope, id);
    const fns = props.functions;

    const invoke = (
      name: string,
      fn: IFunction,
      payload: Record<string, unknown>,
      resultPath: string | null,
    ) => lambdaStep(this, name, fn, payload, resultPath);
    const purchaseId = JsonPath.stringAt('$.purchaseId');

    // Ending states. A rejection is a normal end of the execution: the purchase was decided.
    const rejectPurchase = invoke(
      'Reject purchase',
      fns.rejectPurchase,
      {
        purchaseId,
        error: JsonPath.stringAt('$.failure.Error'),
        cause: JsonPath.stringAt('$.failure.Cause'),
      },
      null,
    );
    rejectPurchase.next(new Succeed(this, 'Purchase rejected'));
    const onDomainRefusal = { errors: [WORKFLOW_ERRORS.refused], resultPath: '$.failure' };

    const validate = invoke('Validate proposal', fns.validateProposal, { purchaseId }, null);
    validate.addCatch(rejectPurchase, onDomainRefusal);
    const reserve = invoke('Reserve budget', fns.reserveBudget, { purchaseId }, null);
    reserve.addCatch(rejectPurchase, onDomainRefusal);
    const plan = invoke('Plan approval chain', fns.planApproval, { purchaseId }, '$.plan');
    plan.addCatch(rejectPurchase, onDomainRefusal);

    // The approval chain is a loop: plan names the next level still to decide (read from
    // DynamoDB, so a resumed execution skips what was decided), the approver is asked, and an
    // approval goes back to plan. No Map: the chain is strictly one level at a time.
    const failWith = (name: string, error: string, cause: string) =>
      new Pass(this, name, {
        result: Result.fromObject({ Error: error, Cause: cause }),
        resultPath: '$.failure',
      }).next(rejectPurchase);
    const lapsed = failWith(
      'Approval lapsed',
      WORKFLOW_ERRORS.approvalLapsed,
      'no decision after a reminder and an escalation',
    );
    const approver = new EscalatingWait(this, {
      names: { FIRST: 'Ask approver', REMINDER: 'Remind approver', ESCALATION: 'Escalate to deputy' },
      fn: fns.requestDecision,
      payload: { purchaseId, level: JsonPath.stringAt('$.plan.value.next') },
      timeout: props.approvalTimeout,
      resultPath: '$.decision',
      onLapse: lapsed,
    });
    approver.next(
      new Choice(this, 'Approved at this level?')
        .when(Condition.stringEquals('$.decision.decision', 'APPROVE'), plan)
        .otherwise(failWith('Level rejected', WORKFLOW_ERRORS.rejected, 'an approver rejected the proposal')),
    );

    const conclude = invoke('Conclude approval', fns.concludeApproval, { purchaseId }, null);
    const contracting = new Succeed(this, 'At contracting boundary', {
      comment: 'The contracting stage and later ones continue from here once they are built.',
    });

    plan.next(
      new Choice(this, 'Another level to approve?')
        .when(Condition.isNull('$.plan.value.next'), conclude)
        .otherwise(approver.entry),
    );
    conclude.next(contracting);
    validate.next(reserve);
    reserve.next(plan);

    // A Choice on an absent path is a runtime error in Step Functions: test presence first.
    const resumeAt = (stage: string) =>
      Condition.and(Condition.isPresent('$.resumeAt'), Condition.stringEquals('$.resumeAt', stage));
    const entry = new Choice(this, 'Where to resume')
      .when(resumeAt('APPROVAL'), plan)
      .when(resumeAt('CONTRACTING'), contracting)
      .otherwise(validate);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(entry),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: RetentionDays.ONE_YEAR,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
        level: LogLevel.ALL,
        // Execution data holds task tokens on their way to the callback function: keep it out of logs.
        includeExecutionData: false,
      },
    });

    const rolePolicy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (rolePolicy) {
      acknowledge(
        rolePolicy,
        'IAM5[Resource::*]',
        'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray accept only Resource "*".',
      );
      const stack = Stack.of(this);
      for (const fn of Object.values(fns)) {
        const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnElement);
        acknowledge(
          rolePolicy,
          `IAM5[Resource::<${logicalId}.Arn>:*]`,
          'LambdaInvoke also grants the versions and aliases of this one function (<arn>:*), nothing else.',
        );
      }
    }
  }
}

import { type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  JsonPath,
  LogLevel,
  Pass,
  Result,
  StateMachine,
  StateMachineType,
  Succeed,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge } from '../infra/nag.js';
import type { TaskAttempt } from '../shared/domain/tasks.js';
import { WORKFLOW_ERRORS } from '../shared/domain/workflow-errors.js';
import { callbackStep, EscalatingWait, lambdaStep, recordUnexpectedFailures } from './steps.js';

export interface PurchaseLifecycleFunctions {
  readonly validateProposal: IFunction;
  readonly reserveBudget: IFunction;
  readonly planApproval: IFunction;
  readonly requestDecision: IFunction;
  readonly concludeApproval: IFunction;
  readonly rejectPurchase: IFunction;
  readonly issueContract: IFunction;
  readonly planContracting: IFunction;
  readonly awaitUpload: IFunction;
  readonly concludeContracting: IFunction;
  readonly notifyPayment: IFunction;
  readonly terminatePurchase: IFunction;
  readonly planMidterm: IFunction;
  readonly concludeMidterm: IFunction;
  readonly planEvaluation: IFunction;
  readonly recordMissingReport: IFunction;
  readonly requestEvaluation: IFunction;
  readonly concludeEvaluation: IFunction;
  readonly closePurchase: IFunction;
  /** Records an unexpected error on the purchase before the execution ends FAILED. */
  readonly recordWorkflowFailure: IFunction;
}

export interface PurchaseLifecycleProps {
  readonly functions: PurchaseLifecycleFunctions;
  /** How long each approver has, before the reminder and again before escalation. */
  readonly approvalTimeout: Duration;
  /** How long the NGO has to upload the signed contract, before the reminder and again before escalation. */
  readonly signTimeout: Duration;
  /** How long the section chief has for a mid-term decision, before the reminder and again before escalation. */
  readonly reviewTimeout: Duration;
  /** How long an evaluation agency has, before the reminder and again before the task goes to another agency. */
  readonly evaluationTimeout: Duration;
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
 * Every stage runs to CLOSED (or REJECTED / TERMINATED), each step re-reading DynamoDB.
 * An unexpected error in any task (after its retries) is recorded on the purchase and ends
 * the execution FAILED, which raises the operations alarm: nothing fails without a trace.
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

    // Contracting: issue the contract, then loop on what DynamoDB says is next (the NGO's
    // signed copy, the countersignature, a new round after a refusal) until it is published.
    const terminate = invoke(
      'Terminate purchase',
      fns.terminatePurchase,
      {
        purchaseId,
        error: JsonPath.stringAt('$.failure.Error'),
        cause: JsonPath.stringAt('$.failure.Cause'),
      },
      null,
    );
    terminate.next(new Succeed(this, 'Purchase terminated'));
    const contracting = invoke('Issue contract', fns.issueContract, { purchaseId }, null);
    const planContracting = invoke('Plan contracting', fns.planContracting, { purchaseId }, '$.contracting');
    const contractLapsed = new Pass(this, 'Contract never signed', {
      result: Result.fromObject({
        Error: WORKFLOW_ERRORS.contractLapsed,
        Cause: 'the contract was not signed and countersigned after reminders and an escalation',
      }),
      resultPath: '$.failure',
    }).next(terminate);
    const signedCopy = new EscalatingWait(this, {
      names: {
        FIRST: 'Await signed contract',
        REMINDER: 'Remind NGO to sign',
        ESCALATION: 'Escalate unsigned contract',
      },
      fn: fns.awaitUpload,
      payload: { purchaseId, kind: 'SIGNED_CONTRACT', since: JsonPath.stringAt('$.contracting.value.since') },
      timeout: props.signTimeout,
      resultPath: '$.upload',
      onLapse: contractLapsed,
    });
    signedCopy.next(planContracting);
    const countersign = new EscalatingWait(this, {
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
      timeout: props.approvalTimeout,
      resultPath: '$.decision',
      onLapse: contractLapsed,
    });
    countersign.next(planContracting);
    const publish = invoke('Publish contract', fns.concludeContracting, { purchaseId }, null);
    const firstTranche = invoke(
      'Notify first payment',
      fns.notifyPayment,
      { purchaseId, milestone: 'CONTRACT_SIGNED' },
      null,
    );
    // Mid-term review: remind the NGO before the due date, wait for the report until the due
    // date plus grace, then the chief reviews it (pass, rectify for another round, terminate);
    // a report still missing at the deadline is late, and the chief extends or terminates.
    const planMidterm = invoke('Plan mid-term review', fns.planMidterm, { purchaseId }, '$.midterm');
    const reminderDay = new Wait(this, 'Until the mid-term reminder', {
      time: WaitTime.timestampPath('$.midterm.value.reminderAt'),
    });
    const awaitReport = callbackStep(
      this,
      'Await mid-term report',
      fns.awaitUpload,
      {
        purchaseId,
        kind: 'MIDTERM_REPORT',
        since: JsonPath.stringAt('$.midterm.value.since'),
        deadline: JsonPath.stringAt('$.midterm.value.deadline'),
        attempt: 'FIRST',
      },
      '$.midterm.value.waitSeconds',
      '$.upload',
    );
    const midtermTerminated = new Pass(this, 'Mid-term ended the purchase', {
      parameters: { Error: WORKFLOW_ERRORS.terminated, 'Cause.$': '$.midterm.value.reason' },
      resultPath: '$.failure',
    }).next(terminate);
    const reviewLapsed = new Pass(this, 'Mid-term decision lapsed', {
      result: Result.fromObject({
        Error: WORKFLOW_ERRORS.terminated,
        Cause: 'no mid-term decision after a reminder and an escalation',
      }),
      resultPath: '$.failure',
    }).next(terminate);
    const lateReport = new EscalatingWait(this, {
      names: {
        FIRST: 'Ask about late report',
        REMINDER: 'Remind about late report',
        ESCALATION: 'Escalate late report',
      },
      fn: fns.requestDecision,
      payload: {
        purchaseId,
        purpose: 'LATE_REPORT',
        level: 'SECTION_CHIEF',
        round: JsonPath.numberAt('$.midterm.value.round'),
        extension: JsonPath.mathAdd(JsonPath.numberAt('$.midterm.value.extensions'), 1),
        deadline: JsonPath.stringAt('$.midterm.value.deadline'),
      },
      timeout: props.reviewTimeout,
      resultPath: '$.decision',
      onLapse: reviewLapsed,
    });
    lateReport.next(planMidterm);
    awaitReport.addCatch(lateReport.entry, { errors: [Errors.TIMEOUT], resultPath: '$.timedOut' });
    awaitReport.next(planMidterm);
    reminderDay.next(awaitReport);
    const review = new EscalatingWait(this, {
      names: {
        FIRST: 'Ask mid-term review',
        REMINDER: 'Remind mid-term reviewer',
        ESCALATION: 'Escalate mid-term review',
      },
      fn: fns.requestDecision,
      payload: {
        purchaseId,
        purpose: 'MIDTERM_REVIEW',
        level: 'SECTION_CHIEF',
        round: JsonPath.numberAt('$.midterm.value.round'),
        maxRounds: JsonPath.numberAt('$.midterm.value.maxRounds'),
      },
      timeout: props.reviewTimeout,
      resultPath: '$.decision',
      onLapse: reviewLapsed,
    });
    review.next(planMidterm);
    const passMidterm = invoke('Conclude mid-term review', fns.concludeMidterm, { purchaseId }, null);
    const secondTranche = invoke(
      'Notify second payment',
      fns.notifyPayment,
      { purchaseId, milestone: 'MIDTERM_PASSED' },
      null,
    );
    // Third-party evaluation: the final report (reminder and escalation past its deadline; the
    // evaluation goes on without it), an independent agency (another one on escalation) that
    // declares independence and scores, the grade deciding the final tranche, then CLOSED.
    const planEvaluation = invoke('Plan evaluation', fns.planEvaluation, { purchaseId }, '$.evaluation');
    const finalReport = (name: string, attempt: TaskAttempt, timeoutPath: string) =>
      callbackStep(
        this,
        name,
        fns.awaitUpload,
        {
          purchaseId,
          kind: 'FINAL_REPORT',
          since: JsonPath.stringAt('$.evaluation.value.since'),
          deadline: JsonPath.stringAt('$.evaluation.value.deadline'),
          attempt,
        },
        timeoutPath,
        '$.upload',
      );
    const awaitFinal = finalReport('Await final report', 'FIRST', '$.evaluation.value.waitSeconds');
    const remindFinal = finalReport(
      'Remind NGO of final report',
      'REMINDER',
      '$.evaluation.value.graceSeconds',
    );
    const escalateFinal = finalReport(
      'Final report overdue',
      'ESCALATION',
      '$.evaluation.value.graceSeconds',
    );
    const missingReport = invoke(
      'Record missing final report',
      fns.recordMissingReport,
      { purchaseId },
      null,
    );
    const onTimeout = { errors: [Errors.TIMEOUT], resultPath: '$.timedOut' };
    awaitFinal.addCatch(remindFinal, onTimeout);
    remindFinal.addCatch(escalateFinal, onTimeout);
    escalateFinal.addCatch(missingReport, onTimeout);
    for (const step of [awaitFinal, remindFinal, escalateFinal, missingReport]) step.next(planEvaluation);
    const concludeEvaluation = invoke(
      'Conclude evaluation',
      fns.concludeEvaluation,
      { purchaseId },
      '$.conclusion',
    );
    const evaluator = new EscalatingWait(this, {
      names: {
        FIRST: 'Ask evaluation agency',
        REMINDER: 'Remind evaluation agency',
        ESCALATION: 'Reassign evaluation',
      },
      fn: fns.requestEvaluation,
      payload: { purchaseId },
      timeout: props.evaluationTimeout,
      resultPath: '$.decision',
      // No agency scored: the evaluation is concluded without a grade and the final tranche withheld.
      onLapse: concludeEvaluation,
    });
    evaluator.next(planEvaluation);
    const finalTranche = invoke(
      'Notify final payment',
      fns.notifyPayment,
      { purchaseId, milestone: 'EVALUATION_PASSED' },
      null,
    );
    const close = invoke('Close purchase', fns.closePurchase, { purchaseId }, null);
    close.next(new Succeed(this, 'Purchase closed'));
    finalTranche.next(close);
    concludeEvaluation.next(
      new Choice(this, 'Final tranche?')
        .when(Condition.stringEquals('$.conclusion.value.finalTranche', 'PAY_IN_FULL'), finalTranche)
        .otherwise(close),
    );
    planEvaluation.next(
      new Choice(this, 'Next evaluation step?')
        .when(Condition.stringEquals('$.evaluation.value.next', 'AWAIT_FINAL_REPORT'), awaitFinal)
        .when(Condition.stringEquals('$.evaluation.value.next', 'EVALUATE'), evaluator.entry)
        .otherwise(concludeEvaluation),
    );
    const evaluation = planEvaluation;
    planMidterm.next(
      new Choice(this, 'Next mid-term step?')
        .when(Condition.stringEquals('$.midterm.value.next', 'AWAIT_REPORT'), reminderDay)
        .when(Condition.stringEquals('$.midterm.value.next', 'REVIEW'), review.entry)
        .when(Condition.stringEquals('$.midterm.value.next', 'TERMINATE'), midtermTerminated)
        .otherwise(passMidterm),
    );
    passMidterm.next(secondTranche);
    secondTranche.next(evaluation);
    const midterm = planMidterm;
    contracting.next(planContracting);
    planContracting.next(
      new Choice(this, 'Next contracting step?')
        .when(Condition.stringEquals('$.contracting.value.next', 'AWAIT_SIGNED'), signedCopy.entry)
        .when(Condition.stringEquals('$.contracting.value.next', 'COUNTERSIGN'), countersign.entry)
        .otherwise(publish),
    );
    publish.next(firstTranche);
    firstTranche.next(midterm);

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
      .when(resumeAt('MIDTERM_REVIEW'), firstTranche)
      .when(resumeAt('EVALUATION'), secondTranche)
      .otherwise(validate);
    // Last, once every task and its own Catch are in place: whatever else goes wrong is recorded.
    recordUnexpectedFailures(this, entry, fns.recordWorkflowFailure);

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

  /**
   * Raises an alarm on `topic` as soon as one execution fails (an unexpected error, recorded on
   * its purchase first) or times out. Aborted executions are not alarmed: stopping one is an
   * operator's deliberate act (before resuming purchases on a new version of the workflow).
   */
  alarmOnFailures(topic: ITopic): Alarm[] {
    const sm = this.stateMachine;
    const period = Duration.minutes(5);
    const alarms: [string, Metric, string][] = [
      [
        'ExecutionsFailedAlarm',
        sm.metricFailed({ period, statistic: Stats.SUM }),
        'A purchase workflow execution failed: the purchase shows the failed step (failure) and its audit log the cause.',
      ],
      [
        'ExecutionsTimedOutAlarm',
        sm.metricTimedOut({ period, statistic: Stats.SUM }),
        'A purchase workflow execution timed out: the purchase waits for nothing until it is resumed.',
      ],
    ];
    return alarms.map(([id, metric, description]) => {
      const alarm = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No executions in a period is the normal case, not a reason to page anyone.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(topic));
      return alarm;
    });
  }
}

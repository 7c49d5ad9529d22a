import { CfnDeletionPolicy, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  type CfnStateMachine,
  CfnStateMachineAlias,
  CfnStateMachineVersion,
  Choice,
  Condition,
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WaitTimeout } from '../shared/domain/working-days.js';
import { recordUnexpectedFailures } from './failure-recording.js';
import type { PurchaseLifecycleFunctions } from './lifecycle-functions.js';
import { amendmentStage } from './stages/amendment-stage.js';
import { approvalStage } from './stages/approval-stage.js';
import { closingStage } from './stages/closing-stage.js';
import { contractingStage } from './stages/contracting-stage.js';
import { purchaseEndings } from './stages/endings.js';
import { evaluationStage } from './stages/evaluation-stage.js';
import { midtermStage } from './stages/midterm-stage.js';
import { paymentStep } from './stages/payment-step.js';
import type { StageContext } from './stages/stage.js';

export interface PurchaseLifecycleProps {
  readonly functions: PurchaseLifecycleFunctions;
  /**
   * How long each approver has, before the reminder and again before escalation. A wait in seconds
   * is fixed in the definition; one in working days is worked out by the plan step before it.
   */
  readonly approvalTimeout: WaitTimeout;
  /** How long the NGO has to upload the signed contract, before the reminder and again before escalation. */
  readonly signTimeout: WaitTimeout;
  /** How long the section chief has for a mid-term decision, before the reminder and again before escalation. */
  readonly reviewTimeout: WaitTimeout;
  /** How long an evaluation agency has, before the reminder and again before the task goes to another agency. */
  readonly evaluationTimeout: WaitTimeout;
  /** How long the closing step waits for its last tranches before it looks again by itself. */
  readonly settlementRecheck: Duration;
  /** Fixed name, so functions can be granted task callbacks without a reference cycle. */
  readonly stateMachineName: string;
}

/** The alias every execution starts through; it points at the version the latest deploy published. */
export const LIVE_ALIAS = 'live';

/**
 * The purchase lifecycle, as a chain of Standard executions per purchase: the first is named after
 * the purchase id; each stage ends its execution by handing the purchase over to a fresh one named
 * after the purchase and the next stage (`<purchaseId>-CONTRACTING-1`), and so does a plan step whose
 * next wait could run past its execution's budget (AWS ends an execution after a year; a purchase
 * lives for years). See shared/domain/execution-budget.ts.
 *
 * The entry is a Choice on `resumeAt`, so an execution can start at any stage boundary from
 * what DynamoDB holds (a hand-over, a redeploy, or a restart of the local runtime), or at
 * AMENDMENT, the approval of an amendment of the signed contract in an execution of its own. Every wait for a
 * person is a `.waitForTaskToken` task with a timeout: on timeout one reminder, on a second
 * timeout escalation to the deputy, on a third the purchase lapses (rejected, budget released).
 * Every stage runs to CLOSED (or REJECTED / TERMINATED), each step re-reading DynamoDB.
 * An unexpected error in any task (after its retries) is recorded on the purchase and ends
 * the execution FAILED, which raises the operations alarm: nothing fails without a trace.
 */
export class PurchaseLifecycle extends Construct {
  readonly stateMachine: StateMachine;
  /** The version this deploy publishes (a new one whenever the definition or configuration changed). */
  readonly version: CfnStateMachineVersion;
  /** The `live` alias, pointing at `version`: start executions through it, never the bare state machine. */
  readonly alias: CfnStateMachineAlias;

  constructor(scope: Construct, id: string, props: PurchaseLifecycleProps) {
    super(scope, id);
    const ctx: StageContext = {
      scope: this,
      functions: props.functions,
      endings: purchaseEndings(this, props.functions),
    };
    const approval = approvalStage(ctx, props.approvalTimeout);
    const contracting = contractingStage(ctx, {
      sign: props.signTimeout,
      countersign: props.approvalTimeout,
    });
    const firstTranche = paymentStep(ctx, 'Notify first payment', 'CONTRACT_SIGNED');
    const midterm = midtermStage(ctx, props.reviewTimeout);
    const secondTranche = paymentStep(ctx, 'Notify second payment', 'MIDTERM_PASSED');
    const evaluation = evaluationStage(ctx, props.evaluationTimeout);

    // Each stage ends its execution and hands the purchase to a fresh one, which starts at the
    // next stage: no execution carries a purchase for long, and each runs the newest definition.
    approval.next(ctx.endings.handOver);
    contracting.next(ctx.endings.handOver);
    firstTranche.next(midterm.entry);
    midterm.next(ctx.endings.handOver);
    secondTranche.next(evaluation.entry);
    evaluation.next(closingStage(ctx, props.settlementRecheck));

    // A Choice on an absent path is a runtime error in Step Functions: test presence first.
    // A stage starts with the payment step before it: notifying a tranche twice does nothing.
    const resumeAt = (stage: string) =>
      Condition.and(Condition.isPresent('$.resumeAt'), Condition.stringEquals('$.resumeAt', stage));
    const entry = new Choice(this, 'Where to resume')
      // An amendment's approval runs in its own execution beside the purchase's and ends there.
      .when(resumeAt('AMENDMENT'), amendmentStage(ctx, props.approvalTimeout))
      .when(resumeAt('APPROVAL'), approval.resume)
      .when(resumeAt('CONTRACTING'), contracting.entry)
      .when(resumeAt('MIDTERM_REVIEW'), firstTranche)
      .when(resumeAt('EVALUATION'), secondTranche)
      .otherwise(approval.entry);
    // Last, once every task and its own Catch are in place: whatever else goes wrong is recorded.
    recordUnexpectedFailures(this, entry, props.functions.recordWorkflowFailure);

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

    // The version is tied to the state machine's revision, so CloudFormation publishes a new one
    // whenever a deploy changes the state machine, and the alias moves to it. Executions already
    // running stay on their version (kept, not deleted, when the next deploy replaces it) until
    // their stage ends; the next stage starts through the alias, on the new version.
    const revision = (this.stateMachine.node.defaultChild as CfnStateMachine).attrStateMachineRevisionId;
    this.version = new CfnStateMachineVersion(this, 'Version', {
      stateMachineArn: this.stateMachine.stateMachineArn,
      stateMachineRevisionId: revision,
      description: 'Published by the deploy that made this revision of the purchase lifecycle',
    });
    // Kept when the next deploy replaces it (and on stack deletion, whose deletion of the state
    // machine deletes its versions anyway).
    this.version.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
    this.version.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
    this.alias = new CfnStateMachineAlias(this, 'LiveAlias', {
      name: LIVE_ALIAS,
      description: 'Where every purchase execution starts: the newest published version',
      routingConfiguration: [{ stateMachineVersionArn: this.version.attrArn, weight: 100 }],
    });
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

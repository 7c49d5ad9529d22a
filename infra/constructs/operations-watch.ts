import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BUSINESS_METRICS, METRICS_NAMESPACE, METRICS_SERVICE } from '../../shared/lambda/metric-names.js';

export interface OperationsWatchProps {
  /** Where every alarm goes (the operations topic). */
  readonly topic: ITopic;
  /** Every function of the app: each gets an errors and a throttles alarm. */
  readonly functions: readonly { readonly id: string; readonly fn: IFunction }[];
  readonly api: IHttpApi;
  readonly table: ITable;
  readonly stateMachine: IStateMachine;
  /** Upload events the recorder never handled (EventBridge undeliverable, or failed after Lambda's retries). */
  readonly deadLetters: IQueue;
}

/** p99 latency of the HTTP API above which people wait too long for a page (ms). */
const API_P99_LATENCY_MS = 3_000;
const PERIOD = Duration.minutes(5);

/**
 * What operators watch besides the state machine's own alarms: every function's errors and
 * throttles, the API's 5xx answers and p99 latency, DynamoDB throttling, and upload events that
 * ended in the dead-letter queue; each alarm to the operations topic. One dashboard shows them
 * with the workflow's executions and the business metrics the functions publish (EMF).
 */
export class OperationsWatch extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsWatchProps) {
    super(scope, id);
    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data (no invocations, no requests) is the quiet normal, not a reason to page anyone.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(props.topic));
      this.alarms.push(created);
      return created;
    };

    for (const { id: fnId, fn } of props.functions) {
      alarm(
        `${fnId}Errors`,
        fn.metricErrors({ period: PERIOD, statistic: Stats.SUM }),
        1,
        `${fnId} failed: its log lines (function_name ${fnId}) name the purchase and execution.`,
      );
      alarm(
        `${fnId}Throttles`,
        fn.metricThrottles({ period: PERIOD, statistic: Stats.SUM }),
        1,
        `${fnId} was throttled: raise its concurrency or the account's limit.`,
      );
    }
    const api5xx = props.api.metricServerError({ period: PERIOD, statistic: Stats.SUM });
    alarm(
      'ApiServerErrors',
      api5xx,
      1,
      'The HTTP API answered 5xx: staff or a person with a link saw an error.',
    );
    const apiLatency = props.api.metricLatency({ period: PERIOD, statistic: Stats.p(99) });
    alarm(
      'ApiLatency',
      apiLatency,
      API_P99_LATENCY_MS,
      `The HTTP API's p99 latency passed ${API_P99_LATENCY_MS} ms.`,
    );
    const throttled = props.table.metricThrottledRequestsForOperations({
      operations: [
        Operation.GET_ITEM,
        Operation.PUT_ITEM,
        Operation.UPDATE_ITEM,
        Operation.QUERY,
        Operation.TRANSACT_WRITE_ITEMS,
      ],
      period: PERIOD,
    });
    alarm('TableThrottles', throttled, 1, 'DynamoDB throttled requests on the records table.');
    const deadLetters = props.deadLetters.metricApproximateNumberOfMessagesVisible({
      period: PERIOD,
      statistic: Stats.MAXIMUM,
    });
    alarm(
      'UploadDeadLetters',
      deadLetters,
      1,
      'An NGO upload event was never recorded: replay it from the dead-letter queue (npm run ops -- show the purchase first).',
    );

    const business = (name: string, statistic: string = Stats.SUM) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: METRICS_SERVICE },
        period: Duration.hours(1),
        statistic,
      });
    const sm = props.stateMachine;
    new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      widgets: [
        [new TextWidget({ markdown: '# NGO service purchases: operations', width: 24, height: 1 })],
        [
          new GraphWidget({
            title: 'Workflow executions',
            left: [sm.metricStarted(), sm.metricSucceeded(), sm.metricFailed(), sm.metricTimedOut()],
            width: 12,
          }),
          new GraphWidget({
            title: 'Function errors and throttles',
            left: props.functions.map(({ fn }) => fn.metricErrors({ period: PERIOD })),
            right: props.functions.map(({ fn }) => fn.metricThrottles({ period: PERIOD })),
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'API 5xx and p99 latency (ms)',
            left: [api5xx],
            right: [apiLatency],
            width: 8,
          }),
          new GraphWidget({ title: 'DynamoDB throttled requests', left: [throttled], width: 8 }),
          new GraphWidget({ title: 'Upload dead letters', left: [deadLetters], width: 8 }),
        ],
        [
          new GraphWidget({
            title: 'Proposals',
            left: [
              BUSINESS_METRICS.proposalsSubmitted,
              BUSINESS_METRICS.proposalsApproved,
              BUSINESS_METRICS.proposalsRejected,
            ].map((m) => business(m)),
            width: 8,
          }),
          new GraphWidget({
            title: 'Decisions by link, uploads refused',
            left: [business(BUSINESS_METRICS.decisionsRecorded), business(BUSINESS_METRICS.uploadsRefused)],
            width: 8,
          }),
          new GraphWidget({
            title: 'Payments (overdue: the hourly count); link latency p99 (ms)',
            left: [
              business(BUSINESS_METRICS.paymentsNotified),
              business(BUSINESS_METRICS.paymentsConfirmed),
              business(BUSINESS_METRICS.paymentsOverdue, Stats.MAXIMUM),
            ],
            right: [business(BUSINESS_METRICS.linkLatency, Stats.p(99))],
            width: 8,
          }),
        ],
      ],
    });
  }
}

import { Duration } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { ServiceFunction } from '../constructs/service-function.js';
import { mails, type StackWiring, type StaffRoutes } from './stack-wiring.js';

/** Where every payment step tells finance: an encrypted, TLS-only topic with finance's e-mail subscriptions. */
export function paymentStepsTopic(wiring: StackWiring): Topic {
  const topic = new Topic(wiring.stack, 'PaymentSteps', {
    displayName: 'Payment steps of NGO service purchases',
    enforceSSL: true,
    masterKey: Alias.fromAliasName(wiring.stack, 'SnsKey', 'alias/aws/sns'),
  });
  for (const email of wiring.settings.lifecycle.payments.financeSubscribers) {
    topic.addSubscription(new EmailSubscription(email));
  }
  return topic;
}

/**
 * Finance's part of the stack besides the workflow's payment steps: its page of tranches due, the
 * waiver and the correction of a payment record, and the schedules that measure and chase
 * tranches left unconfirmed.
 */
export function financeService(wiring: StackWiring, routes: StaffRoutes, paymentsTopic: Topic): void {
  const { stack, table, taskLinkKeys, publicBaseUrl } = wiring;
  // Finance's page: the tranches due across purchases, each with its confirmation page's link.
  const financeTranches = new ServiceFunction(stack, 'FinanceTranches', {
    name: 'finance-tranches',
    description: 'GET /finance/tranches: what finance owes',
  })
    .useTable(table, 'read')
    .useTaskLinkKeys(taskLinkKeys)
    .linksOn(publicBaseUrl);
  routes.add(HttpMethod.GET, '/finance/tranches', 'FinanceTranchesIntegration', financeTranches);

  // The finance page's "waive": recorded on the payment step; the last settlement resumes the closing step.
  const waiveTranche = new ServiceFunction(stack, 'WaiveTranche', {
    name: 'waive-tranche',
    description: 'POST /purchases/{id}/tranches/{tranche}/waive: gives up a tranche due, with a reason',
  })
    .useTable(table)
    .completeTasksOf(wiring.stateMachine.arn);
  routes.add(
    HttpMethod.POST,
    '/purchases/{id}/tranches/{tranche}/waive',
    'WaiveTrancheIntegration',
    waiveTranche,
  );
  // The purchase page's "correct the reference": the correction appended, the reference confirmed kept.
  const correctPaymentRecord = new ServiceFunction(stack, 'CorrectPaymentRecord', {
    name: 'correct-payment-record',
    description: 'POST /purchases/{id}/tranches/{tranche}/transfers/{seq}/correction',
  }).useTable(table);
  routes.add(
    HttpMethod.POST,
    '/purchases/{id}/tranches/{tranche}/transfers/{seq}/correction',
    'CorrectPaymentRecordIntegration',
    correctPaymentRecord,
  );

  // Hourly: how many tranches are overdue, as a metric (PaymentsOverdue) the dashboard graphs.
  const measureOverduePayments = new ServiceFunction(stack, 'MeasureOverduePayments', {
    name: 'measure-overdue-payments',
    description: 'Publishes how many tranches are overdue',
    timeout: Duration.minutes(1),
  }).useTable(table, 'read');
  new Rule(stack, 'MeasureOverduePaymentsHourly', {
    description: 'Measures overdue tranches every hour',
    schedule: Schedule.rate(Duration.hours(1)),
    targets: [new LambdaFunction(measureOverduePayments, { retryAttempts: 2 })],
  });

  // Every morning at 09:00 China time: finance is reminded of each tranche still unconfirmed past its
  // due date, and later the finance section head and the director are mailed (payment-reminders.ts).
  const chaseUnconfirmedTranches = mails(
    wiring,
    new ServiceFunction(stack, 'ChaseUnconfirmedTranches', {
      name: 'chase-unconfirmed-tranches',
      description: 'Reminds finance of unconfirmed tranches, then escalates them',
      timeout: Duration.minutes(2),
    })
      .useTable(table)
      .usePolicySettings(wiring.settings.policy)
      .useLifecycleSettings(wiring.settings.lifecycle)
      .useTaskLinkKeys(taskLinkKeys)
      .publishTo(paymentsTopic),
  ).linksOn(publicBaseUrl);
  new Rule(stack, 'ChaseUnconfirmedTranchesDaily', {
    description: 'Chases tranches still unconfirmed past their due date, every morning',
    schedule: Schedule.cron({ hour: '1', minute: '0' }),
    targets: [new LambdaFunction(chaseUnconfirmedTranches, { retryAttempts: 2 })],
  });
}

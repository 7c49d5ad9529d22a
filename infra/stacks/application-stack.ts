import { Arn, ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import {
  approvalWait,
  evaluationWait,
  midtermReviewWait,
  signedContractWait,
} from '../../shared/domain/waits.js';
import { LIVE_ALIAS, PurchaseLifecycle } from '../../workflows/purchase-lifecycle.js';
import { OperationsWatch } from '../constructs/operations-watch.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { StaffConsole } from '../constructs/staff-console.js';
import { StaffSignIn } from '../constructs/staff-sign-in.js';
import { acknowledgeStateMachineRole } from '../nag.js';
import { financeService, paymentStepsTopic } from './finance-service.js';
import { lifecycleSteps } from './lifecycle-steps.js';
import { linkKeySecrets } from './link-keys.js';
import { operatorFunctions } from './operator-functions.js';
import {
  CONSOLE_URL_OUTPUT,
  RESEND_FUNCTION_OUTPUT,
  RESUME_FUNCTION_OUTPUT,
  ROTATE_LINK_KEYS_FUNCTION_OUTPUT,
  STAFF_USER_POOL_OUTPUT,
  STATE_MACHINE_ALIAS_OUTPUT,
} from './outputs.js';
import { servePublicLinks } from './public-links.js';
import { referenceDataService } from './reference-data.js';
import { type StackWiring, StaffRoutes } from './stack-wiring.js';
import { staffApi } from './staff-api.js';
import { documentsBucketName } from './stateful-stack.js';
import { uploadRecording } from './upload-recording.js';

export interface ApplicationStackProps extends StackProps {
  readonly table: ITable;
  readonly settings: DeploymentSettings;
}

/** The staff API's paths (CloudFront path patterns) that the console's distribution passes on to the API. */
export const STAFF_API_PATHS = [
  '/me',
  '/my/*',
  '/finance/*',
  '/purchases',
  '/purchases/*',
  '/proposal-options',
  '/ngos/*',
  '/reference-data',
  '/reference-data/*',
];

/**
 * The stateless application: functions, the purchase workflow, the HTTP API, mail and the link
 * keys, staff sign-in and the staff console. Each part is in a file of its own (the lifecycle's
 * steps, the staff API, finance, the public links, upload recording, the operators' functions),
 * created in this stack's scope so the resources keep their logical ids.
 */
export class ApplicationStack extends Stack {
  readonly api: HttpApi;
  readonly lifecycle: PurchaseLifecycle;

  constructor(scope: Construct, id: string, props: ApplicationStackProps) {
    super(scope, id, props);
    const { table, settings } = props;
    // Contracts and uploads live in the stateful stack; its bucket announces new objects on EventBridge.
    const documents = Bucket.fromBucketName(this, 'Documents', documentsBucketName(this));

    const { taskLinkKeys, ngoLinkKeys } = linkKeySecrets(this);
    const mailIdentity = new EmailIdentity(this, 'MailIdentity', {
      identity: settings.sesIdentity.includes('@')
        ? Identity.email(settings.sesIdentity)
        : Identity.domain(settings.sesIdentity),
    });
    const mailIdentityArn = this.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: mailIdentity.emailIdentityName,
    });

    this.api = new HttpApi(this, 'Api', {
      description: 'Purchases of NGO services: staff API and e-mailed task links',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      // Query strings are left out of the access log: they carry link signatures.
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            error: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const stateMachineName = `${this.stackName}-purchase-lifecycle`;
    const stateMachineArn = Arn.format(
      {
        service: 'states',
        resource: 'stateMachine',
        resourceName: stateMachineName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      this,
    );
    const wiring: StackWiring = {
      stack: this,
      table,
      settings,
      documents,
      taskLinkKeys,
      ngoLinkKeys,
      mail: { identityArn: mailIdentityArn, from: settings.mailFrom },
      publicBaseUrl: settings.publicBaseUrl ?? this.api.apiEndpoint,
      stateMachine: {
        name: stateMachineName,
        arn: stateMachineArn,
        aliasArn: `${stateMachineArn}:${LIVE_ALIAS}`,
      },
    };

    const paymentsTopic = paymentStepsTopic(wiring);
    const lifecycleFunctions = lifecycleSteps(wiring, paymentsTopic);
    this.lifecycle = new PurchaseLifecycle(this, 'PurchaseLifecycle', {
      stateMachineName,
      approvalTimeout: approvalWait(settings.policy),
      signTimeout: signedContractWait(settings.lifecycle),
      reviewTimeout: midtermReviewWait(settings.lifecycle),
      evaluationTimeout: evaluationWait(settings.lifecycle),
      settlementRecheck: Duration.days(settings.lifecycle.payments.settlementRecheckDays),
      functions: lifecycleFunctions,
    });
    const stateMachine = this.lifecycle.stateMachine;
    acknowledgeStateMachineRole(stateMachine, Object.values(lifecycleFunctions));
    const operations = this.operationsTopic(settings.operations?.alarmSubscribers ?? []);
    this.lifecycle.alarmOnFailures(operations);

    // Staff sign in (a Cognito user pool, or the provider the settings name) and work in the
    // console, which CloudFront serves with the staff API under its own origin.
    const signIn = new StaffSignIn(this, 'StaffSignIn', {
      provider: settings.auth,
      domainPrefix: settings.signIn?.domainPrefix,
    });
    const staffConsole = new StaffConsole(this, 'StaffConsole', {
      api: this.api,
      apiPaths: STAFF_API_PATHS,
      signInOrigins: signIn.browserOrigins,
    });
    const consoleSignIn = signIn.registerConsole(staffConsole.url);
    staffConsole.publish(consoleSignIn);
    // The console calls the API with its ID token: issued by this issuer to the console's client.
    const staffRoutes = new StaffRoutes(
      this.api,
      new HttpJwtAuthorizer('StaffJwt', consoleSignIn.issuer, { jwtAudience: [consoleSignIn.clientId] }),
    );
    staffApi(wiring, staffRoutes);
    referenceDataService(wiring, staffRoutes);
    financeService(wiring, staffRoutes, paymentsTopic);
    servePublicLinks(wiring, this.api, stage);
    const uploadDeadLetters = uploadRecording(wiring);
    const operators = operatorFunctions(wiring);

    new OperationsWatch(this, 'Operations', {
      topic: operations,
      functions: this.node
        .findAll()
        .filter((c): c is ServiceFunction => c instanceof ServiceFunction)
        .map((fn) => ({ id: fn.node.id, fn })),
      api: this.api,
      table,
      stateMachine,
      deadLetters: uploadDeadLetters,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, CONSOLE_URL_OUTPUT, {
      value: staffConsole.url,
      description: 'The staff console (sign-in returns here)',
    });
    if (signIn.userPool) {
      new CfnOutput(this, STAFF_USER_POOL_OUTPUT, {
        value: signIn.userPool.userPoolId,
        description: 'Staff accounts: create them and add them to role groups here',
      });
    }
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, STATE_MACHINE_ALIAS_OUTPUT, {
      value: this.lifecycle.alias.attrArn,
      description: 'Where purchase executions start: the alias of the newest published version',
    });
    new CfnOutput(this, RESEND_FUNCTION_OUTPUT, {
      value: operators.resendTaskLink.functionName,
      description:
        'Invoke with {"taskId","by"} to mail a new link for a pending task (npm run ops -- resend)',
    });
    new CfnOutput(this, ROTATE_LINK_KEYS_FUNCTION_OUTPUT, {
      value: operators.rotateLinkKeys.functionName,
      description:
        'Invoke with {"kind":"task"|"ngo","action":"rotate"|"retire","by"} to rotate link keys (npm run ops -- rotate-link-key)',
    });
    new CfnOutput(this, RESUME_FUNCTION_OUTPUT, {
      value: operators.resumeOpenPurchases.functionName,
      description:
        'Invoke once after an outage or a redeploy: restarts the executions of unfinished purchases',
    });
  }

  /**
   * Where alarms go: an encrypted, TLS-only topic with the operators' e-mail subscriptions.
   * CloudWatch cannot publish to a topic under the AWS managed SNS key, so the topic has its own
   * key (rotated yearly) whose policy lets CloudWatch use it, and a topic policy that lets only
   * this account's alarms publish.
   */
  private operationsTopic(subscribers: readonly string[]): Topic {
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const key = new Key(this, 'OperationsAlarmsKey', {
      description: 'Encrypts the operations alarm topic of the NGO purchase workflow',
      enableKeyRotation: true,
    });
    key.grant(cloudWatch, 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'OperationsAlarms', {
      displayName: 'Operations alarms of NGO service purchases',
      enforceSSL: true,
      masterKey: key,
    });
    topic.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const email of subscribers) topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}

import { Arn, ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { UPLOAD_COUNTS_PARTITION } from '../../shared/adapters/dynamodb/table-design.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import {
  approvalWait,
  evaluationWait,
  midtermReviewWait,
  signedContractWait,
} from '../../shared/domain/waits.js';
import { LIVE_ALIAS, PurchaseLifecycle } from '../../workflows/purchase-lifecycle.js';
import { OperationsWatch } from '../constructs/operations-watch.js';
import {
  ServiceFunction,
  type ServiceFunctionProps,
  type TableAccess,
} from '../constructs/service-function.js';
import { StaffConsole } from '../constructs/staff-console.js';
import { StaffSignIn } from '../constructs/staff-sign-in.js';
import { acknowledge, acknowledgeStateMachineRole } from '../nag.js';
import { linkKeySecrets } from './link-keys.js';
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
import { documentsBucketName } from './stateful-stack.js';

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

/** Memory and timeout of a function that needs more than the defaults, and what it does with the table. */
type StepOptions = Pick<ServiceFunctionProps, 'memorySize' | 'timeout'> & {
  /** @default 'readWrite'; 'read' for a function that only reads (its role then has no write action). */
  readonly tableAccess?: TableAccess;
};

/**
 * The stateless application: functions, the purchase workflow, the HTTP API, mail and the link
 * key, staff sign-in and the staff console.
 */
export class ApplicationStack extends Stack {
  readonly api: HttpApi;
  readonly lifecycle: PurchaseLifecycle;

  constructor(scope: Construct, id: string, props: ApplicationStackProps) {
    super(scope, id, props);
    const { table, settings } = props;
    // Contracts and uploads live in the stateful stack; its bucket announces new objects on EventBridge.
    const documents = Bucket.fromBucketName(this, 'Documents', documentsBucketName(this));
    const lifecycle = settings.lifecycle;
    const policy = settings.policy;

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
    const publicBaseUrl = settings.publicBaseUrl ?? this.api.apiEndpoint;

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
    const aliasArn = `${stateMachineArn}:${LIVE_ALIAS}`;
    const allowTaskCallbacks = (fn: ServiceFunction) =>
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: [stateMachineArn],
        }),
      );

    const step = (
      id: string,
      name: string,
      description: string,
      { tableAccess, ...sizing }: StepOptions = {},
    ) =>
      new ServiceFunction(this, id, { name, description, ...sizing })
        .useTable(table, tableAccess)
        .usePolicySettings(policy);

    // The steps that only work something out (validate, plan) read the table and write nothing.
    const validateProposal = step(
      'ValidateProposal',
      'validate-proposal',
      'Re-checks a proposal against every policy rule',
      { tableAccess: 'read' },
    );
    const reserveBudget = step(
      'ReserveBudget',
      'reserve-budget',
      'Reserves the purchase amount on its budget line',
    );
    const planApproval = step(
      'PlanApproval',
      'plan-approval',
      'Works out which approval levels are still needed',
    );
    const requestDecision = step(
      'RequestDecision',
      'request-decision',
      'Opens a human task and e-mails its link',
    )
      .useTaskLinkKeys(taskLinkKeys)
      .sendMailAs(mailIdentityArn, settings.mailFrom);
    requestDecision.linksOn(publicBaseUrl);
    allowTaskCallbacks(requestDecision);
    // A proposal returned for revision: the officer is mailed (no link: the revision is made in the console).
    const requestRevision = step(
      'RequestRevision',
      'request-revision',
      'Asks the officer to revise a returned proposal',
    ).sendMailAs(mailIdentityArn, settings.mailFrom);
    allowTaskCallbacks(requestRevision);
    // Both steps that end the approval tell the officer who registered the purchase.
    const concludeApproval = step('ConcludeApproval', 'conclude-approval', 'Records an approved purchase');
    const rejectPurchase = step(
      'RejectPurchase',
      'reject-purchase',
      'Records a rejection and releases the budget',
    );

    requestDecision.useLifecycleSettings(lifecycle);

    // Contracting and payments.
    const paymentsTopic = new Topic(this, 'PaymentSteps', {
      displayName: 'Payment steps of NGO service purchases',
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    for (const email of lifecycle.payments.financeSubscribers) {
      paymentsTopic.addSubscription(new EmailSubscription(email));
    }
    const contractStep = (id: string, name: string, description: string, options: StepOptions = {}) =>
      step(id, name, description, options).useLifecycleSettings(lifecycle);
    const issueContract = contractStep(
      'IssueContract',
      'issue-contract',
      'Renders and stores the contract',
    ).useDocuments(documents, 'contracts/', ['write']);
    const planContracting = contractStep(
      'PlanContracting',
      'plan-contracting',
      'Works out the next contracting step',
      { tableAccess: 'read' },
    );
    const awaitUpload = contractStep('AwaitUpload', 'await-upload', 'Waits for an NGO upload and asks for it')
      .useNgoLinkKeys(ngoLinkKeys)
      .sendMailAs(mailIdentityArn, settings.mailFrom);
    awaitUpload.linksOn(publicBaseUrl);
    allowTaskCallbacks(awaitUpload);
    const concludeContracting = contractStep(
      'ConcludeContracting',
      'conclude-contracting',
      'Publishes the contract',
    );
    const notifyPayment = contractStep(
      'NotifyPayment',
      'notify-payment',
      'Opens a payment step and tells finance',
    )
      .useTaskLinkKeys(taskLinkKeys)
      .publishTo(paymentsTopic);
    notifyPayment.linksOn(publicBaseUrl);
    const terminatePurchase = contractStep(
      'TerminatePurchase',
      'terminate-purchase',
      'Ends a purchase that cannot go on',
    );

    const planMidterm = contractStep(
      'PlanMidterm',
      'plan-midterm',
      'Works out the next mid-term review step',
      { tableAccess: 'read' },
    );
    const concludeMidterm = contractStep(
      'ConcludeMidterm',
      'conclude-midterm',
      'Records a passed mid-term review',
    );
    const planEvaluation = contractStep(
      'PlanEvaluation',
      'plan-evaluation',
      'Works out the next evaluation step',
      { tableAccess: 'read' },
    );
    const recordMissingReport = contractStep(
      'RecordMissingReport',
      'record-missing-report',
      'Records that no final report came',
    );
    const requestEvaluation = contractStep(
      'RequestEvaluation',
      'request-evaluation',
      'Assigns an agency and mails it',
    )
      .useTaskLinkKeys(taskLinkKeys)
      .sendMailAs(mailIdentityArn, settings.mailFrom);
    requestEvaluation.linksOn(publicBaseUrl);
    allowTaskCallbacks(requestEvaluation);
    const concludeEvaluation = contractStep(
      'ConcludeEvaluation',
      'conclude-evaluation',
      'Grades, track record, final tranche',
    );
    const closePurchase = contractStep(
      'ClosePurchase',
      'close-purchase',
      'Closes a purchase and returns unpaid budget',
    );
    // The closing step's wait for the last tranches: it keeps its token and may hand itself back.
    const awaitSettlement = contractStep(
      'AwaitSettlement',
      'await-settlement',
      'Waits until every tranche is paid or waived',
    );
    allowTaskCallbacks(awaitSettlement);
    // Only the table: it writes the failure on the purchase and its audit log, nothing else.
    const recordWorkflowFailure = new ServiceFunction(this, 'RecordWorkflowFailure', {
      name: 'record-workflow-failure',
      description: 'Records an unexpected workflow error on the purchase',
    }).useTable(table);

    const handOverExecution = new ServiceFunction(this, 'HandOverExecution', {
      name: 'hand-over-execution',
      description: "Starts a purchase's next execution of the lifecycle",
    })
      .useTable(table)
      .startExecutionsThrough(aliasArn)
      // Retried, it looks whether the successor it recorded has started.
      .readExecutionsOf(stateMachineName, aliasArn);

    // The steps that decide an outcome the NGO hears of mail its contact (shared/usecases/inform-ngo.ts);
    // the two that end the approval also tell the officer.
    const tellTheNgo = [
      concludeApproval,
      rejectPurchase,
      concludeContracting,
      notifyPayment,
      terminatePurchase,
      concludeMidterm,
      concludeEvaluation,
      closePurchase,
    ];
    for (const fn of tellTheNgo) fn.sendMailAs(mailIdentityArn, settings.mailFrom);

    const lifecycleFunctions = {
      validateProposal,
      reserveBudget,
      planApproval,
      requestDecision,
      requestRevision,
      concludeApproval,
      rejectPurchase,
      issueContract,
      planContracting,
      awaitUpload,
      concludeContracting,
      notifyPayment,
      terminatePurchase,
      planMidterm,
      concludeMidterm,
      planEvaluation,
      recordMissingReport,
      requestEvaluation,
      concludeEvaluation,
      closePurchase,
      awaitSettlement,
      handOverExecution,
      recordWorkflowFailure,
    };
    this.lifecycle = new PurchaseLifecycle(this, 'PurchaseLifecycle', {
      stateMachineName,
      approvalTimeout: approvalWait(policy),
      signTimeout: signedContractWait(lifecycle),
      reviewTimeout: midtermReviewWait(lifecycle),
      evaluationTimeout: evaluationWait(lifecycle),
      settlementRecheck: Duration.days(lifecycle.payments.settlementRecheckDays),
      functions: lifecycleFunctions,
    });
    const stateMachine = this.lifecycle.stateMachine;
    acknowledgeStateMachineRole(stateMachine, Object.values(lifecycleFunctions));
    const operations = this.operationsTopic(settings.operations?.alarmSubscribers ?? []);
    this.lifecycle.alarmOnFailures(operations);

    const createPurchase = step(
      'CreatePurchase',
      'create-purchase',
      'POST /purchases',
    ).startExecutionsThrough(aliasArn);
    const getPurchase = step('GetPurchase', 'get-purchase', 'GET /purchases/{id}', {
      tableAccess: 'read',
    }).readExecutionsOf(stateMachineName, aliasArn);
    const taskLink = step(
      'TaskLink',
      'task-link',
      'GET|HEAD|POST /tasks/{taskId}: the e-mailed decision links',
    )
      .useTaskLinkKeys(taskLinkKeys)
      // Review pages link the upload under review (signed contract, mid-term and final reports);
      // the evaluation page scores with the rubric and grade bands of the lifecycle settings.
      .useDocuments(documents, 'uploads/', ['read'])
      .useLifecycleSettings(lifecycle);
    allowTaskCallbacks(taskLink);

    // The NGO's page: lists what is due and what arrived, and links the published contract. It is
    // open to the internet and writes nothing: read only.
    const ngoPage = contractStep('NgoPage', 'ngo-page', 'GET /ngo/{purchaseId}: the NGO page', {
      tableAccess: 'read',
    })
      .useNgoLinkKeys(ngoLinkKeys)
      // It links the published contract; the uploads' grants are NgoUploadGrant's.
      .useDocuments(documents, 'contracts/', ['read']);
    // The upload grant the page's script asks for: a presigned POST for one file while the day's
    // grants of its kind last. Open to the internet too, it counts grants and may write nothing
    // else: every write outside the upload counts' partition is denied (table-design.ts).
    const ngoUploadGrant = contractStep(
      'NgoUploadGrant',
      'ngo-upload-grant',
      'POST /ngo/{purchaseId}/uploads: a presigned POST for one file',
    )
      .useNgoLinkKeys(ngoLinkKeys)
      .useDocuments(documents, 'uploads/', ['write']);
    /** A grant counts grants and may write nothing else: every write outside the upload counts' partition is denied. */
    const writesOnlyUploadCounts = (grant: ServiceFunction) =>
      grant.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.DENY,
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
          resources: [table.tableArn],
          conditions: {
            'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': [`${UPLOAD_COUNTS_PARTITION}*`] },
          },
        }),
      );
    writesOnlyUploadCounts(ngoUploadGrant);
    // The evaluation agency's written report, asked for by its evaluation page's script: a presigned
    // POST for one PDF, only under the reports' own prefix, and only for the link of the agency the
    // purchase has assigned (it reads the task and the purchase). Like the NGO's grant, it writes
    // nothing but the upload counts.
    const evaluationReportGrant = contractStep(
      'EvaluationReportGrant',
      'evaluation-report-grant',
      'POST /tasks/{taskId}/report: a presigned POST for the evaluation report',
    )
      .useTaskLinkKeys(taskLinkKeys)
      .useDocuments(documents, 'uploads/*/EVALUATION_REPORT/', ['write']);
    writesOnlyUploadCounts(evaluationReportGrant);
    // The expired NGO page's button: mails a fresh page link to the purchase's registered contact,
    // at most once an hour (its audit entry is the limit). Open to the internet, like the page.
    const ngoFreshLink = contractStep(
      'NgoFreshLink',
      'ngo-fresh-link',
      'POST /ngo/{purchaseId}/fresh-link: mails a new NGO page link',
    )
      .useNgoLinkKeys(ngoLinkKeys)
      .sendMailAs(mailIdentityArn, settings.mailFrom);
    ngoFreshLink.linksOn(publicBaseUrl);
    // Every object created under uploads/ is checked by its bytes and recorded, then resumes the waiting step.
    // It streams the whole file (up to 25 MB) through SHA-256: more memory (and so CPU) and time
    // than the other steps, or a large upload on a busy moment would time out and be retried.
    const recordUpload = contractStep(
      'RecordUpload',
      'record-upload',
      'Records an NGO upload from its S3 event',
      {
        memorySize: 512,
        timeout: Duration.seconds(60),
      },
    ).useDocuments(documents, 'uploads/', ['read', 'tag']);
    allowTaskCallbacks(recordUpload);
    // An upload event is never dropped: what EventBridge cannot deliver, and what the recorder still
    // fails on after Lambda's own retries of an asynchronous call, waits here (alarmed) to be replayed.
    const uploadDeadLetters = new Queue(this, 'UploadDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      uploadDeadLetters.node.defaultChild as Construct,
      'SQS3',
      'This queue is itself the dead-letter queue of the upload rule and the recorder (an EventBridge target DLQ and a Lambda on-failure destination, which the check does not see).',
    );
    recordUpload.configureAsyncInvoke({ onFailure: new SqsDestination(uploadDeadLetters), retryAttempts: 2 });
    new Rule(this, 'UploadCreated', {
      description: 'An NGO upload arrived in the documents bucket',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [documents.bucketName] }, object: { key: [{ prefix: 'uploads/' }] } },
      },
      targets: [new LambdaFunction(recordUpload, { retryAttempts: 8, deadLetterQueue: uploadDeadLetters })],
    });
    const resumeOpenPurchases = new ServiceFunction(this, 'ResumeOpenPurchases', {
      name: 'resume-open-purchases',
      description: 'Starts an execution at its stage boundary for every purchase that is not finished',
      timeout: Duration.minutes(5),
    })
      .useTable(table)
      .startExecutionsThrough(aliasArn)
      .readExecutionsOf(stateMachineName, aliasArn);

    // An operator's `npm run ops -- resend`: invoked directly, so the link key stays in the account.
    const resendTaskLink = new ServiceFunction(this, 'ResendTaskLink', {
      name: 'resend-task-link',
      description: 'Mails a new link for a pending task',
    })
      .useTable(table)
      .useTaskLinkKeys(taskLinkKeys)
      .sendMailAs(mailIdentityArn, settings.mailFrom);
    resendTaskLink.linksOn(publicBaseUrl);

    // An operator's `npm run ops -- rotate-link-key <task|ngo>` (and `retire-link-keys`): invoked
    // directly, so the keys never leave Secrets Manager and this function.
    const rotateLinkKeys = new ServiceFunction(this, 'RotateLinkKeys', {
      name: 'rotate-link-keys',
      description: 'Rotates, or retires the old, keys of task or NGO page links',
    }).rotatesLinkKeys(taskLinkKeys, ngoLinkKeys);

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
    const staffOnly = new HttpJwtAuthorizer('StaffJwt', consoleSignIn.issuer, {
      jwtAudience: [consoleSignIn.clientId],
    });
    const staffProfile = new ServiceFunction(this, 'StaffProfile', {
      name: 'staff-profile',
      description: 'GET /me: who the caller is and what their roles allow',
    });
    this.api.addRoutes({
      path: '/me',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('StaffProfileIntegration', staffProfile),
      authorizer: staffOnly,
    });
    // Lists read the purchases index only.
    const listPurchases = new ServiceFunction(this, 'ListPurchases', {
      name: 'list-purchases',
      description: 'GET /purchases: a page of the purchases list',
    }).useTable(table, 'read');
    this.api.addRoutes({
      path: '/purchases',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('ListPurchasesIntegration', listPurchases),
      authorizer: staffOnly,
    });
    // The new-proposal form's choices (budget lines left, catalogue, benchmark) and the chosen
    // NGO's track record: both only read.
    const proposalOptions = new ServiceFunction(this, 'ProposalOptions', {
      name: 'proposal-options',
      description: 'GET /proposal-options: what the proposal form offers for a budget year',
    })
      .useTable(table, 'read')
      .usePolicySettings(policy);
    this.api.addRoutes({
      path: '/proposal-options',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('ProposalOptionsIntegration', proposalOptions),
      authorizer: staffOnly,
    });
    const ngoTrackRecord = new ServiceFunction(this, 'NgoTrackRecord', {
      name: 'ngo-track-record',
      description: "GET /ngos/{creditCode}: an NGO's evaluations and whether it is barred",
    }).useTable(table, 'read');
    this.api.addRoutes({
      path: '/ngos/{creditCode}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('NgoTrackRecordIntegration', ngoTrackRecord),
      authorizer: staffOnly,
    });
    this.api.addRoutes({
      path: '/purchases',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('CreatePurchaseIntegration', createPurchase),
      authorizer: staffOnly,
    });
    // "My tasks": the signed-in person's pending tasks, each with its page's signed link.
    const myTasks = new ServiceFunction(this, 'MyTasks', {
      name: 'my-tasks',
      description: 'GET /my/tasks: what waits on the signed-in person',
    })
      .useTable(table, 'read')
      .useTaskLinkKeys(taskLinkKeys);
    myTasks.linksOn(publicBaseUrl);
    this.api.addRoutes({
      path: '/my/tasks',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('MyTasksIntegration', myTasks),
      authorizer: staffOnly,
    });
    // Finance's page: the tranches due across purchases, each with its confirmation page's link.
    const financeTranches = new ServiceFunction(this, 'FinanceTranches', {
      name: 'finance-tranches',
      description: 'GET /finance/tranches: what finance owes',
    })
      .useTable(table, 'read')
      .useTaskLinkKeys(taskLinkKeys);
    financeTranches.linksOn(publicBaseUrl);
    this.api.addRoutes({
      path: '/finance/tranches',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('FinanceTranchesIntegration', financeTranches),
      authorizer: staffOnly,
    });
    // The purchase page's "send the link again": the same reissue as the operators' ResendTaskLink.
    const resendLinkOnRequest = new ServiceFunction(this, 'ResendLinkOnRequest', {
      name: 'resend-link-on-request',
      description: 'POST /purchases/{id}/resend-link: mails a pending task its new link',
    })
      .useTable(table)
      .useTaskLinkKeys(taskLinkKeys)
      .sendMailAs(mailIdentityArn, settings.mailFrom);
    resendLinkOnRequest.linksOn(publicBaseUrl);
    this.api.addRoutes({
      path: '/purchases/{id}/resend-link',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('ResendLinkOnRequestIntegration', resendLinkOnRequest),
      authorizer: staffOnly,
    });
    // The purchase page's document downloads: links pinned to the version on record; read only.
    const documentDownload = new ServiceFunction(this, 'DocumentDownload', {
      name: 'document-download',
      description: 'GET /purchases/{id}/documents/{uploadId}: a link to one upload, pinned to its version',
    })
      .useTable(table, 'read')
      .useDocuments(documents, 'uploads/', ['read']);
    this.api.addRoutes({
      path: '/purchases/{id}/documents/{uploadId}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('DocumentDownloadIntegration', documentDownload),
      authorizer: staffOnly,
    });

    referenceDataService(this, { table, api: this.api, staffOnly, policy, lifecycle });

    // The finance page's "waive": recorded on the payment step; the last settlement resumes the closing step.
    const waiveTranche = new ServiceFunction(this, 'WaiveTranche', {
      name: 'waive-tranche',
      description: 'POST /purchases/{id}/tranches/{tranche}/waive: gives up a tranche due, with a reason',
    }).useTable(table);
    allowTaskCallbacks(waiveTranche);
    this.api.addRoutes({
      path: '/purchases/{id}/tranches/{tranche}/waive',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('WaiveTrancheIntegration', waiveTranche),
      authorizer: staffOnly,
    });
    // The purchase page's "correct the reference": the correction appended, the reference confirmed kept.
    const correctPaymentRecord = new ServiceFunction(this, 'CorrectPaymentRecord', {
      name: 'correct-payment-record',
      description: 'POST /purchases/{id}/tranches/{tranche}/transfers/{seq}/correction',
    }).useTable(table);
    this.api.addRoutes({
      path: '/purchases/{id}/tranches/{tranche}/transfers/{seq}/correction',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('CorrectPaymentRecordIntegration', correctPaymentRecord),
      authorizer: staffOnly,
    });
    // The purchase page's "withdraw": recorded on the purchase, the approval step handed WITHDRAWN.
    const withdrawProposal = new ServiceFunction(this, 'WithdrawProposal', {
      name: 'withdraw-proposal',
      description: 'POST /purchases/{id}/withdraw: withdraws a proposal under approval',
    }).useTable(table);
    allowTaskCallbacks(withdrawProposal);
    this.api.addRoutes({
      path: '/purchases/{id}/withdraw',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('WithdrawProposalIntegration', withdrawProposal),
      authorizer: staffOnly,
    });
    // The purchase page's "revise and resubmit": the corrected proposal, its reservation moved on its
    // line, and the waiting revision step handed the answer so the same level is asked again.
    const reviseProposal = new ServiceFunction(this, 'ReviseProposal', {
      name: 'revise-proposal',
      description: 'PUT /purchases/{id}/proposal: resubmits a proposal returned for revision',
    })
      .useTable(table)
      .usePolicySettings(policy);
    allowTaskCallbacks(reviseProposal);
    this.api.addRoutes({
      path: '/purchases/{id}/proposal',
      methods: [HttpMethod.PUT],
      integration: new HttpLambdaIntegration('ReviseProposalIntegration', reviseProposal),
      authorizer: staffOnly,
    });
    this.api.addRoutes({
      path: '/purchases/{id}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('GetPurchaseIntegration', getPurchase),
      authorizer: staffOnly,
    });
    servePublicLinks(this.api, stage, {
      ngoPage,
      ngoUploadGrant,
      ngoFreshLink,
      taskLink,
      evaluationReportGrant,
    });

    // Hourly: how many tranches are overdue, as a metric (PaymentsOverdue) the dashboard graphs.
    const measureOverduePayments = new ServiceFunction(this, 'MeasureOverduePayments', {
      name: 'measure-overdue-payments',
      description: 'Publishes how many tranches are overdue',
      timeout: Duration.minutes(1),
    }).useTable(table, 'read');
    new Rule(this, 'MeasureOverduePaymentsHourly', {
      description: 'Measures overdue tranches every hour',
      schedule: Schedule.rate(Duration.hours(1)),
      targets: [new LambdaFunction(measureOverduePayments, { retryAttempts: 2 })],
    });

    // Every morning at 09:00 China time: finance is reminded of each tranche still unconfirmed past its
    // due date, and later the finance section head and the director are mailed (payment-reminders.ts).
    const chaseUnconfirmedTranches = new ServiceFunction(this, 'ChaseUnconfirmedTranches', {
      name: 'chase-unconfirmed-tranches',
      description: 'Reminds finance of unconfirmed tranches, then escalates them',
      timeout: Duration.minutes(2),
    })
      .useTable(table)
      .usePolicySettings(policy)
      .useLifecycleSettings(lifecycle)
      .useTaskLinkKeys(taskLinkKeys)
      .publishTo(paymentsTopic)
      .sendMailAs(mailIdentityArn, settings.mailFrom);
    chaseUnconfirmedTranches.linksOn(publicBaseUrl);
    new Rule(this, 'ChaseUnconfirmedTranchesDaily', {
      description: 'Chases tranches still unconfirmed past their due date, every morning',
      schedule: Schedule.cron({ hour: '1', minute: '0' }),
      targets: [new LambdaFunction(chaseUnconfirmedTranches, { retryAttempts: 2 })],
    });

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
      value: resendTaskLink.functionName,
      description:
        'Invoke with {"taskId","by"} to mail a new link for a pending task (npm run ops -- resend)',
    });
    new CfnOutput(this, ROTATE_LINK_KEYS_FUNCTION_OUTPUT, {
      value: rotateLinkKeys.functionName,
      description:
        'Invoke with {"kind":"task"|"ngo","action":"rotate"|"retire","by"} to rotate link keys (npm run ops -- rotate-link-key)',
    });
    new CfnOutput(this, RESUME_FUNCTION_OUTPUT, {
      value: resumeOpenPurchases.functionName,
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

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACKNOWLEDGEMENT_METADATA } from '../../infra/nag.js';
import { buildAppForTest } from './build.js';

type Built = ReturnType<typeof buildAppForTest>;
let built: Built;
let app: Template;
let records: Template;

beforeAll(() => {
  built = buildAppForTest();
  built.app.synth();
  app = Template.fromStack(built.application);
  records = Template.fromStack(built.stateful);
});

function resolvedDefinition(): Record<string, unknown> {
  const [sm] = Object.values(app.findResources('AWS::StepFunctions::StateMachine'));
  const joined = sm?.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  // Function ARNs are tokens here; any string stands in for them for structural checks.
  const text = joined
    .map((part) => {
      if (typeof part === 'string') return part;
      if ((part as { Ref?: string }).Ref === 'AWS::Partition') return 'aws';
      return 'arn:aws:lambda:us-east-1:123456789012:function:f';
    })
    .join('');
  return JSON.parse(text);
}

describe('operations', () => {
  const alarms = () => Object.values(app.findResources('AWS::CloudWatch::Alarm'));
  const alarmOn = (metricName: string) =>
    alarms().filter(
      (a) =>
        a.Properties.MetricName === metricName ||
        JSON.stringify(a.Properties).includes(`"MetricName":"${metricName}"`),
    );

  it("alarms on every function's errors and throttles, API 5xx and latency, DynamoDB throttles and upload dead letters", () => {
    const functions = Object.keys(app.findResources('AWS::Lambda::Function')).filter(
      (id) =>
        !id.startsWith('CustomResource') &&
        !id.includes('LogRetention') &&
        !id.startsWith('BucketNotificationsHandler') &&
        // CDK's own function that copies the console into its bucket during a deployment.
        !id.startsWith('CustomCDKBucketDeployment') &&
        // CDK's own function that invokes the reference data's seeding at every deploy.
        !id.startsWith('AWSCDKTriggerCustomResourceProvider'),
    );
    const watched = (metric: string) =>
      alarmOn(metric).map((a) => (a.Properties.Dimensions as { Value: { Ref: string } }[])[0]?.Value.Ref);
    expect(watched('Errors').sort()).toEqual(functions.sort());
    expect(watched('Throttles').sort()).toEqual(functions.sort());
    expect(alarmOn('5xx')).toHaveLength(1);
    expect(alarmOn('Latency')).toMatchObject([{ Properties: { ExtendedStatistic: 'p99', Threshold: 3000 } }]);
    expect(alarmOn('ThrottledRequests')).toHaveLength(1);
    expect(alarmOn('ApproximateNumberOfMessagesVisible')).toHaveLength(1);
    // Every alarm pages the operations topic.
    const topic = Object.keys(app.findResources('AWS::SNS::Topic')).find((id) =>
      id.startsWith('OperationsAlarms'),
    );
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
  });

  it("keeps upload events the recorder could not take: the rule's dead-letter queue and the function's on-failure destination", () => {
    const [queueId] = Object.keys(app.findResources('AWS::SQS::Queue'));
    app.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    app.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } } })],
    });
    app.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('measures overdue tranches every hour', () => {
    const measure = Object.keys(app.findResources('AWS::Lambda::Function')).find((id) =>
      id.startsWith('MeasureOverduePayments'),
    );
    app.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [measure, 'Arn'] } })],
    });
  });

  it('has one dashboard with the workflow, the functions, the API, the table, dead letters and the business metrics', () => {
    const dashboards = Object.values(app.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const metric of [
      'ExecutionsFailed',
      'Errors',
      '5xx',
      'ThrottledRequests',
      'ApproximateNumberOfMessagesVisible',
      'ProposalsSubmitted',
      'PaymentsConfirmed',
      'LinkLatency',
    ])
      expect(body, metric).toContain(metric);
  });
});

describe("CDK's CloudFormation validation", () => {
  it('finds nothing wrong in the templates (no circular dependency, no unprotected resource)', () => {
    const report = JSON.parse(readFileSync(join(built.app.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
      }[];
    };
    const cloudFormation = report.pluginReports.find((r) => r.pluginName === 'CloudFormation Validate');
    expect(cloudFormation).toBeDefined();
    const found = (cloudFormation?.violations ?? []).flatMap((v) =>
      v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`),
    );
    expect(found).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('synthesizes with no unacknowledged finding', () => {
    // App.synth throws ValidationFailed on any unacknowledged finding; beforeAll already ran it.
    expect(built.app.node.findAll().length).toBeGreaterThan(50);
  });

  it('fails synthesis when a finding is not acknowledged', () => {
    const fresh = buildAppForTest();
    new Secret(fresh.application, 'UnrotatedSecret');
    expect(() => fresh.app.synth()).toThrow(/AwsSolutions-SMG4/);
  });

  it('acknowledges exactly the known findings, each with a written reason', () => {
    const acknowledged = built.app.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === ACKNOWLEDGEMENT_METADATA)
          .map((m) => ({ path: c.node.path, ...(m.data as { finding: string; reason: string }) })),
      );
    for (const a of acknowledged)
      expect(a.reason.length, `${a.path} ${a.finding}`).toBeGreaterThanOrEqual(40);
    const kinds = [
      ...new Set(acknowledged.map((a) => a.finding.replace(/<(?!AWS::)[^>]+>/g, '<fn>'))),
    ].sort();
    expect(kinds).toEqual([
      'APIG4',
      'CFR1',
      'CFR2',
      'CFR3',
      'CFR4',
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'IAM5[Resource::*]',
      'IAM5[Resource::<fn>/*]',
      'IAM5[Resource::<fn>:*]',
      'IAM5[Resource::arn:<AWS::Partition>:s3:::ngo-purchase-docs-<AWS::AccountId>-<AWS::Region>/contracts/*]',
      'IAM5[Resource::arn:<AWS::Partition>:s3:::ngo-purchase-docs-<AWS::AccountId>-<AWS::Region>/uploads/*/EVALUATION_REPORT/*]',
      'IAM5[Resource::arn:<AWS::Partition>:s3:::ngo-purchase-docs-<AWS::AccountId>-<AWS::Region>/uploads/*]',
      'IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:NgoPurchaseApp-purchase-lifecycle:*]',
      'L1',
      'S1',
      'SMG4',
      'SQS3',
    ]);
    // No wildcard action anywhere: every acknowledgement is about resources.
    const policies = [app, records].flatMap((t) => Object.values(t.findResources('AWS::IAM::Policy')));
    const actions = policies.flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
    );
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('functions', () => {
  it("keep their environment under Lambda's 4 KB limit (settings travel in it)", () => {
    for (const [id, fn] of Object.entries(app.findResources('AWS::Lambda::Function'))) {
      const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      // Unresolved references are counted as their JSON, which is longer than what they resolve to.
      const size = Object.entries(variables).reduce(
        (sum, [k, v]) => sum + k.length + (typeof v === 'string' ? v : JSON.stringify(v)).length,
        0,
      );
      expect(size, id).toBeLessThan(4096);
    }
  });

  it('gives every function that mails the sender address and ses:SendEmail, and no other function either', () => {
    const functions = app.findResources('AWS::Lambda::Function');
    const mailing = Object.entries(functions)
      .filter(([, f]) => f.Properties.Environment?.Variables?.MAIL_FROM)
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))
      .sort();
    expect(mailing).toEqual([
      'AwaitUpload',
      'ChaseUnconfirmedTranches',
      'ClosePurchase',
      'ConcludeAmendment',
      'ConcludeApproval',
      'ConcludeContracting',
      'ConcludeEvaluation',
      'ConcludeMidterm',
      'Delegations',
      'NgoFreshLink',
      'NotifyPayment',
      'RejectPurchase',
      'RequestDecision',
      'RequestEvaluation',
      'RequestRevision',
      'ResendLinkOnRequest',
      'ResendTaskLink',
      'TaskLink',
      'TerminatePurchase',
    ]);
    const policies = Object.values(app.findResources('AWS::IAM::Policy'));
    const sesRoles = policies
      .filter((p) =>
        (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).some((s) =>
          [s.Action].flat().includes('ses:SendEmail'),
        ),
      )
      .map((p) => String(p.Properties.Roles[0].Ref).replace(/Role[0-9A-F]{8}$/, ''))
      .sort();
    expect(sesRoles).toEqual(mailing);
  });

  it('lets GET /purchases/{id} describe executions and the hand-over start them, and nothing else with Step Functions', () => {
    const stepFunctionsActions = (rolePrefix: string) =>
      Object.values(app.findResources('AWS::IAM::Policy'))
        .filter((p) => String(p.Properties.Roles[0].Ref).startsWith(rolePrefix))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
        .flatMap((statement) => [statement.Action].flat())
        .filter((action) => action.startsWith('states:'));

    expect(stepFunctionsActions('GetPurchaseRole')).toEqual(['states:DescribeExecution']);
    // The hand-over step starts the purchase's next execution (and sees whether it did), nothing else.
    expect(stepFunctionsActions('HandOverExecutionRole')).toEqual([
      'states:StartExecution',
      'states:DescribeExecution',
    ]);
  });
});

describe('link keys', () => {
  type Statement = { Action: string | string[]; Resource: unknown };
  type CfnResource = ReturnType<Template['findResources']>[string];
  const secretId = (prefix: string) => {
    const id = Object.keys(app.findResources('AWS::SecretsManager::Secret')).find((k) =>
      new RegExp(`^${prefix}[0-9A-F]{8}$`).test(k),
    );
    if (!id) throw new Error(`no secret ${prefix}`);
    return id;
  };
  const statementsOf = (policy: CfnResource) => policy.Properties.PolicyDocument.Statement as Statement[];
  const roleOf = (policy: CfnResource) =>
    String(policy.Properties.Roles[0]?.Ref).replace(/Role[0-9A-F]{8}$/, '');
  /** The functions (logical ids without their hash) whose role may read the secret. */
  const readersOf = (id: string) =>
    Object.values(app.findResources('AWS::IAM::Policy'))
      .filter((p) =>
        statementsOf(p).some(
          (s) =>
            [s.Action].flat().includes('secretsmanager:GetSecretValue') &&
            [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify({ Ref: id })),
        ),
      )
      .map(roleOf)
      .sort();
  /** The functions given the environment variable that names a secret. */
  const namedIn = (variable: string) =>
    Object.entries(app.findResources('AWS::Lambda::Function'))
      .filter(([, f]) => f.Properties.Environment?.Variables?.[variable] !== undefined)
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))
      .sort();
  const TASK_LINK_FUNCTIONS = [
    'ChaseUnconfirmedTranches',
    'EvaluationReportGrant',
    'FinanceTranches',
    'MyTasks',
    'NotifyPayment',
    'RequestDecision',
    'RequestEvaluation',
    'ResendLinkOnRequest',
    'ResendTaskLink',
    'TaskLink',
  ];

  it('are two secrets: task links and NGO page links, each read only by the functions that sign or check that kind', () => {
    const taskKeys = secretId('TaskLinkSigningKeys');
    const ngoKeys = secretId('LinkSigningKey');

    // The operators' RotateLinkKeys reads and rewrites both (it is invoked directly, never routed).
    const taskReaders = [...TASK_LINK_FUNCTIONS, 'RotateLinkKeys'].sort();
    expect(readersOf(taskKeys)).toEqual(taskReaders);
    expect(namedIn('TASK_LINK_KEYS_SECRET_ARN')).toEqual(taskReaders);
    const ngoReaders = ['AwaitUpload', 'NgoFreshLink', 'NgoPage', 'NgoUploadGrant', 'RotateLinkKeys'];
    expect(readersOf(ngoKeys)).toEqual(ngoReaders);
    expect(namedIn('NGO_LINK_KEYS_SECRET_ARN')).toEqual(ngoReaders);
  });

  it('never let the internet-facing NGO page read the task-link keys: its only secret is the NGO-link keys', () => {
    const ngoPage = Object.values(app.findResources('AWS::IAM::Policy')).filter(
      (p) => roleOf(p) === 'NgoPage',
    );
    const secretStatements = ngoPage
      .flatMap(statementsOf)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));

    expect(secretStatements.flatMap((s) => [s.Resource].flat())).toEqual([
      { Ref: secretId('LinkSigningKey') },
    ]);
    expect(readersOf(secretId('TaskLinkSigningKeys'))).not.toContain('NgoPage');
  });

  it("are rewritten only by the operators' RotateLinkKeys, which may only read and put their values", () => {
    const writers = Object.values(app.findResources('AWS::IAM::Policy')).filter((p) =>
      statementsOf(p).some((s) =>
        [s.Action].flat().some((a) => /^secretsmanager:(Put|Update|Delete|Rotate)/.test(a)),
      ),
    );

    expect(writers.map(roleOf)).toEqual(['RotateLinkKeys']);
    expect(
      statementsOf(writers[0] as CfnResource).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('secretsmanager:')),
      ),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        Resource: [{ Ref: secretId('TaskLinkSigningKeys') }, { Ref: secretId('LinkSigningKey') }],
      },
    ]);
  });

  it('keep the key that signed the links mailed before the split as the NGO-link keys: same logical id, same generator, so its value survives the deploy', () => {
    const secrets = app.findResources('AWS::SecretsManager::Secret');
    const generator = { PasswordLength: 64, ExcludePunctuation: true };

    expect(secrets[secretId('LinkSigningKey')]?.Properties.GenerateSecretString).toEqual(generator);
    expect(secrets[secretId('TaskLinkSigningKeys')]?.Properties.GenerateSecretString).toEqual(generator);
  });
});

describe('the documents bucket', () => {
  const documents = () => {
    const buckets = records.findResources('AWS::S3::Bucket');
    const entry = Object.entries(buckets).find(([id]) => id.startsWith('Documents'));
    if (!entry) throw new Error('no documents bucket');
    return { id: entry[0], bucket: entry[1] };
  };

  it('is private, encrypted, versioned, object-locked for 15 years, logged and retained', () => {
    const { bucket } = documents();
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 5490 } },
      },
      LoggingConfiguration: expect.objectContaining({ LogFilePrefix: 'documents/' }),
    });
  });

  it('refuses every request that is not over TLS', () => {
    const { id } = documents();
    const policies = Object.values(records.findResources('AWS::S3::BucketPolicy')).filter(
      (p) => p.Properties.Bucket.Ref === id,
    );
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('announces new objects on EventBridge', () => {
    const notifications = Object.values(records.findResources('Custom::S3BucketNotifications'));
    expect(notifications.map((n) => n.Properties.NotificationConfiguration)).toContainEqual({
      EventBridgeConfiguration: {},
    });
  });
});

describe('the records table', () => {
  it('has point-in-time recovery, deletion protection, encryption and is retained', () => {
    records.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it('keeps task tokens and nonces out of its index', () => {
    const [table] = Object.values(records.findResources('AWS::DynamoDB::Table'));
    const projected = table?.Properties.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes as string[];
    expect(projected).not.toContain('taskToken');
    expect(projected).not.toContain('nonce');
  });

  it('is never deletable by a function: no function role may DeleteItem', () => {
    const statements = Object.values(app.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[],
    );
    const actions = statements.flatMap((s) => s.Action);
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions).not.toContain('dynamodb:DeleteItem');
  });

  it('is only read by the functions that only read it, the internet-facing NGO page among them: their roles have no write action', () => {
    const writes = /^dynamodb:(PutItem|UpdateItem|DeleteItem|ConditionCheckItem|BatchWriteItem|\*)$/;
    const tableActions = new Map<string, string[]>();
    for (const policy of Object.values(app.findResources('AWS::IAM::Policy'))) {
      const role = String(policy.Properties.Roles[0]?.Ref).replace(/Role[0-9A-F]{8}$/, '');
      const actions = (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
        .flatMap((s) => [s.Action].flat())
        .filter((a) => a.startsWith('dynamodb:'));
      if (actions.length > 0) tableActions.set(role, [...(tableActions.get(role) ?? []), ...actions]);
    }
    const readOnly = [...tableActions]
      .filter(([, actions]) => !actions.some((a) => writes.test(a)))
      .map(([role]) => role)
      .sort();

    expect(readOnly).toEqual([
      'DocumentDownload',
      'FinanceTranches',
      'GetPurchase',
      'ListPurchases',
      'MeasureOverduePayments',
      'MyTasks',
      'NgoPage',
      'NgoTrackRecord',
      'PlanAmendment',
      'PlanContracting',
      'PlanEvaluation',
      'PlanMidterm',
      'ProposalOptions',
      'ValidateProposal',
    ]);
    expect(tableActions.get('NgoPage')?.sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
  });
});

describe('the purchase lifecycle state machine', () => {
  it('passes asl-validator', () => {
    const { isValid, errorsText } = aslValidator(resolvedDefinition());
    expect(isValid, errorsText()).toBe(true);
  });

  it('publishes a version of every revision, keeps replaced ones, and routes the live alias wholly to it', () => {
    const [machineId] = Object.keys(app.findResources('AWS::StepFunctions::StateMachine'));
    const versions = Object.entries(app.findResources('AWS::StepFunctions::StateMachineVersion'));
    expect(versions).toHaveLength(1);
    const [versionId, version] = versions[0] ?? [];
    expect(version).toMatchObject({
      UpdateReplacePolicy: 'Retain',
      Properties: {
        StateMachineArn: { Ref: machineId },
        StateMachineRevisionId: { 'Fn::GetAtt': [machineId, 'StateMachineRevisionId'] },
      },
    });
    app.hasResourceProperties('AWS::StepFunctions::StateMachineAlias', {
      Name: 'live',
      RoutingConfiguration: [{ StateMachineVersionArn: { 'Fn::GetAtt': [versionId, 'Arn'] }, Weight: 100 }],
    });
  });

  it('lets functions start executions through the live alias only, never the bare state machine', () => {
    const starts = Object.values(app.findResources('AWS::IAM::Policy'))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .filter((statement) => [statement.Action].flat().includes('states:StartExecution'));
    expect(starts).toHaveLength(4); // submission, hand-over, resume, amendment
    for (const statement of starts) expect(JSON.stringify(statement.Resource)).toMatch(/:live"\]\]\}$/);
    const starters = Object.values(app.findResources('AWS::Lambda::Function')).filter(
      (f) => f.Properties.Environment?.Variables?.STATE_MACHINE_ARN !== undefined,
    );
    for (const f of starters)
      expect(JSON.stringify(f.Properties.Environment.Variables.STATE_MACHINE_ARN)).toMatch(/:live"/);
  });

  it('is a Standard workflow with tracing and logging that leaves execution data out', () => {
    app.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('gives every wait for a person an explicit timeout and every Lambda task a jittered retry', () => {
    const states: Record<string, Record<string, unknown>> = {};
    const collect = (def: { States: Record<string, Record<string, unknown>> }) => {
      for (const [name, state] of Object.entries(def.States)) {
        states[name] = state;
        const processor = (state.ItemProcessor ?? state.Iterator) as typeof def | undefined;
        if (processor) collect(processor);
      }
    };
    collect(resolvedDefinition() as never);
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBe(52);
    for (const [name, task] of tasks) {
      // A fixed timeout, or one read from the state (a wait that runs to a due date).
      if (task.TimeoutSecondsPath === undefined) expect(task.TimeoutSeconds, name).toBeGreaterThan(0);
      else expect(task.TimeoutSecondsPath, name).toMatch(/^\$\./);
      const retry = task.Retry as { JitterStrategy?: string }[] | undefined;
      expect(retry?.[0]?.JitterStrategy, name).toBe('FULL');
    }
    const waits = tasks.filter(([, s]) => String(s.Resource).endsWith('.waitForTaskToken'));
    expect(waits.map(([n]) => n).sort()).toEqual([
      'Ask about late report',
      'Ask amendment approver',
      'Ask approver',
      'Ask countersignature',
      'Ask evaluation agency',
      'Ask mid-term review',
      'Ask officer to revise',
      'Await final report',
      'Await mid-term report',
      'Await settled tranches',
      'Await signed contract',
      'Escalate amendment to deputy',
      'Escalate countersignature',
      'Escalate late report',
      'Escalate mid-term review',
      'Escalate to deputy',
      'Escalate unsigned contract',
      'Final report overdue',
      'Last reminder to revise',
      'Reassign evaluation',
      'Remind NGO of final report',
      'Remind NGO to sign',
      'Remind about late report',
      'Remind amendment approver',
      'Remind approver',
      'Remind countersigner',
      'Remind evaluation agency',
      'Remind mid-term reviewer',
      'Remind officer to revise',
    ]);
  });
});

describe('no task token leaves the server', () => {
  it('passes the token only to the function that stores it, never to mail or HTTP routes', () => {
    const def = JSON.stringify(resolvedDefinition());
    const tokenUses = def.match(/\$\$\.Task\.Token/g) ?? [];
    // Only the 28 waits for a person or a file and the closing step's wait for the last tranches,
    // each handing its token to the function that stores it.
    expect(tokenUses).toHaveLength(29);
    const routes = Object.values(app.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(routes.sort()).toEqual([
      'GET /finance/tranches',
      'GET /me',
      'GET /my/delegations',
      'GET /my/tasks',
      'GET /ngo/{purchaseId}',
      'GET /ngos/{creditCode}',
      'GET /proposal-options',
      'GET /purchases',
      'GET /purchases/{id}',
      'GET /purchases/{id}/documents/{uploadId}',
      'GET /reference-data',
      'GET /tasks/{taskId}',
      'HEAD /ngo/{purchaseId}',
      'HEAD /tasks/{taskId}',
      'POST /my/delegations',
      'POST /my/delegations/{id}/end',
      'POST /ngo/{purchaseId}/fresh-link',
      'POST /ngo/{purchaseId}/uploads',
      'POST /purchases',
      'POST /purchases/{id}/amendments',
      'POST /purchases/{id}/resend-link',
      'POST /purchases/{id}/tranches/{tranche}/transfers/{seq}/correction',
      'POST /purchases/{id}/tranches/{tranche}/waive',
      'POST /purchases/{id}/withdraw',
      'POST /tasks/{taskId}',
      'POST /tasks/{taskId}/report',
      'PUT /purchases/{id}/proposal',
      'PUT /reference-data/{section}',
    ]);
  });

  it('protects the staff routes with the JWT authorizer and leaves only the capability links open', () => {
    const routes = Object.values(app.findResources('AWS::ApiGatewayV2::Route'));
    for (const r of routes) {
      const open = /\/(tasks|ngo)\//.test(String(r.Properties.RouteKey));
      expect(r.Properties.AuthorizationType ?? 'NONE', r.Properties.RouteKey).toBe(open ? 'NONE' : 'JWT');
    }
    expect(Stack.of(built.application).resolve(built.application.api.apiId)).toBeDefined();
  });
});

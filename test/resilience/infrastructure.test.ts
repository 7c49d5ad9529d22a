import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACKNOWLEDGEMENT_METADATA } from '../../infra/nag.js';
import { buildAppForTest } from '../infra/build.js';
import { recordCase } from './case.js';

/**
 * Case 14, infrastructure: the synthesized templates (the ones `cdk deploy` would deploy) are
 * read resource by resource. Nothing here trusts the CDK code that made them: the state
 * machine is checked from its resolved ASL, the IAM from the policy documents.
 */

type Json = Record<string, unknown>;
interface AslState extends Json {
  Type: string;
  Next?: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[]; JitterStrategy?: string; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string | null }[];
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Parameters?: Json;
}
interface AslGraph {
  StartAt: string;
  States: Record<string, AslState>;
}
/** One state with the graph its Next and Catch names refer to (a branch has its own). */
interface Located {
  name: string;
  state: AslState;
  graph: AslGraph;
}

/** What a Lambda task must retry by itself: AWS's recommended list, plus crashes and timeouts. */
const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Sandbox.Timedout',
  'Runtime.ExitError',
];
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';

let built: ReturnType<typeof buildAppForTest>;
let templates: { name: string; template: Template; json: { Resources: Record<string, Json> } }[];

beforeAll(() => {
  built = buildAppForTest();
  // Throws ValidationFailed on any unacknowledged AwsSolutions finding.
  built.app.synth();
  templates = [built.stateful, built.application].map((stack) => {
    const template = Template.fromStack(stack);
    return {
      name: stack.stackName,
      template,
      json: template.toJSON() as { Resources: Record<string, Json> },
    };
  });
});

const resourcesOf = (type: string) =>
  templates.flatMap(({ name, json }) =>
    Object.entries(json.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([logicalId, r]) => ({ stack: name, logicalId, resource: r as Json & { Properties: Json } })),
  );

/** An intrinsic as cdk-nag names it in a finding: `<Logical.Arn>`, `<AWS::Partition>`, joins spelled out. */
function nagText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(nagText).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
}
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** The resolved ASL of a state machine: a Lambda's ARN names its logical id, so the recorder can be found. */
function definitionOf(resource: Json & { Properties: Json }): AslGraph {
  const joined = (resource.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = joined
    .map((part) => {
      if (typeof part === 'string') return part;
      const p = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (p.Ref === 'AWS::Partition') return 'aws';
      if (p['Fn::GetAtt']) return `${FUNCTION_ARN}${p['Fn::GetAtt'][0]}`;
      throw new Error(`unexpected intrinsic in the definition: ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text) as AslGraph;
}

/** Every state, in Parallel branches and Map processors too. */
function allStates(graph: AslGraph, out: Located[] = []): Located[] {
  for (const [name, state] of Object.entries(graph.States)) {
    out.push({ name, state, graph });
    for (const branch of (state.Branches ?? []) as AslGraph[]) allStates(branch, out);
    const processor = (state.ItemProcessor ?? state.Iterator) as AslGraph | undefined;
    if (processor) allStates(processor, out);
  }
  return out;
}

/** The states an execution passes from `start` while they are Pass states, ending at the first other one. */
function passThrough(graph: AslGraph, start: string): { name: string; state: AslState }[] {
  const path: { name: string; state: AslState }[] = [];
  let name: string | undefined = start;
  while (name !== undefined && path.length < 20) {
    const state: AslState | undefined = graph.States[name];
    if (!state) throw new Error(`no state ${name}`);
    path.push({ name, state });
    name = state.Type === 'Pass' ? state.Next : undefined;
  }
  return path;
}

const stateMachines = () => resourcesOf('AWS::StepFunctions::StateMachine');
const tasksOf = (graph: AslGraph) => allStates(graph).filter((s) => s.state.Type === 'Task');
const isRecorder = (s: Located) =>
  String(s.state.Parameters?.FunctionName ?? '').startsWith(`${FUNCTION_ARN}RecordWorkflowFailure`);

describe('case 14: infrastructure (synthesized templates)', () => {
  it('14a cdk-nag AwsSolutions finds nothing unacknowledged, and would fail the synthesis if it did', async (context) => {
    const acknowledgements = built.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === ACKNOWLEDGEMENT_METADATA))
      .map((m) => m.data as { finding: string; reason: string });
    for (const a of acknowledgements) expect(a.reason.length, a.finding).toBeGreaterThanOrEqual(40);
    const planted = buildAppForTest();
    new Secret(planted.application, 'UnrotatedSecret');
    expect(() => planted.app.synth()).toThrow(/AwsSolutions-SMG4/);
    const resources = templates.reduce((n, t) => n + Object.keys(t.json.Resources).length, 0);
    recordCase(context, {
      case: '14a Infrastructure: cdk-nag',
      attempts: 2,
      expected: 'synth passes AwsSolutions with every acknowledgement reasoned; a planted finding fails it',
      observed: `0 unacknowledged findings over ${resources} resources in ${templates.length} stacks; ${acknowledgements.length} acknowledgements, all reasoned; planted SMG4 failed synth`,
    });
  });

  it('14b no policy grants a wildcard action, and every resource wildcard is acknowledged with a reason', async (context) => {
    // Acknowledgements apply to a construct and everything under it.
    const acknowledged = new Map<string, string[]>();
    for (const c of built.app.node.findAll()) {
      // Policies, and roles with inline policies (CDK's own custom-resource providers have those).
      if (
        !CfnResource.isCfnResource(c) ||
        !['AWS::IAM::Policy', 'AWS::IAM::Role'].includes(c.cfnResourceType)
      )
        continue;
      const findings = (c.node.scopes as IConstruct[]).flatMap((scope) =>
        scope.node.metadata
          .filter((m) => m.type === ACKNOWLEDGEMENT_METADATA)
          .map((m) => (m.data as { finding: string }).finding),
      );
      acknowledged.set(`${Stack.of(c).stackName}/${Stack.of(c).getLogicalId(c)}`, findings);
    }

    const identityPolicies = [
      ...resourcesOf('AWS::IAM::Policy').map((p) => ({
        ...p,
        documents: [p.resource.Properties.PolicyDocument],
      })),
      ...resourcesOf('AWS::IAM::ManagedPolicy').map((p) => ({
        ...p,
        documents: [p.resource.Properties.PolicyDocument],
      })),
      ...resourcesOf('AWS::IAM::Role').map((r) => ({
        ...r,
        documents: list(r.resource.Properties.Policies as { PolicyDocument: unknown }[]).map(
          (p) => p.PolicyDocument,
        ),
      })),
    ];
    let statements = 0;
    const wildcardResources: string[] = [];
    for (const policy of identityPolicies) {
      for (const doc of policy.documents as { Statement: Statement[] }[]) {
        for (const s of doc.Statement) {
          statements++;
          expect(
            list(s.Action).filter((a) => a.includes('*')),
            policy.logicalId,
          ).toEqual([]);
          for (const resource of list(s.Resource)
            .map(nagText)
            .filter((r) => r.includes('*'))) {
            wildcardResources.push(resource);
            const findings = acknowledged.get(`${policy.stack}/${policy.logicalId}`) ?? [];
            expect(findings, `${policy.logicalId}: ${resource}`).toContain(`IAM5[Resource::${resource}]`);
          }
        }
      }
    }
    // Resource policies: Deny statements may be broad (TLS only); an Allow may be broad only
    // in a KMS key policy, for the account root: the default statement that hands the key to
    // the account's IAM policies (which the loop above checked).
    const resourcePolicies = [
      ...resourcesOf('AWS::S3::BucketPolicy'),
      ...resourcesOf('AWS::SNS::TopicPolicy'),
    ].map((p) => ({
      id: p.logicalId,
      doc: p.resource.Properties.PolicyDocument as { Statement: Statement[] },
    }));
    const keyPolicies = resourcesOf('AWS::KMS::Key').map((k) => ({
      id: k.logicalId,
      doc: k.resource.Properties.KeyPolicy as { Statement: Statement[] },
    }));
    let resourceStatements = 0;
    for (const { id, doc } of [...resourcePolicies, ...keyPolicies]) {
      for (const s of doc.Statement.filter((x) => x.Effect === 'Allow')) {
        resourceStatements++;
        const wildcards = list(s.Action).filter((a) => a.includes('*') && a !== 'kms:GenerateDataKey*');
        if (wildcards.length === 0) continue;
        const principal = nagText((s.Principal as { AWS?: unknown } | undefined)?.AWS);
        expect({ id, wildcards, principal }).toEqual({
          id: expect.stringMatching(/Key/),
          wildcards: ['kms:*'],
          principal: 'arn:<AWS::Partition>:iam::<AWS::AccountId>:root',
        });
      }
    }
    expect(statements).toBeGreaterThan(50);
    recordCase(context, {
      case: '14b Infrastructure: least-privilege IAM',
      attempts: statements + resourceStatements,
      expected:
        'no wildcard action; every resource wildcard acknowledged (AwsSolutions-IAM5 appliesTo) with a reason',
      observed: `${identityPolicies.length} identity policies, ${statements} statements: 0 wildcard actions; ${wildcardResources.length} resource wildcards, ${wildcardResources.length} acknowledged; ${resourceStatements} resource-policy Allow statements checked`,
    });
  });

  it('14c the records table has PITR, deletion protection, retention and encryption', async (context) => {
    const tables = resourcesOf('AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThan(0);
    for (const { logicalId, resource } of tables) {
      expect(resource.DeletionPolicy, logicalId).toBe('Retain');
      expect(resource.UpdateReplacePolicy, logicalId).toBe('Retain');
      expect(resource.Properties).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
    recordCase(context, {
      case: '14c Infrastructure: table',
      attempts: tables.length,
      expected: 'PITR, deletion protection, Retain on delete and replace, encrypted',
      observed: `${tables.length} table(s): PITR on, deletion protection on, Retain/Retain, SSE on`,
    });
  });

  it('14d every bucket is versioned, encrypted, TLS-only and blocks public access', async (context) => {
    const buckets = resourcesOf('AWS::S3::Bucket');
    const policies = resourcesOf('AWS::S3::BucketPolicy');
    expect(buckets.length).toBeGreaterThan(0);
    for (const { logicalId, resource } of buckets) {
      expect(resource.DeletionPolicy, logicalId).toBe('Retain');
      expect(resource.Properties, logicalId).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
      const statements = policies
        .filter((p) => (p.resource.Properties.Bucket as { Ref?: string }).Ref === logicalId)
        .flatMap((p) => (p.resource.Properties.PolicyDocument as { Statement: Json[] }).Statement);
      expect(statements, logicalId).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    recordCase(context, {
      case: '14d Infrastructure: buckets',
      attempts: buckets.length,
      expected: 'versioned, encrypted, TLS-only, public access blocked, retained',
      observed: `${buckets.length} bucket(s): all versioned, encrypted, TLS-only, public access blocked, retained`,
    });
  });

  it('14e every waitForTaskToken task has a timeout', async (context) => {
    const waits = stateMachines().flatMap((sm) =>
      tasksOf(definitionOf(sm.resource)).filter((t) =>
        String(t.state.Resource).endsWith('.waitForTaskToken'),
      ),
    );
    expect(waits.length).toBeGreaterThan(0);
    for (const { name, state } of waits) {
      const timeout = state.TimeoutSecondsPath ?? state.TimeoutSeconds;
      if (typeof timeout === 'number') expect(timeout, name).toBeGreaterThan(0);
      else expect(timeout, name).toMatch(/^\$\./);
    }
    const fromPath = waits.filter((w) => w.state.TimeoutSecondsPath !== undefined).length;
    recordCase(context, {
      case: '14e Infrastructure: callback timeouts',
      attempts: waits.length,
      expected: 'every .waitForTaskToken task has TimeoutSeconds or TimeoutSecondsPath',
      observed: `${waits.length}/${waits.length} waits with a timeout (${waits.length - fromPath} fixed, ${fromPath} from a due date)`,
    });
  });

  it('14f every task retries transient Lambda errors with full jitter', async (context) => {
    const tasks = stateMachines().flatMap((sm) => tasksOf(definitionOf(sm.resource)));
    for (const { name, state } of tasks) {
      const jittered = (state.Retry ?? []).filter(
        (r) => r.JitterStrategy === 'FULL' && (r.MaxAttempts ?? 3) > 0,
      );
      const covered = new Set(jittered.flatMap((r) => r.ErrorEquals));
      expect(
        TRANSIENT_LAMBDA_ERRORS.filter((e) => !covered.has(e)),
        name,
      ).toEqual([]);
      // A domain error is for a Catch, never retried blindly.
      expect(covered.has('States.ALL'), name).toBe(false);
    }
    recordCase(context, {
      case: '14f Infrastructure: retries',
      attempts: tasks.length,
      expected: `every Task retries ${TRANSIENT_LAMBDA_ERRORS.length} transient Lambda errors (incl. timeout, crash) with JitterStrategy FULL`,
      observed: `${tasks.length}/${tasks.length} tasks (Parallel/Map branches walked) retry all ${TRANSIENT_LAMBDA_ERRORS.length} with FULL jitter`,
    });
  });

  it('14g every task catches the unexpected: the failure is recorded and the execution ends FAILED', async (context) => {
    let checked = 0;
    let recorders = 0;
    for (const sm of stateMachines()) {
      const all = allStates(definitionOf(sm.resource));
      const recorder = all.filter((s) => s.state.Type === 'Task' && isRecorder(s));
      expect(recorder).toHaveLength(1);
      recorders++;
      const record = recorder[0] as Located;
      // The recorder ends in a Fail state whether it succeeds or fails, never back into itself.
      const failState = record.graph.States[record.state.Next ?? ''];
      expect(failState?.Type).toBe('Fail');
      const recorderCatches = record.state.Catch ?? [];
      expect(recorderCatches.map((c) => c.ErrorEquals)).toEqual([['States.ALL']]);
      expect(record.graph.States[recorderCatches[0]?.Next ?? '']?.Type).toBe('Fail');

      for (const task of all.filter((s) => s.state.Type === 'Task' && !isRecorder(s))) {
        const catchAll = task.state.Catch?.at(-1);
        expect(catchAll?.ErrorEquals, task.name).toEqual(['States.ALL']);
        const path = passThrough(task.graph, catchAll?.Next ?? '');
        const end = path.at(-1);
        expect(end?.name, task.name).toBe(record.name);
        expect(task.graph).toBe(record.graph);
        // On the way, the failed task's name is added to what the recorder writes.
        expect(
          path.some((p) => p.state.Type === 'Pass' && p.state.Result === task.name),
          task.name,
        ).toBe(true);
        checked++;
      }
    }
    recordCase(context, {
      case: '14g Infrastructure: catch-all',
      attempts: checked,
      expected:
        'every Task has a last Catch of States.ALL leading to the failure recorder, then a Fail state',
      observed: `${checked}/${checked} tasks catch States.ALL -> name the state -> Record workflow failure -> Fail; ${recorders} recorder(s), whose own failure goes straight to Fail`,
    });
  });

  it('14h a failed execution raises an alarm with an action to an operations topic', async (context) => {
    const machines = stateMachines();
    const alarms = resourcesOf('AWS::CloudWatch::Alarm');
    const topics = resourcesOf('AWS::SNS::Topic');
    let actions = 0;
    for (const sm of machines) {
      const onFailed = alarms.filter(({ resource: { Properties: p } }) => {
        const dims = (p.Dimensions ?? []) as { Name: string; Value: { Ref?: string } }[];
        return (
          p.Namespace === 'AWS/States' &&
          p.MetricName === 'ExecutionsFailed' &&
          dims.some((d) => d.Name === 'StateMachineArn' && d.Value.Ref === sm.logicalId)
        );
      });
      expect(onFailed, sm.logicalId).toHaveLength(1);
      const alarm = (onFailed[0] as (typeof alarms)[number]).resource.Properties;
      // One failed execution is enough.
      expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
      const targets = list(alarm.AlarmActions as { Ref: string }[]).map((a) => a.Ref);
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        const topic = topics.find((t) => t.logicalId === target);
        if (!topic) throw new Error(`alarm action ${target} is not a topic of the app`);
        // CloudWatch can publish to an encrypted topic only if the key lets it.
        const keyRef = topic.resource.Properties.KmsMasterKeyId as { 'Fn::GetAtt'?: [string] } | undefined;
        const key = resourcesOf('AWS::KMS::Key').find((k) => k.logicalId === keyRef?.['Fn::GetAtt']?.[0]);
        if (!key) throw new Error(`topic ${target} is not encrypted with a key of the app`);
        const keyStatements = (key.resource.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
        expect(keyStatements).toContainEqual(
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        );
        actions++;
      }
    }
    const subscribers = resourcesOf('AWS::SNS::Subscription').filter((s) =>
      alarms.some((a) =>
        list(a.resource.Properties.AlarmActions as { Ref: string }[]).some(
          (t) => t.Ref === (s.resource.Properties.TopicArn as { Ref: string }).Ref,
        ),
      ),
    );
    expect(subscribers.map((s) => s.resource.Properties.Endpoint)).toEqual(
      built.settings.operations?.alarmSubscribers ?? [],
    );
    const timedOut = alarms.filter((a) => a.resource.Properties.MetricName === 'ExecutionsTimedOut').length;
    recordCase(context, {
      case: '14h Infrastructure: failure alarm',
      attempts: machines.length,
      expected:
        'an alarm on ExecutionsFailed of the state machine (>= 1) with an action to the operations topic',
      observed: `${machines.length} state machine(s): ExecutionsFailed alarm with ${actions} action(s) to a KMS-encrypted topic CloudWatch may use, ${subscribers.length} e-mail subscriber(s); ${timedOut} ExecutionsTimedOut alarm(s)`,
    });
  });

  it('14i the records bucket is locked in compliance mode and takes browser uploads from the pages alone', async (context) => {
    const locked = resourcesOf('AWS::S3::Bucket').filter(
      ({ resource }) => resource.Properties.ObjectLockEnabled,
    );
    expect(locked.length).toBeGreaterThan(0);
    const observed: string[] = [];
    for (const { logicalId, resource } of locked) {
      const lock = resource.Properties.ObjectLockConfiguration as {
        Rule: { DefaultRetention: { Mode: string; Days: number } };
      };
      expect(lock.Rule.DefaultRetention.Mode, logicalId).toBe('COMPLIANCE');
      const rules = ((
        resource.Properties.CorsConfiguration as { CorsRules?: { AllowedOrigins: unknown[] }[] } | undefined
      )?.CorsRules ?? []) as { AllowedOrigins: unknown[] }[];
      const origins = rules.flatMap((r) => r.AllowedOrigins);
      expect(origins, logicalId).not.toContain('*');
      observed.push(
        `${logicalId}: ${lock.Rule.DefaultRetention.Mode} ${lock.Rule.DefaultRetention.Days} days, origins ${origins.map((o) => nagText(o)).join(', ')}`,
      );
    }
    recordCase(context, {
      case: '12-L Records bucket: object lock mode and upload origins',
      attempts: locked.length,
      expected: 'compliance mode (no bypass), and no bucket CORS rule open to every origin',
      observed: observed.join('; '),
    });
  });

  it('14j the stage throttles every public route and leaves the staff routes to the account limit', async (context) => {
    const stages = resourcesOf('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const settings = (stages[0]?.resource.Properties.RouteSettings ?? {}) as Record<
      string,
      { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
    >;
    const unauthenticated = resourcesOf('AWS::ApiGatewayV2::Route')
      .map(({ resource }) => resource.Properties as { RouteKey: string; AuthorizationType?: string })
      .filter((r) => (r.AuthorizationType ?? 'NONE') === 'NONE')
      .map((r) => r.RouteKey)
      .sort();
    expect(unauthenticated.length).toBeGreaterThan(0);
    expect(Object.keys(settings).sort()).toEqual(unauthenticated);
    for (const key of unauthenticated) expect(settings[key]?.ThrottlingBurstLimit, key).toBeGreaterThan(0);
    recordCase(context, {
      case: '12-L Public routes throttled',
      attempts: unauthenticated.length,
      expected: 'every route without a staff token has a rate and burst limit on the stage',
      observed: unauthenticated
        .map((k) => `${k} ${settings[k]?.ThrottlingRateLimit}/s burst ${settings[k]?.ThrottlingBurstLimit}`)
        .join('; '),
    });
  });
});

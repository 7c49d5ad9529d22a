import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AssemblyError } from '../../../infra/local/assembly/errors.js';
import { loadAssembly } from '../../../infra/local/assembly/load-assembly.js';
import type { LocalApp } from '../../../infra/local/assembly/model.js';
import type { CfnTemplate } from '../../../infra/local/assembly/template.js';
import type { InvokeResult } from '../../../infra/local/lambda-runner.js';
import {
  type EventBridgeEvent,
  putEvent,
  s3ObjectCreatedEvent,
  selectPath,
} from '../../../infra/local/services/eventbridge.js';
import { objectCreatedRecord } from '../../../infra/local/services/s3.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes a cloud assembly of the given stacks and loads it. */
function load(stacks: Record<string, CfnTemplate>): LocalApp {
  const dir = mkdtempSync(join(tmpdir(), 'event-rules-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'asset.fn'));
  const artifacts: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(stacks)) {
    writeFileSync(join(dir, `${name}.template.json`), JSON.stringify(template));
    artifacts[name] = {
      type: 'aws:cloudformation:stack',
      properties: { templateFile: `${name}.template.json` },
    };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ artifacts }));
  return loadAssembly(dir, { apiBaseUrl: 'http://127.0.0.1:1' });
}

const lambda = { Type: 'AWS::Lambda::Function', Metadata: { 'aws:asset:path': 'asset.fn' }, Properties: {} };

const stateful: CfnTemplate = {
  Resources: {
    Documents: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'documents' } },
    DocumentsNotifications: {
      Type: 'Custom::S3BucketNotifications',
      Properties: {
        ServiceToken: { 'Fn::GetAtt': ['NotificationsHandler', 'Arn'] },
        BucketName: { Ref: 'Documents' },
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      },
    },
    NotificationsHandler: { Type: 'AWS::Lambda::Function', Properties: {} },
    Archive: {
      Type: 'AWS::S3::Bucket',
      Properties: { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } },
    },
    Exports: { Type: 'AWS::S3::Bucket', Properties: {} },
  },
  Outputs: {
    DocumentsName: { Value: { Ref: 'Documents' }, Export: { Name: 'Stateful:DocumentsName' } },
  },
};

const uploadPattern = {
  source: ['aws.s3'],
  'detail-type': ['Object Created'],
  detail: {
    bucket: { name: [{ 'Fn::ImportValue': 'Stateful:DocumentsName' }] },
    object: { key: [{ prefix: 'uploads/' }] },
  },
};

const application: CfnTemplate = {
  Resources: {
    RecordUpload: lambda,
    Archiver: lambda,
    UploadRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventPattern: uploadPattern,
        State: 'ENABLED',
        Targets: [
          { Id: 'Target0', Arn: { 'Fn::GetAtt': ['RecordUpload', 'Arn'] } },
          { Id: 'Queue', Arn: 'arn:aws:sqs:us-east-1:000000000000:elsewhere' },
          {
            Id: 'Shaped',
            Arn: { 'Fn::GetAtt': ['Archiver', 'Arn'] },
            InputTransformer: { InputTemplate: '"<key>"', InputPathsMap: { key: '$.detail.object.key' } },
          },
        ],
      },
    },
    PausedRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: 'paused',
        EventPattern: JSON.stringify({ source: ['aws.s3'] }),
        State: 'DISABLED',
        Targets: [
          {
            Id: 'Detail',
            Arn: { 'Fn::Join': [':', [{ 'Fn::GetAtt': ['Archiver', 'Arn'] }, 'live']] },
            InputPath: '$.detail',
          },
          { Id: 'Constant', Arn: { 'Fn::GetAtt': ['Archiver', 'Arn'] }, Input: '{"archive":true}' },
        ],
      },
    },
    Nightly: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression: 'rate(1 day)',
        Targets: [{ Id: 'T', Arn: { 'Fn::GetAtt': ['Archiver', 'Arn'] } }],
      },
    },
  },
};

describe('event rules and EventBridge-enabled buckets in the assembly', () => {
  const app = load({ Stateful: stateful, App: application });
  const rule = (logicalId: string) => app.eventRules.find((r) => r.logicalId === logicalId);

  it('marks buckets whose notifications (custom resource or own configuration) enable EventBridge', () => {
    expect(Object.fromEntries(app.buckets.map((b) => [b.logicalId, b.eventBridgeEnabled]))).toEqual({
      Documents: true,
      Archive: true,
      Exports: false,
    });
    expect(app.bucketNotifications).toEqual([]);
  });

  it('reads a rule with its pattern resolved across stacks, its state and its Lambda target', () => {
    expect(rule('UploadRule')).toEqual({
      stackName: 'App',
      logicalId: 'UploadRule',
      name: 'UploadRule',
      arn: 'arn:aws:events:us-east-1:000000000000:rule/UploadRule',
      eventBusName: 'default',
      enabled: true,
      eventPattern: {
        ...uploadPattern,
        detail: { ...uploadPattern.detail, bucket: { name: ['documents'] } },
      },
      targets: [
        {
          id: 'Target0',
          functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:RecordUpload',
          functionName: 'RecordUpload',
        },
      ],
    });
  });

  it('reads a disabled rule, a JSON-string pattern, a qualified function ARN, InputPath and Input', () => {
    const paused = rule('PausedRule');
    expect(paused?.enabled).toBe(false);
    expect(paused?.name).toBe('paused');
    expect(paused?.eventPattern).toEqual({ source: ['aws.s3'] });
    expect(paused?.targets).toEqual([
      expect.objectContaining({ id: 'Detail', functionName: 'Archiver', inputPath: '$.detail' }),
      expect.objectContaining({ id: 'Constant', functionName: 'Archiver', input: { archive: true } }),
    ]);
  });

  it('warns about what it does not run: foreign targets, input transformers', () => {
    expect(app.warnings).toEqual([
      expect.stringMatching(/UploadRule: target Queue \(arn:aws:sqs:.*\) is not a function of this app/),
      expect.stringMatching(/UploadRule: target Shaped uses an input transformer/),
    ]);
  });

  it('reads a scheduled rule with its schedule and its target, and no event pattern', () => {
    const nightly = rule('Nightly');
    expect(nightly?.eventPattern).toBeUndefined();
    expect(nightly?.schedule).toEqual({ kind: 'rate', expression: 'rate(1 day)', periodSeconds: 86_400 });
    expect(nightly?.targets).toEqual([expect.objectContaining({ id: 'T', functionName: 'Archiver' })]);
  });

  it('refuses at load time a schedule the local scheduler cannot read, naming the rule and what is allowed', () => {
    const scheduled = (expression: string): CfnTemplate => ({
      Resources: {
        Fn: lambda,
        Odd: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: expression, Targets: [] } },
      },
    });
    expect(() => load({ App: scheduled('cron(0 1 * * * *)') })).toThrow(AssemblyError);
    expect(() => load({ App: scheduled('cron(0 1 * * * *)') })).toThrow(
      /event rule Odd \(Odd\): cron\(0 1 \* \* \* \*\): exactly one of day-of-month and day-of-week must be \?/,
    );
    expect(() => load({ App: scheduled('cron(0 1 L-2 * ? *)') })).toThrow(/day-of-month L-2/);
    expect(() => load({ App: scheduled('rate(5 minute)') })).toThrow(/plural/);
    const neither: CfnTemplate = {
      Resources: { Fn: lambda, Odd: { Type: 'AWS::Events::Rule', Properties: { Targets: [] } } },
    };
    expect(() => load({ App: neither })).toThrow(/needs an EventPattern, a ScheduleExpression or both/);
  });

  it('refuses at load time a pattern the local matcher cannot serve, naming the rule and field', () => {
    const broken: CfnTemplate = {
      Resources: {
        Fn: lambda,
        Odd: {
          Type: 'AWS::Events::Rule',
          Properties: { EventPattern: { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, Targets: [] },
        },
      },
    };
    expect(() => load({ App: broken })).toThrow(AssemblyError);
    expect(() => load({ App: broken })).toThrow(/event rule Odd \(Odd\): event pattern field detail\.ip/);
  });

  it('reads e-mail subscriptions of a topic with their filter policies, in both template forms', () => {
    const withTopic = load({
      App: {
        Resources: {
          Payments: {
            Type: 'AWS::SNS::Topic',
            Properties: { Subscription: [{ Protocol: 'email', Endpoint: 'clerk@example.org' }] },
          },
          Director: {
            Type: 'AWS::SNS::Subscription',
            Properties: {
              TopicArn: { Ref: 'Payments' },
              Protocol: 'email-json',
              Endpoint: 'director@example.org',
              FilterPolicy: { amountFen: [{ numeric: ['>=', 1_000_000] }] },
            },
          },
          Hook: {
            Type: 'AWS::SNS::Subscription',
            Properties: {
              TopicArn: { Ref: 'Payments' },
              Protocol: 'https',
              Endpoint: 'https://example.org/',
            },
          },
        },
      },
    });
    expect(withTopic.topics[0]?.emailSubscribers).toEqual(['clerk@example.org', 'director@example.org']);
    expect(withTopic.topics[0]?.subscriptions).toEqual([
      { protocol: 'email', endpoint: 'clerk@example.org' },
      {
        protocol: 'email-json',
        endpoint: 'director@example.org',
        filterPolicy: { amountFen: [{ numeric: ['>=', 1_000_000] }] },
      },
    ]);
  });
});

describe('S3 events on the local default bus', () => {
  const app = load({ Stateful: stateful, App: application });
  const record = objectCreatedRecord({
    region: 'us-east-1',
    principal: 'LOCALACCESSKEY',
    eventName: 'ObjectCreated:Post',
    bucket: 'documents',
    key: 'uploads/P-1/CONTRACT/signed contract+1.pdf',
    size: 2048,
    eTag: 'd41d8cd98f00b204e9800998ecf8427e',
    sourceIp: '127.0.0.1',
    eventTime: new Date('2025-03-04T05:06:07.891Z'),
  });
  const event = s3ObjectCreatedEvent(record, { account: '000000000000', region: 'us-east-1' });

  /** An invoker that records calls and fails for the functions named. */
  function recordingInvoker(failing: string[] = []) {
    const calls: { name: string; payload: unknown }[] = [];
    const invoke = async (name: string, payload: unknown): Promise<InvokeResult> => {
      calls.push({ name, payload });
      return failing.includes(name) ? { errorType: 'Boom', errorMessage: 'refused' } : { payload: null };
    };
    return { calls, invoke };
  }

  it('builds the event S3 sends to EventBridge, with the key not URL-encoded', () => {
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '000000000000',
      time: '2025-03-04T05:06:07Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::documents'],
      detail: {
        version: '0',
        bucket: { name: 'documents' },
        object: {
          key: 'uploads/P-1/CONTRACT/signed contract+1.pdf',
          size: 2048,
          etag: 'd41d8cd98f00b204e9800998ecf8427e',
          sequencer: record.s3.object.sequencer,
        },
        'request-id': record.responseElements['x-amz-request-id'],
        requester: '000000000000',
        'source-ip-address': '127.0.0.1',
        reason: 'PostObject',
      },
    });
    expect(s3ObjectCreatedEvent({ ...record, eventName: 'ObjectCreated:Copy' }, event).detail.reason).toBe(
      'CopyObject',
    );
  });

  it('invokes the Lambda target of each matching enabled rule once, with the event', async () => {
    const { calls, invoke } = recordingInvoker();
    await putEvent(event, app.eventRules, invoke, () => {});
    expect(calls).toEqual([{ name: 'RecordUpload', payload: event }]);
  });

  it('does not invoke anything for a key outside the prefix or for a disabled rule', async () => {
    const { calls, invoke } = recordingInvoker();
    const outside: EventBridgeEvent = {
      ...event,
      detail: { ...event.detail, object: { key: 'exports/x.json', size: 2 } },
    };
    await putEvent(outside, app.eventRules, invoke, () => {});
    expect(calls).toEqual([]);
  });

  it('gives each target its Input or the part of the event its InputPath selects; one failure does not stop others', async () => {
    const enabled = app.eventRules.map((r) => ({ ...r, enabled: true }));
    const { calls, invoke } = recordingInvoker(['RecordUpload']);
    const log: string[] = [];
    await putEvent(event, enabled, invoke, (line) => log.push(line));
    expect(calls).toEqual(
      expect.arrayContaining([
        { name: 'RecordUpload', payload: event },
        { name: 'Archiver', payload: event.detail },
        { name: 'Archiver', payload: { archive: true } },
      ]),
    );
    expect(calls).toHaveLength(3);
    expect(log).toEqual([
      'EventBridge Object Created -> rule UploadRule -> RecordUpload failed: Boom: refused',
    ]);
  });

  it('selects JSONPaths of names, quoted names and indexes', () => {
    expect(selectPath(event, '$')).toBe(event);
    expect(selectPath(event, '$.detail.object.size')).toBe(2048);
    expect(selectPath(event, "$.detail['request-id']")).toBe(event.detail['request-id']);
    expect(selectPath(event, '$.resources[0]')).toBe('arn:aws:s3:::documents');
    expect(selectPath(event, '$.detail.missing.deeper')).toBeUndefined();
    expect(() => selectPath(event, 'detail')).toThrow(RangeError);
  });
});

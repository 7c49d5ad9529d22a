import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAssembly } from '../../../infra/local/assembly/load-assembly.js';
import type { CfnTemplate } from '../../../infra/local/assembly/template.js';
import { triggerModels, triggerProviderHandlers } from '../../../infra/local/assembly/triggers.js';

/** What the CDK synthesizes for `new triggers.Trigger(this, 'SeedReferenceDataAtDeploy', { handler })`. */
const PROVIDER = 'AWSCDKTriggerCustomResourceProviderCustomResourceProviderHandler97BECD91';
const VERSION = 'SeedReferenceDataCurrentVersion74D3BFC1';
const SEED_FUNCTION = 'SeedReferenceData072D0FE8';

const template: CfnTemplate = {
  Resources: {
    [SEED_FUNCTION]: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:asset:path': 'asset.fn' },
      Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x' },
    },
    [VERSION]: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: SEED_FUNCTION } } },
    [PROVIDER]: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: 'cdk-assets', S3Key: 'provider.zip' },
        Handler: '__entrypoint__.handler',
        Role: { 'Fn::GetAtt': ['ProviderRole', 'Arn'] },
      },
    },
    SeedReferenceDataAtDeploy: {
      Type: 'Custom::Trigger',
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [PROVIDER, 'Arn'] },
        HandlerArn: { Ref: VERSION },
        InvocationType: 'RequestResponse',
        Timeout: '120000',
        ExecuteOnHandlerChange: true,
      },
    },
    // Another custom resource, with a provider of its own: not a trigger.
    TagTheLogs: {
      Type: 'Custom::TagLogs',
      Properties: { ServiceToken: { 'Fn::GetAtt': ['TagLogsProvider', 'Arn'] } },
    },
  },
};

describe('CDK triggers in a template', () => {
  it('each trigger names the function its HandlerArn version points at', () => {
    expect(triggerModels('NgoPurchaseApp', template)).toEqual([
      {
        stackName: 'NgoPurchaseApp',
        logicalId: 'SeedReferenceDataAtDeploy',
        functionLogicalId: SEED_FUNCTION,
      },
    ]);
  });

  it("the trigger's provider is the only function the runtime leaves to itself", () => {
    expect(triggerProviderHandlers(template)).toEqual(new Set([PROVIDER]));
  });

  it('a template without triggers has neither triggers nor providers', () => {
    const { SeedReferenceDataAtDeploy: _trigger, ...rest } = template.Resources ?? {};
    const withoutTrigger = { Resources: rest };

    expect(triggerModels('NgoPurchaseApp', withoutTrigger)).toEqual([]);
    expect(triggerProviderHandlers(withoutTrigger)).toEqual(new Set());
  });
});

describe('a cloud assembly with a trigger', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the trigger and the function it invokes, but not the provider that runs it on AWS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'triggers-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'asset.fn'));
    writeFileSync(join(dir, 'NgoPurchaseApp.template.json'), JSON.stringify(template));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        artifacts: {
          NgoPurchaseApp: {
            type: 'aws:cloudformation:stack',
            properties: { templateFile: 'NgoPurchaseApp.template.json' },
          },
        },
      }),
    );

    const app = loadAssembly(dir, { apiBaseUrl: 'http://127.0.0.1:1' });

    expect(app.functions.map((f) => f.logicalId)).toEqual([SEED_FUNCTION]);
    expect(app.triggers).toEqual([
      {
        stackName: 'NgoPurchaseApp',
        logicalId: 'SeedReferenceDataAtDeploy',
        functionLogicalId: SEED_FUNCTION,
      },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { bucketModel } from '../../../infra/local/assembly/buckets.js';
import { IntrinsicResolver } from '../../../infra/local/assembly/intrinsics.js';
import type { CfnTemplate } from '../../../infra/local/assembly/template.js';

const template: CfnTemplate = {
  Conditions: { IsProduction: { 'Fn::Equals': ['prod', 'prod'] } },
  Resources: {
    Documents: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } },
    Paused: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Suspended' } } },
    Exports: { Type: 'AWS::S3::Bucket', Properties: {} },
    ByCondition: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        VersioningConfiguration: { Status: { 'Fn::If': ['IsProduction', 'Enabled', 'Suspended'] } },
      },
    },
  },
};
const resolver = new IntrinsicResolver([{ stackName: 'Stateful', template }], {
  apiBaseUrl: 'http://127.0.0.1:1',
});
const model = (logicalId: string) =>
  bucketModel(resolver, 'Stateful', logicalId, template.Resources?.[logicalId]?.Properties ?? {});

describe('the bucket model', () => {
  it('is versioned when the template enables versioning, resolved through its intrinsics', () => {
    expect(model('Documents').versioned).toBe(true);
    expect(model('ByCondition').versioned).toBe(true);
  });

  it('is not versioned when versioning is suspended or not configured', () => {
    expect(model('Paused').versioned).toBe(false);
    expect(model('Exports').versioned).toBe(false);
  });
});

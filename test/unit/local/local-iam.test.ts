import { describe, expect, it } from 'vitest';
import { IntrinsicResolver } from '../../../infra/local/assembly/intrinsics.js';
import type { LocalFunction, LocalPolicyStatement } from '../../../infra/local/assembly/model.js';
import { rolePermissions } from '../../../infra/local/assembly/role-permissions.js';
import type { CfnTemplate } from '../../../infra/local/assembly/template.js';
import { dynamoDbAccess } from '../../../infra/local/services/dynamodb-gate.js';
import { decide, localAuthorizer } from '../../../infra/local/services/local-iam.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/Records';

const template: CfnTemplate = {
  Resources: {
    Records: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    Keys: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    ReaderRole: { Type: 'AWS::IAM::Role', Properties: {} },
    ReaderRoleDefaultPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'ReaderRole' }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:Query'],
              Resource: [
                { 'Fn::GetAtt': ['Records', 'Arn'] },
                { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Records', 'Arn'] }, '/index/*']] },
              ],
            },
            { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Keys' } },
          ],
        },
      },
    },
    Reader: {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['ReaderRole', 'Arn'] } },
    },
  },
};

const resolver = new IntrinsicResolver([{ stackName: 'App', template }], {
  apiBaseUrl: 'http://127.0.0.1:1',
});

function fn(logicalId: string, permissions?: LocalPolicyStatement[]): LocalFunction {
  return {
    stackName: 'App',
    logicalId,
    name: logicalId,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${logicalId}`,
    bundleDir: '/nowhere',
    handlerModule: 'index',
    handlerExport: 'handler',
    environment: {},
    timeoutSeconds: 3,
    memoryMb: 128,
    ...(permissions ? { permissions } : {}),
  };
}

describe("a function's role, read from the template", () => {
  it('is the statements of the policies attached to its role, with resources resolved to local ARNs', () => {
    const warnings: string[] = [];
    const permissions = rolePermissions(
      resolver,
      'App',
      template.Resources?.Reader ?? { Type: '' },
      warnings,
    );

    expect(permissions).toEqual([
      {
        effect: 'Allow',
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: [TABLE, `${TABLE}/index/*`],
        conditional: false,
      },
      {
        effect: 'Allow',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [resolver.arn('App', 'Keys')],
        conditional: false,
      },
    ]);
    expect(warnings).toEqual([]);
  });
});

describe('the local IAM decision', () => {
  const reader = rolePermissions(resolver, 'App', template.Resources?.Reader ?? { Type: '' }, []) ?? [];

  it('allows what an Allow names, on the resources it names (wildcards included)', () => {
    expect(decide(reader, { action: 'dynamodb:GetItem', resource: TABLE })).toBe('ALLOW');
    expect(decide(reader, { action: 'dynamodb:Query', resource: `${TABLE}/index/GSI1` })).toBe('ALLOW');
    expect(decide(reader, { action: 'DynamoDB:getitem', resource: TABLE })).toBe('ALLOW');
  });

  it('refuses an action no statement allows, and an allowed action on another resource', () => {
    expect(decide(reader, { action: 'dynamodb:PutItem', resource: TABLE })).toBe('IMPLICIT_DENY');
    expect(decide(reader, { action: 'dynamodb:GetItem', resource: `${TABLE}Other` })).toBe('IMPLICIT_DENY');
  });

  it('lets an explicit Deny win, and evaluates no conditional statement', () => {
    const statements: LocalPolicyStatement[] = [
      ...reader,
      { effect: 'Deny', actions: ['dynamodb:*'], resources: ['*'], conditional: false },
    ];
    const conditional: LocalPolicyStatement[] = [
      { effect: 'Allow', actions: ['*'], resources: ['*'], conditional: true },
    ];

    expect(decide(statements, { action: 'dynamodb:GetItem', resource: TABLE })).toBe('EXPLICIT_DENY');
    expect(decide(conditional, { action: 'dynamodb:GetItem', resource: TABLE })).toBe('IMPLICIT_DENY');
  });

  it("holds a function to its role by its SDK app id, with AWS's message, and lets callers that name no function through", () => {
    const authorize = localAuthorizer([fn('Reader', reader), fn('Unknown')], (f) => `app-${f.logicalId}`);

    expect(authorize('app-Reader', [{ action: 'dynamodb:GetItem', resource: TABLE }])).toBeUndefined();
    expect(authorize('app-Reader', [{ action: 'dynamodb:PutItem', resource: TABLE }])).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/ReaderRole/Reader is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
    );
    expect(authorize(undefined, [{ action: 'dynamodb:PutItem', resource: TABLE }])).toBeUndefined();
    expect(authorize('app-Unknown', [{ action: 'dynamodb:PutItem', resource: TABLE }])).toBeUndefined();
  });
});

describe('what a DynamoDB call needs from IAM', () => {
  it('names the operation on the table, or on the index it queries', () => {
    expect(dynamoDbAccess('GetItem', { TableName: 'Records' })).toEqual([
      { action: 'dynamodb:GetItem', resource: TABLE },
    ]);
    expect(dynamoDbAccess('Query', { TableName: 'Records', IndexName: 'GSI1' })).toEqual([
      { action: 'dynamodb:Query', resource: `${TABLE}/index/GSI1` },
    ]);
  });

  it("names each item's own action for a transaction, and each table of a batch", () => {
    expect(
      dynamoDbAccess('TransactWriteItems', {
        TransactItems: [
          { Put: { TableName: 'Records' } },
          { Update: { TableName: 'Records' } },
          { ConditionCheck: { TableName: 'Records' } },
          { Delete: { TableName: 'Records' } },
        ],
      }).map((r) => r.action),
    ).toEqual([
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
    ]);
    expect(dynamoDbAccess('BatchGetItem', { RequestItems: { Records: {}, Other: {} } })).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: TABLE },
      { action: 'dynamodb:BatchGetItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/Other' },
    ]);
  });
});

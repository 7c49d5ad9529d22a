// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are CloudFormation Fn::Sub and ASL placeholders, not JS templates
import { describe, expect, it } from 'vitest';
import { UnsupportedIntrinsicError } from '../../../infra/local/assembly/errors.js';
import { IntrinsicResolver } from '../../../infra/local/assembly/intrinsics.js';
import { applyDefinitionSubstitutions } from '../../../infra/local/assembly/state-machines.js';
import type { CfnTemplate } from '../../../infra/local/assembly/template.js';

const API = 'http://127.0.0.1:3999';

const stateful: CfnTemplate = {
  Resources: {
    Records: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    Named: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'purchases' } },
  },
  Outputs: {
    TableRef: { Value: { Ref: 'Records' }, Export: { Name: 'Stateful:TableName' } },
    TableArn: {
      Value: { 'Fn::GetAtt': ['Records', 'Arn'] },
      Export: { Name: { 'Fn::Sub': '${AWS::StackName}:Arn' } },
    },
  },
};

const application: CfnTemplate = {
  Parameters: { Stage: { Default: 'dev' } },
  Conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] } },
  Resources: {
    Handler: { Type: 'AWS::Lambda::Function', Properties: {} },
    Workflow: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
    WorkflowVersion: {
      Type: 'AWS::StepFunctions::StateMachineVersion',
      Properties: { StateMachineArn: { Ref: 'Workflow' } },
    },
    WorkflowAlias: {
      Type: 'AWS::StepFunctions::StateMachineAlias',
      Properties: {
        Name: 'live',
        RoutingConfiguration: [
          { StateMachineVersionArn: { 'Fn::GetAtt': ['WorkflowVersion', 'Arn'] }, Weight: 100 },
        ],
      },
    },
    LinkKey: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Finance: { Type: 'AWS::SNS::Topic', Properties: {} },
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: {} },
    Integration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: {} },
  },
};

const resolver = new IntrinsicResolver(
  [
    { stackName: 'Stateful', template: stateful },
    { stackName: 'App', template: application },
  ],
  { apiBaseUrl: `${API}/` },
);
const resolve = (value: unknown) => resolver.resolve(value, 'App');

describe('the intrinsic resolver', () => {
  it('resolves Ref of a table, function and integration to their local names (the logical id)', () => {
    expect(resolver.resolve({ Ref: 'Records' }, 'Stateful')).toBe('Records');
    expect(resolve({ Ref: 'Handler' })).toBe('Handler');
    expect(resolve({ Ref: 'Integration' })).toBe('Integration');
  });

  it('uses a name the template gives explicitly', () => {
    expect(resolver.resolve({ Ref: 'Named' }, 'Stateful')).toBe('purchases');
    expect(resolver.resolve({ 'Fn::GetAtt': ['Named', 'Arn'] }, 'Stateful')).toBe(
      'arn:aws:dynamodb:us-east-1:000000000000:table/purchases',
    );
  });

  it('resolves Ref of a state machine, secret and topic to their ARNs', () => {
    expect(resolve({ Ref: 'Workflow' })).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:Workflow');
    expect(resolve({ Ref: 'LinkKey' })).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:LinkKey-[0-9a-f]{6}$/,
    );
    expect(resolve({ Ref: 'Finance' })).toBe('arn:aws:sns:us-east-1:000000000000:Finance');
  });

  it("resolves a state machine alias to its state machine's ARN and its name, and refuses a version's number", () => {
    const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:Workflow';
    expect(resolve({ Ref: 'WorkflowAlias' })).toBe(`${machine}:live`);
    expect(resolve({ 'Fn::GetAtt': ['WorkflowAlias', 'Arn'] })).toBe(`${machine}:live`);
    // A version is numbered when it is published: nothing static can name it.
    expect(() => resolve({ Ref: 'WorkflowVersion' })).toThrow(UnsupportedIntrinsicError);
  });

  it('resolves pseudo parameters to the local region and account', () => {
    expect(
      resolve(['AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::URLSuffix'].map((Ref) => ({ Ref }))),
    ).toEqual(['us-east-1', '000000000000', 'aws', 'amazonaws.com']);
  });

  it('resolves Fn::GetAtt Arn in both the list and the dotted form', () => {
    expect(resolve({ 'Fn::GetAtt': ['Handler', 'Arn'] })).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:Handler',
    );
    expect(resolve({ 'Fn::GetAtt': 'Workflow.Arn' })).toBe(
      'arn:aws:states:us-east-1:000000000000:stateMachine:Workflow',
    );
  });

  it('resolves an HTTP API endpoint and a joined execute-api URL to the local API', () => {
    expect(resolve({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).toBe(API);
    const url = {
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: 'Api' },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/tasks',
        ],
      ],
    };
    expect(resolve(url)).toBe(`${API}/tasks`);
  });

  it('joins, selects and splits', () => {
    expect(resolve({ 'Fn::Join': ['-', ['a', { Ref: 'Handler' }, 3]] })).toBe('a-Handler-3');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [':', 'x:y:z'] }] })).toBe('y');
    expect(resolve({ 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Handler', 'Arn'] }] }] })).toBe(
      'Handler',
    );
  });

  it('substitutes variables, references, attributes and escapes in Fn::Sub', () => {
    expect(
      resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${Handler}:${Workflow.Arn}:${!Literal}' }),
    ).toBe(
      'arn:aws:x:us-east-1:Handler:arn:aws:states:us-east-1:000000000000:stateMachine:Workflow:${Literal}',
    );
    expect(
      resolve({ 'Fn::Sub': ['${Greeting}, ${Stage}', { Greeting: { 'Fn::Join': ['', ['he', 'llo']] } }] }),
    ).toBe('hello, dev');
  });

  it('imports a value another stack exports, resolving it in that stack', () => {
    expect(resolve({ 'Fn::ImportValue': 'Stateful:TableName' })).toBe('Records');
    expect(resolve({ 'Fn::ImportValue': { 'Fn::Join': [':', ['Stateful', 'Arn']] } })).toBe(
      'arn:aws:dynamodb:us-east-1:000000000000:table/Records',
    );
  });

  it('evaluates Fn::If against the template conditions and drops AWS::NoValue', () => {
    expect(resolve({ 'Fn::If': ['IsDev', 'yes', 'no'] })).toBe('yes');
    expect(resolve({ a: 1, b: { Ref: 'AWS::NoValue' }, c: ['x', { Ref: 'AWS::NoValue' }] })).toEqual({
      a: 1,
      c: ['x'],
    });
  });

  it('refuses what it cannot resolve with a named error', () => {
    expect(() => resolve({ 'Fn::ImportValue': 'Nobody:Exports' })).toThrow(UnsupportedIntrinsicError);
    expect(() => resolve({ Ref: 'Missing' })).toThrow(UnsupportedIntrinsicError);
    expect(() => resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] })).toThrow(UnsupportedIntrinsicError);
  });
});

describe('definition substitutions', () => {
  it('replace only the placeholders they name', () => {
    const definition = '{"Resource":"${fn}","Comment":"${unknown}"}';
    expect(applyDefinitionSubstitutions(definition, { fn: 'arn:aws:lambda:x' })).toBe(
      '{"Resource":"arn:aws:lambda:x","Comment":"${unknown}"}',
    );
  });
});

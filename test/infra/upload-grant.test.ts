import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAppForTest } from './build.js';

/**
 * The NGO's upload grant (POST /ngo/{purchaseId}/uploads) is a function of its own: the page it
 * serves stays read-only, and the grant, open to the internet too, writes the day's grant count
 * and nothing else. The counts expire by the table's TTL.
 */

let app: Template;
let records: Template;

beforeAll(() => {
  const built = buildAppForTest();
  built.app.synth();
  app = Template.fromStack(built.application);
  records = Template.fromStack(built.stateful);
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

function statementsOfRole(role: string): Statement[] {
  return Object.values(app.findResources('AWS::IAM::Policy'))
    .filter((p) => String(p.Properties.Roles[0]?.Ref).replace(/Role[0-9A-F]{8}$/, '') === role)
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('the upload grant', () => {
  it('answers POST /ngo/{purchaseId}/uploads, while the page keeps GET and HEAD', () => {
    const integrationOf = (routeKey: string) => {
      const [route] = Object.values(app.findResources('AWS::ApiGatewayV2::Route')).filter(
        (r) => r.Properties.RouteKey === routeKey,
      );
      const target = JSON.stringify(route?.Properties.Target);
      const [integrationId] = Object.keys(app.findResources('AWS::ApiGatewayV2::Integration')).filter((id) =>
        target.includes(id),
      );
      const integration = app.findResources('AWS::ApiGatewayV2::Integration')[integrationId ?? ''];
      return JSON.stringify(integration?.Properties.IntegrationUri);
    };

    expect(integrationOf('POST /ngo/{purchaseId}/uploads')).toMatch(/"NgoUploadGrant[0-9A-F]{8}"/);
    expect(integrationOf('GET /ngo/{purchaseId}')).toMatch(/"NgoPage[0-9A-F]{8}"/);
    expect(integrationOf('HEAD /ngo/{purchaseId}')).toMatch(/"NgoPage[0-9A-F]{8}"/);
  });

  it('is denied every table write outside the upload counts, so the internet-facing grant changes no record', () => {
    const denied = statementsOfRole('NgoUploadGrant').filter((s) => s.Effect === 'Deny');

    expect(denied).toEqual([
      {
        Effect: 'Deny',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
        Resource: expect.anything(),
        Condition: { 'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': ['UPLOADS#*'] } },
      },
    ]);
    // The same table the grant may update.
    const allowedTable = statementsOfRole('NgoUploadGrant').find(
      (s) => s.Effect === 'Allow' && [s.Action].flat().includes('dynamodb:UpdateItem'),
    );
    expect([allowedTable?.Resource].flat()).toContainEqual(denied[0]?.Resource);
  });
});

describe('the evaluation report grant', () => {
  it('answers POST /tasks/{taskId}/report with a function of its own, throttled like the other public links', () => {
    const [route] = Object.values(app.findResources('AWS::ApiGatewayV2::Route')).filter(
      (r) => r.Properties.RouteKey === 'POST /tasks/{taskId}/report',
    );
    const target = JSON.stringify(route?.Properties.Target);
    const integration = Object.entries(app.findResources('AWS::ApiGatewayV2::Integration')).find(([id]) =>
      target.includes(id),
    )?.[1];
    expect(JSON.stringify(integration?.Properties.IntegrationUri)).toMatch(
      /"EvaluationReportGrant[0-9A-F]{8}"/,
    );
    const [stage] = Object.values(app.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties.RouteSettings['POST /tasks/{taskId}/report']).toEqual({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
  });

  it('may write objects only under the reports’ prefix, and no table item but the upload counts', () => {
    const statements = statementsOfRole('EvaluationReportGrant');
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => s.Action)).toEqual(['s3:PutObject']);
    expect(JSON.stringify(s3[0]?.Resource)).toContain('/uploads/*/EVALUATION_REPORT/*');
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
      {
        Effect: 'Deny',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
        Resource: expect.anything(),
        Condition: { 'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': ['UPLOADS#*'] } },
      },
    ]);
  });
});

describe('the records table', () => {
  it('expires items by their expiresAtEpoch (only the daily upload counts carry it)', () => {
    const [table] = Object.values(records.findResources('AWS::DynamoDB::Table'));
    expect(table?.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAtEpoch',
      Enabled: true,
    });
  });
});

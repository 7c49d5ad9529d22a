import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAFF_API_PATHS } from '../../infra/stacks/application-stack.js';
import { CONSOLE_URL_OUTPUT, STAFF_USER_POOL_OUTPUT } from '../../infra/stacks/outputs.js';
import { parseDeploymentSettings } from '../../shared/config/settings.js';
import { STAFF_ROLES } from '../../shared/domain/staff-roles.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { buildAppForTest } from './build.js';

/**
 * Staff sign-in and the console's hosting on AWS: a Cognito user pool by default, or an existing
 * OpenID Connect provider named by the settings; the console behind CloudFront with the staff API
 * on its own origin.
 */

type Built = ReturnType<typeof buildAppForTest>;
type Resource = { Properties: Record<string, unknown>; DependsOn?: string[] };

const EXISTING_PROVIDER = {
  issuer: 'https://login.civil-affairs.example.gov.cn/realms/staff',
  clientId: 'ngo-purchase-console',
};
// CloudFront's managed policies, by id.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const ASSET_OBJECT =
  /^arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>\/[0-9a-f]{64}\.zip$/;

let cognito: { built: Built; template: Template };
let provider: { built: Built; template: Template };

beforeAll(() => {
  const build = (settings = TEST_SETTINGS) => {
    const built = buildAppForTest(settings);
    // Synthesis runs cdk-nag: it throws on any finding not acknowledged.
    built.app.synth();
    return { built, template: Template.fromStack(built.application) };
  };
  cognito = build();
  provider = build({ ...TEST_SETTINGS, auth: EXISTING_PROVIDER });
});

function only(template: Template, type: string): [string, Resource] {
  const entries = Object.entries(template.findResources(type)) as [string, Resource][];
  expect(entries, type).toHaveLength(1);
  return entries[0] as [string, Resource];
}

/** A synthesized string with its references shown as `<LogicalId>` or `<LogicalId.Attribute>`. */
function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(shown).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return `<${ref}>`;
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
  const sub = (value as { 'Fn::Sub'?: string })['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/\$\{([^}]+)\}/g, '<$1>');
  throw new Error(`cannot show ${JSON.stringify(value)}`);
}

function contentSecurityPolicy(template: Template): string {
  const [, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
  const config = policy.Properties.ResponseHeadersPolicyConfig as {
    SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
  };
  return shown(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
}

/** The `/config.json` the console is deployed with, as written into the assembly (markers unresolved). */
function consoleConfig({ built, template }: typeof cognito): {
  config: Record<string, string>;
  markers: Record<string, unknown>;
} {
  const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')) as Resource[];
  for (const deployment of deployments) {
    const keys = deployment.Properties.SourceObjectKeys as string[];
    const markers = (deployment.Properties.SourceMarkers ?? []) as Record<string, unknown>[];
    for (const [i, key] of keys.entries()) {
      // The local runtime finds a deployment's files the same way: `<hash>.zip` is `asset.<hash>`.
      const file = join(built.app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json');
      if (existsSync(file))
        return { config: JSON.parse(readFileSync(file, 'utf8')), markers: markers[i] ?? {} };
    }
  }
  throw new Error('no deployment writes config.json');
}

/** A config value with its deploy-time markers shown as the references they stand for. */
function withMarkers(value: string, markers: Record<string, unknown>): string {
  return value.replace(/<<marker:0xbaba:\d+>>/g, (marker) => shown(markers[marker]));
}

describe('staff sign-in on a Cognito user pool (the default: no auth in the settings)', () => {
  it('has one group per staff role, named exactly as the server reads them from cognito:groups', () => {
    const [poolId] = only(cognito.template, 'AWS::Cognito::UserPool');
    const groups = Object.values(cognito.template.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual([...STAFF_ROLES].sort());
    for (const group of groups) expect(group.Properties.UserPoolId).toEqual({ Ref: poolId });
    cognito.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: 'officer',
      Description: '采购专员 · purchasing officer',
    });
  });

  it('lets no one sign up, signs in by e-mail with a strong password and an authenticator app, recovers by e-mail, and is kept', () => {
    cognito.template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        UsernameAttributes: ['email'],
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        DeletionProtection: 'ACTIVE',
        UserPoolTier: 'PLUS',
      }),
    });
  });

  it('gives the console a public client allowed only the authorization code grant, returning to the console', () => {
    const [, client] = only(cognito.template, 'AWS::Cognito::UserPoolClient');
    const [distributionId] = only(cognito.template, 'AWS::CloudFront::Distribution');
    const home = `https://<${distributionId}.DomainName>/`;
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 720,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
    });
    expect((client.Properties.CallbackURLs as unknown[]).map(shown)).toEqual([home]);
    expect((client.Properties.LogoutURLs as unknown[]).map(shown)).toEqual([home]);
    // No flow that sends the password itself, and no Lambda-driven custom flow.
    expect(client.Properties.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it('signs in on a managed-login domain (the newer version) with Cognito-provided branding for the console', () => {
    const [poolId] = only(cognito.template, 'AWS::Cognito::UserPool');
    const [clientId] = only(cognito.template, 'AWS::Cognito::UserPoolClient');
    const [, domain] = only(cognito.template, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties).toMatchObject({ ManagedLoginVersion: 2, UserPoolId: { Ref: poolId } });
    expect(shown(domain.Properties.Domain)).toBe('ngo-purchase-staff-<AWS::AccountId>');
    cognito.template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: { Ref: poolId },
      ClientId: { Ref: clientId },
      UseCognitoProvidedValues: true,
    });
  });

  it("has the API's JWT authorizer trust the pool as issuer and the console's client as the only audience", () => {
    const [poolId] = only(cognito.template, 'AWS::Cognito::UserPool');
    const [clientId] = only(cognito.template, 'AWS::Cognito::UserPoolClient');
    const [, authorizer] = only(cognito.template, 'AWS::ApiGatewayV2::Authorizer');
    const jwt = authorizer.Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    expect(shown(jwt.Issuer)).toBe(`https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>/<${poolId}>`);
    expect(jwt.Audience).toEqual([{ Ref: clientId }]);
  });

  it('answers GET /me from the staff-profile function, behind the JWT authorizer, with no access to the records', () => {
    const [authorizerId] = only(cognito.template, 'AWS::ApiGatewayV2::Authorizer');
    const [functionId] = Object.keys(cognito.template.findResources('AWS::Lambda::Function')).filter((id) =>
      id.startsWith('StaffProfile'),
    );
    const integrations = cognito.template.findResources('AWS::ApiGatewayV2::Integration', {
      Properties: { IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] } },
    });
    expect(Object.keys(integrations)).toHaveLength(1);
    cognito.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /me',
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: authorizerId },
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: Object.keys(integrations)[0] }]] },
    });
    const staffProfileActions = Object.values(cognito.template.findResources('AWS::IAM::Policy'))
      .filter((p) => String(p.Properties.Roles[0].Ref).startsWith('StaffProfileRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((s) => [s.Action].flat());
    expect(staffProfileActions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it("tells the console where to sign in: the pool, the console's client, the scopes and Cognito's logout back to the console", () => {
    const [poolId] = only(cognito.template, 'AWS::Cognito::UserPool');
    const [clientId] = only(cognito.template, 'AWS::Cognito::UserPoolClient');
    const [domainId] = only(cognito.template, 'AWS::Cognito::UserPoolDomain');
    const [distributionId] = only(cognito.template, 'AWS::CloudFront::Distribution');
    const { config, markers } = consoleConfig(cognito);
    expect(Object.keys(config).sort()).toEqual(['clientId', 'issuer', 'logoutUrl', 'scope']);
    expect(withMarkers(config.issuer ?? '', markers)).toBe(
      `https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>/<${poolId}>`,
    );
    expect(withMarkers(config.clientId ?? '', markers)).toBe(`<${clientId}>`);
    expect(config.scope).toBe('openid email profile');
    expect(withMarkers(config.logoutUrl ?? '', markers)).toBe(
      `https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com/logout?client_id=<${clientId}>` +
        `&logout_uri=https%3A%2F%2F<${distributionId}.DomainName>%2F`,
    );
  });

  it('outputs the console URL and the user pool id', () => {
    const [poolId] = only(cognito.template, 'AWS::Cognito::UserPool');
    const [distributionId] = only(cognito.template, 'AWS::CloudFront::Distribution');
    const outputs = cognito.template.findOutputs('*');
    expect(shown(outputs[CONSOLE_URL_OUTPUT]?.Value)).toBe(`https://<${distributionId}.DomainName>`);
    expect(outputs[STAFF_USER_POOL_OUTPUT]?.Value).toEqual({ Ref: poolId });
  });
});

describe('the console on CloudFront', () => {
  it('keeps its files in a private, encrypted, versioned bucket that refuses plain HTTP', () => {
    const [distributionId] = only(cognito.template, 'AWS::CloudFront::Distribution');
    const buckets = cognito.template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(1);
    const [bucketId, bucket] = Object.entries(buckets)[0] as [string, Resource];
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    const [, policy] = only(cognito.template, 'AWS::S3::BucketPolicy');
    expect(policy.Properties.Bucket).toEqual({ Ref: bucketId });
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // The one reader: CloudFront, on behalf of this distribution only.
    const allowed = statements.filter((s) => s.Effect === 'Allow');
    expect(allowed).toHaveLength(1);
    expect(allowed[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
    });
    expect(JSON.stringify(allowed[0]?.Condition)).toContain(`"Ref":"${distributionId}"`);
  });

  it('serves the bucket only through origin access control, over HTTPS, index.html at the root', () => {
    const [oacId, oac] = only(cognito.template, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [, distribution] = only(cognito.template, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig as {
      DefaultRootObject: string;
      Origins: { Id: string; OriginAccessControlId?: unknown }[];
      DefaultCacheBehavior: { TargetOriginId: string; ViewerProtocolPolicy: string };
    };
    expect(config.DefaultRootObject).toBe('index.html');
    const filesOrigin = config.Origins.find((o) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
    expect(filesOrigin?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('answers with a strict CSP that lets the page reach only itself and the sign-in origins, HSTS, nosniff, no framing and no referrer', () => {
    const [domainId] = only(cognito.template, 'AWS::Cognito::UserPoolDomain');
    expect(contentSecurityPolicy(cognito.template)).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        `connect-src 'self' https://cognito-idp.<AWS::Region>.<AWS::URLSuffix> https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com; ` +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const [policyId, policy] = only(cognito.template, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(policy.Properties.ResponseHeadersPolicyConfig).toMatchObject({
      SecurityHeadersConfig: {
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: 31_536_000,
          IncludeSubdomains: true,
          Override: true,
        },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      },
    });
    // On every answer: the console's files and the API's.
    const [, distribution] = only(cognito.template, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig as {
      DefaultCacheBehavior: { ResponseHeadersPolicyId: unknown };
      CacheBehaviors: { ResponseHeadersPolicyId: unknown }[];
    };
    for (const behaviour of [config.DefaultCacheBehavior, ...config.CacheBehaviors])
      expect(behaviour.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('passes the staff API paths to the HTTP API on HTTPS, uncached, with every method and the Authorization header', () => {
    const [apiId] = only(cognito.template, 'AWS::ApiGatewayV2::Api');
    const [, distribution] = only(cognito.template, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig as {
      Origins: { Id: string; DomainName: unknown; CustomOriginConfig?: Record<string, unknown> }[];
      CacheBehaviors: Record<string, unknown>[];
    };
    const apiOrigin = config.Origins.find((o) => shown(o.DomainName).startsWith(`<${apiId}>`));
    expect(shown(apiOrigin?.DomainName)).toBe(`<${apiId}>.execute-api.<AWS::Region>.<AWS::URLSuffix>`);
    expect(apiOrigin?.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(config.CacheBehaviors.map((b) => b.PathPattern)).toEqual(STAFF_API_PATHS);
    for (const behaviour of config.CacheBehaviors) {
      expect(behaviour).toMatchObject({
        TargetOriginId: apiOrigin?.Id,
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
        // With caching disabled, all the viewer's headers (Authorization included) reach the API.
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      });
    }
  });

  it('reaches every route behind the JWT authorizer through the console origin', () => {
    const patterns = STAFF_API_PATHS.map(
      (p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
    );
    const staffRoutes = Object.values(cognito.template.findResources('AWS::ApiGatewayV2::Route'))
      .filter((r) => r.Properties.AuthorizationType === 'JWT')
      .map((r) => String(r.Properties.RouteKey).split(' ')[1] ?? '');
    expect(staffRoutes.length).toBeGreaterThanOrEqual(3);
    for (const path of staffRoutes) {
      const example = path.replace(/\{[^}]+\}/g, 'P-1');
      expect(
        patterns.some((p) => p.test(example)),
        path,
      ).toBe(true);
    }
  });

  it('deploys the hashed assets for a year and never prunes them, then index.html and config.json revalidated and invalidated', () => {
    const deployments = cognito.template.findResources('Custom::CDKBucketDeployment');
    const [assetsId, assets] = Object.entries(deployments).find(
      ([, d]) => d.Properties.Include?.[0] === 'assets/*',
    ) as [string, Resource];
    const [, pages] = Object.entries(deployments).find(([id]) => id !== assetsId) as [string, Resource];
    expect(assets.Properties).toMatchObject({
      Exclude: ['*'],
      Include: ['assets/*'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    const [distributionId] = only(cognito.template, 'AWS::CloudFront::Distribution');
    expect(pages.Properties).toMatchObject({
      Exclude: ['assets/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    expect(pages.DependsOn).toContain(assetsId);
  });

  it('lets the deployment function read its two sources, write and prune the bucket, invalidate the distribution, and nothing more', () => {
    const [bucketId] = Object.keys(cognito.template.findResources('AWS::S3::Bucket'));
    const [distributionId] = only(cognito.template, 'AWS::CloudFront::Distribution');
    const [, handler] = Object.entries(cognito.template.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('CustomCDKBucketDeployment'),
    ) as [string, Resource];
    const roleId = (handler.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const [, role] = Object.entries(cognito.template.findResources('AWS::IAM::Role')).find(
      ([id]) => id === roleId,
    ) as [string, Resource];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = Object.values(cognito.template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .map((s) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat().map(shown) }));
    expect(statements).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [expect.stringMatching(/\.Arn>$/)],
      },
      {
        actions: ['s3:GetObject'],
        // The build's zip and config.json's, each by its own key, in CDK's asset bucket.
        resources: [expect.stringMatching(ASSET_OBJECT), expect.stringMatching(ASSET_OBJECT)],
      },
      { actions: ['s3:ListBucket'], resources: [`<${bucketId}.Arn>`] },
      { actions: ['s3:PutObject', 's3:DeleteObject'], resources: [`<${bucketId}.Arn>/*`] },
      {
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [`arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${distributionId}>`],
      },
    ]);
  });
});

describe('staff sign-in at an existing OpenID Connect provider (auth in the settings)', () => {
  it('creates no user pool and has the JWT authorizer trust the configured issuer and client', () => {
    provider.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    provider.template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    provider.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: EXISTING_PROVIDER.issuer, Audience: [EXISTING_PROVIDER.clientId] },
    });
    expect(Object.keys(provider.template.findOutputs('*'))).toContain(CONSOLE_URL_OUTPUT);
    expect(Object.keys(provider.template.findOutputs('*'))).not.toContain(STAFF_USER_POOL_OUTPUT);
  });

  it("lets the console reach the provider's origin and tells it the configured client", () => {
    expect(contentSecurityPolicy(provider.template)).toContain(
      "connect-src 'self' https://login.civil-affairs.example.gov.cn;",
    );
    expect(consoleConfig(provider).config).toEqual({
      issuer: EXISTING_PROVIDER.issuer,
      clientId: EXISTING_PROVIDER.clientId,
      scope: 'openid email profile',
    });
  });
});

describe('the sign-in settings', () => {
  const withSignIn = (extra: Record<string, unknown>) => () =>
    parseDeploymentSettings({ ...structuredClone(TEST_SETTINGS), ...extra }, 'test');

  it('take an existing provider as issuer and client id, both required', () => {
    expect(withSignIn({ auth: EXISTING_PROVIDER })().auth).toEqual(EXISTING_PROVIDER);
    expect(withSignIn({ auth: { issuer: EXISTING_PROVIDER.issuer } })).toThrow(/auth\.clientId/);
    expect(withSignIn({ auth: { ...EXISTING_PROVIDER, audience: ['x'] } })).toThrow(/auth/);
  });

  it('refuse a managed-login domain prefix Cognito would refuse', () => {
    expect(withSignIn({ signIn: { domainPrefix: 'xiamen-mca-staff' } })().signIn?.domainPrefix).toBe(
      'xiamen-mca-staff',
    );
    for (const domainPrefix of ['Xiamen', '-staff', 'staff-', 'staff_console', 'my-aws-staff', 'cognito-1'])
      expect(withSignIn({ signIn: { domainPrefix } }), domainPrefix).toThrow(/signIn\.domainPrefix/);
  });

  it('refuse a domain prefix together with an existing provider, which has no user pool', () => {
    expect(withSignIn({ auth: EXISTING_PROVIDER, signIn: { domainPrefix: 'xiamen-mca-staff' } })).toThrow(
      /signIn: signIn configures the user pool/,
    );
  });
});

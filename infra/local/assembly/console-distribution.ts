import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UnsupportedIntrinsicError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalConsoleDistribution } from './model.js';
import type { CfnResource, StackTemplate } from './template.js';

/**
 * The staff console as the templates deploy it: a bucket deployment (`Custom::CDKBucketDeployment`)
 * copies an asset folder of the assembly into a bucket, and a CloudFront distribution serves that
 * bucket, with the behaviours whose origin is not S3 (the HTTP API) passed on, and the response
 * headers policy of its default behaviour on every answer.
 */

export const BUCKET_DEPLOYMENT_TYPE = 'Custom::CDKBucketDeployment';

type Props = Record<string, unknown>;

interface Origin {
  readonly Id?: string;
  readonly S3OriginConfig?: unknown;
  readonly OriginAccessControlId?: unknown;
}

interface Behaviour {
  readonly PathPattern?: string;
  readonly TargetOriginId?: string;
  readonly ResponseHeadersPolicyId?: unknown;
}

/** The functions that run bucket deployments: custom-resource providers, not part of the app. */
export function bucketDeploymentHandlers(stack: StackTemplate): Set<string> {
  const handlers = new Set<string>();
  for (const resource of Object.values(stack.template.Resources ?? {})) {
    if (resource.Type !== BUCKET_DEPLOYMENT_TYPE) continue;
    const token = (resource.Properties?.ServiceToken ?? {}) as { 'Fn::GetAtt'?: [string, string] };
    const logicalId = token['Fn::GetAtt']?.[0];
    if (logicalId) handlers.add(logicalId);
  }
  return handlers;
}

/** The first distribution whose default origin is a bucket a deployment fills with a web site. */
export function consoleDistributionModel(
  resolver: IntrinsicResolver,
  assemblyDir: string,
  stacks: readonly StackTemplate[],
): LocalConsoleDistribution | undefined {
  for (const { stackName, template } of stacks) {
    const resources = Object.values(template.Resources ?? {});
    const siteDir = resources
      .filter((r) => r.Type === BUCKET_DEPLOYMENT_TYPE)
      .flatMap((r) => sourceFolders(assemblyDir, r))
      .find((dir) => existsSync(join(dir, 'index.html')));
    if (!siteDir) continue;
    for (const resource of resources) {
      if (resource.Type !== 'AWS::CloudFront::Distribution') continue;
      const config = (resource.Properties?.DistributionConfig ?? {}) as Props;
      const origins = (config.Origins ?? []) as Origin[];
      const behaviours = (config.CacheBehaviors ?? []) as Behaviour[];
      const isS3 = (id: string | undefined) =>
        origins.some((o) => o.Id === id && (o.S3OriginConfig !== undefined || o.OriginAccessControlId));
      const defaultBehaviour = (config.DefaultCacheBehavior ?? {}) as Behaviour;
      if (!isS3(defaultBehaviour.TargetOriginId)) continue;
      return {
        siteDir,
        apiPathPatterns: behaviours
          .filter((b) => b.PathPattern && !isS3(b.TargetOriginId))
          .map((b) => b.PathPattern as string),
        headers: responseHeaders(resolver, stackName, defaultBehaviour.ResponseHeadersPolicyId),
      };
    }
  }
  return undefined;
}

/** Asset folders named by the deployment's source object keys (`<hash>.zip` -> `asset.<hash>`). */
function sourceFolders(assemblyDir: string, deployment: CfnResource): string[] {
  const keys = (deployment.Properties?.SourceObjectKeys ?? []) as unknown[];
  return keys
    .filter((k): k is string => typeof k === 'string')
    .map((key) => join(assemblyDir, `asset.${key.replace(/\.zip$/, '')}`));
}

interface HeadersPolicyConfig {
  readonly SecurityHeadersConfig?: {
    readonly ContentSecurityPolicy?: { readonly ContentSecurityPolicy?: unknown };
    readonly ContentTypeOptions?: unknown;
    readonly FrameOptions?: { readonly FrameOption?: string };
    readonly ReferrerPolicy?: { readonly ReferrerPolicy?: string };
    readonly StrictTransportSecurity?: {
      readonly AccessControlMaxAgeSec?: number;
      readonly IncludeSubdomains?: boolean;
      readonly Preload?: boolean;
    };
  };
  readonly CustomHeadersConfig?: { readonly Items?: { readonly Header: string; readonly Value: string }[] };
}

/** The headers CloudFront adds for a response headers policy (`{ Ref: policy }`). */
function responseHeaders(
  resolver: IntrinsicResolver,
  stackName: string,
  ref: unknown,
): Record<string, string> {
  const logicalId = (ref as { Ref?: string } | undefined)?.Ref;
  if (!logicalId) return {};
  const props = resolver.resource(stackName, logicalId).Properties ?? {};
  const config = (props.ResponseHeadersPolicyConfig ?? {}) as HeadersPolicyConfig;
  const security = config.SecurityHeadersConfig ?? {};
  const headers: Record<string, string> = {};
  const csp = security.ContentSecurityPolicy?.ContentSecurityPolicy;
  if (csp !== undefined) headers['content-security-policy'] = resolveLoosely(resolver, csp, stackName);
  if (security.ContentTypeOptions) headers['x-content-type-options'] = 'nosniff';
  if (security.FrameOptions?.FrameOption) headers['x-frame-options'] = security.FrameOptions.FrameOption;
  if (security.ReferrerPolicy?.ReferrerPolicy)
    headers['referrer-policy'] = security.ReferrerPolicy.ReferrerPolicy;
  const hsts = security.StrictTransportSecurity;
  if (hsts) {
    headers['strict-transport-security'] = [
      `max-age=${hsts.AccessControlMaxAgeSec ?? 0}`,
      ...(hsts.IncludeSubdomains ? ['includeSubDomains'] : []),
      ...(hsts.Preload ? ['preload'] : []),
    ].join('; ');
  }
  for (const item of config.CustomHeadersConfig?.Items ?? []) headers[item.Header.toLowerCase()] = item.Value;
  return headers;
}

/**
 * A string that may name AWS-only resources (the Cognito domains in the CSP): the parts of an
 * `Fn::Join` that cannot be resolved here are left out; the caller replaces what depends on them.
 */
function resolveLoosely(resolver: IntrinsicResolver, value: unknown, stackName: string): string {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return resolver.resolveString(value, stackName, 'content security policy');
  const [separator, parts] = join;
  return parts
    .map((part) => {
      try {
        return resolver.resolveString(part, stackName, 'content security policy');
      } catch (error) {
        if (error instanceof UnsupportedIntrinsicError) return '';
        throw error;
      }
    })
    .join(separator);
}

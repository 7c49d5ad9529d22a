import { AssemblyError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalFunction, LocalHttpRoute, RouteAuthorizer, RouteThrottle } from './model.js';

/**
 * A route of an HTTP API (AWS::ApiGatewayV2::Route): the function its integration invokes and its
 * authorizer (none or JWT).
 */
export function routeModel(
  resolver: IntrinsicResolver,
  functions: readonly LocalFunction[],
  stackName: string,
  logicalId: string,
  rawProps: Record<string, unknown>,
): LocalHttpRoute | undefined {
  const props = resolver.resolve(rawProps, stackName) as {
    ApiId: string;
    RouteKey: string;
    Target?: string;
    AuthorizationType?: string;
    AuthorizerId?: string;
    AuthorizationScopes?: string[];
  };
  const integrationId = props.Target?.replace(/^integrations\//, '');
  if (!integrationId) return undefined;
  const integration = resolver.resource(stackName, integrationId);
  const uri = resolver.resolve(integration.Properties?.IntegrationUri, stackName);
  const fn = functions.find((f) => typeof uri === 'string' && (f.arn === uri || uri.includes(`${f.arn}/`)));
  if (!fn) {
    throw new AssemblyError(
      `route ${props.RouteKey} (${logicalId}) does not integrate a function of this app`,
    );
  }
  let authorizer: RouteAuthorizer = { kind: 'none' };
  if (props.AuthorizationType === 'JWT' && props.AuthorizerId) {
    const resource = resolver.resource(stackName, props.AuthorizerId);
    const config = resolver.resolve(resource.Properties?.JwtConfiguration, stackName) as
      | { Audience?: string[]; Issuer?: string }
      | undefined;
    authorizer = {
      kind: 'jwt',
      issuer: config?.Issuer ?? '',
      audience: config?.Audience ?? [],
      scopes: props.AuthorizationScopes ?? [],
    };
  } else if (props.AuthorizationType && props.AuthorizationType !== 'NONE') {
    throw new AssemblyError(
      `route ${props.RouteKey}: authorization ${props.AuthorizationType} is not supported locally`,
    );
  }
  const [method, path] =
    props.RouteKey === '$default' ? ['ANY', '/{proxy+}'] : (props.RouteKey.split(' ') as [string, string]);
  return { apiId: props.ApiId, method, path, routeKey: props.RouteKey, functionName: fn.name, authorizer };
}

/** What a stage's route settings say of throttling, as CloudFormation writes them. */
interface StageRouteSettings {
  ThrottlingRateLimit?: number;
  ThrottlingBurstLimit?: number;
}

function throttleOf(settings: StageRouteSettings | undefined): RouteThrottle | undefined {
  if (settings?.ThrottlingRateLimit === undefined || settings.ThrottlingBurstLimit === undefined)
    return undefined;
  return { rateLimit: settings.ThrottlingRateLimit, burstLimit: settings.ThrottlingBurstLimit };
}

/**
 * The routes with the throttling their API's stage sets for them (AWS::ApiGatewayV2::Stage:
 * RouteSettings by route key, else DefaultRouteSettings), as API Gateway applies it.
 */
export function withStageThrottling(
  routes: readonly LocalHttpRoute[],
  stages: readonly { apiId: string; props: Record<string, unknown> }[],
): LocalHttpRoute[] {
  return routes.map((route) => {
    const stage = stages.find((s) => s.apiId === route.apiId)?.props as
      | { DefaultRouteSettings?: StageRouteSettings; RouteSettings?: Record<string, StageRouteSettings> }
      | undefined;
    const throttle =
      throttleOf(stage?.RouteSettings?.[route.routeKey]) ?? throttleOf(stage?.DefaultRouteSettings);
    return throttle ? { ...route, throttle } : route;
  });
}

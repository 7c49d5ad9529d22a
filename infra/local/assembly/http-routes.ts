import { AssemblyError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalFunction, LocalHttpRoute, RouteAuthorizer } from './model.js';

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

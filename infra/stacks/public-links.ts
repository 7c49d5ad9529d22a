import type { CfnRoute, CfnStage, HttpApi, HttpRoute, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { acknowledge } from '../nag.js';

/**
 * The e-mailed links' routes (task pages, the NGO page, its upload grants and fresh links) take requests from
 * anyone on the internet, so the stage throttles each of them: a steady rate and a burst across
 * all callers, beyond which API Gateway answers 429 without invoking the function. A link is
 * clicked by a person, a few times a minute at most, so these leave room for the busiest day while
 * a flood costs at most this much Lambda and DynamoDB. (HTTP APIs take no WAF, so there is no
 * per-caller rate: the functions' own checks, signatures and daily upload limits, do that part.)
 */
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * The routes of the e-mailed capability links, which carry no staff token (the function checks
 * the link's signature), each throttled on the stage.
 */
export function servePublicLinks(
  api: HttpApi,
  stage: HttpStage,
  functions: {
    ngoPage: IFunction;
    ngoUploadGrant: IFunction;
    ngoFreshLink: IFunction;
    taskLink: IFunction;
    evaluationReportGrant: IFunction;
  },
): void {
  const ngoPageRoutes = api.addRoutes({
    path: '/ngo/{purchaseId}',
    methods: [HttpMethod.GET, HttpMethod.HEAD],
    integration: new HttpLambdaIntegration('NgoPageIntegration', functions.ngoPage),
  });
  const uploadRoutes = api.addRoutes({
    path: '/ngo/{purchaseId}/uploads',
    methods: [HttpMethod.POST],
    integration: new HttpLambdaIntegration('NgoUploadsIntegration', functions.ngoUploadGrant),
  });
  const freshLinkRoutes = api.addRoutes({
    path: '/ngo/{purchaseId}/fresh-link',
    methods: [HttpMethod.POST],
    integration: new HttpLambdaIntegration('NgoFreshLinkIntegration', functions.ngoFreshLink),
  });
  const taskRoutes = api.addRoutes({
    path: '/tasks/{taskId}',
    methods: [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST],
    integration: new HttpLambdaIntegration('TaskLinkIntegration', functions.taskLink),
  });
  // The evaluation page's script asks here for the presigned POST of the agency's written report.
  const reportRoutes = api.addRoutes({
    path: '/tasks/{taskId}/report',
    methods: [HttpMethod.POST],
    integration: new HttpLambdaIntegration('EvaluationReportIntegration', functions.evaluationReportGrant),
  });
  for (const route of [...ngoPageRoutes, ...uploadRoutes, ...freshLinkRoutes])
    acknowledge(
      cfnRoute(route),
      'APIG4',
      "The NGO's page link is a capability: the function verifies its HMAC over the purchase id and expiry.",
    );
  for (const route of [...taskRoutes, ...reportRoutes])
    acknowledge(
      cfnRoute(route),
      'APIG4',
      'Task links are capabilities: the function verifies the HMAC-signed task id and the per-task nonce.',
    );
  throttle(stage, [...ngoPageRoutes, ...uploadRoutes, ...freshLinkRoutes, ...taskRoutes, ...reportRoutes]);
}

function cfnRoute(route: HttpRoute): CfnRoute {
  return route.node.defaultChild as CfnRoute;
}

/** Sets the stage's throttling of each route, once the routes exist (the stage names them by key). */
function throttle(stage: HttpStage, routes: readonly HttpRoute[]): void {
  const cfnStage = stage.node.defaultChild as CfnStage;
  const settings = {
    ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit,
    ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit,
  };
  cfnStage.routeSettings = Object.fromEntries(routes.map((route) => [cfnRoute(route).routeKey, settings]));
  for (const route of routes) cfnStage.node.addDependency(route);
}

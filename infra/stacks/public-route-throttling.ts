import type { CfnRoute, CfnStage, HttpRoute, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';

/**
 * The e-mailed links' routes (task pages, the NGO page and its upload grants) take requests from
 * anyone on the internet, so the stage throttles each of them: a steady rate and a burst across
 * all callers, beyond which API Gateway answers 429 without invoking the function. A link is
 * clicked by a person, a few times a minute at most, so these leave room for the busiest day while
 * a flood costs at most this much Lambda and DynamoDB. (HTTP APIs take no WAF, so there is no
 * per-caller rate: the functions' own checks, signatures and daily upload limits, do that part.)
 */
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** Sets the stage's throttling of each public route, once the routes exist (the stage names them by key). */
export function throttlePublicRoutes(stage: HttpStage, routes: readonly HttpRoute[]): void {
  const cfnStage = stage.node.defaultChild as CfnStage;
  const settings = {
    ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit,
    ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit,
  };
  cfnStage.routeSettings = Object.fromEntries(
    routes.map((route) => [(route.node.defaultChild as CfnRoute).routeKey, settings]),
  );
  for (const route of routes) cfnStage.node.addDependency(route);
}

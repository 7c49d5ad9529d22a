import type { CfnRoute, CfnStage, HttpApi, HttpRoute, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { UPLOAD_COUNTS_PARTITION } from '../../shared/adapters/dynamodb/table-design.js';
import type { ServiceFunction } from '../constructs/service-function.js';
import { acknowledge } from '../nag.js';
import { contractFunction, mails, type StackWiring, useCaseFunction } from './stack-wiring.js';

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
 * The e-mailed capability links, which carry no staff token (each function checks the link's
 * signature): the task pages, the NGO page with its upload grants and fresh links, and the
 * evaluation report's grant; each route throttled on the stage.
 */
export function servePublicLinks(wiring: StackWiring, api: HttpApi, stage: HttpStage): void {
  const { documents, taskLinkKeys, ngoLinkKeys, publicBaseUrl } = wiring;
  // It mails the NGO's contact when finance confirms a payment (all of a tranche, or a part).
  const taskLink = mails(
    wiring,
    useCaseFunction(
      wiring,
      'TaskLink',
      'task-link',
      'GET|HEAD|POST /tasks/{taskId}: the e-mailed decision links',
    ),
  )
    .useTaskLinkKeys(taskLinkKeys)
    // Review pages link the upload under review (signed contract, mid-term and final reports);
    // the evaluation page scores with the rubric and grade bands of the lifecycle settings.
    .useDocuments(documents, 'uploads/', ['read'])
    .useLifecycleSettings(wiring.settings.lifecycle)
    .completeTasksOf(wiring.stateMachine.arn);

  // The NGO's page: lists what is due and what arrived, and links the published contract. It is
  // open to the internet and writes nothing: read only.
  const ngoPage = contractFunction(wiring, 'NgoPage', 'ngo-page', 'GET /ngo/{purchaseId}: the NGO page', {
    tableAccess: 'read',
  })
    .useNgoLinkKeys(ngoLinkKeys)
    // It links the published contract; the uploads' grants are NgoUploadGrant's.
    .useDocuments(documents, 'contracts/', ['read']);
  // The upload grant the page's script asks for: a presigned POST for one file while the day's
  // grants of its kind last. Open to the internet too, it counts grants and may write nothing else.
  const ngoUploadGrant = writesOnlyUploadCounts(
    wiring,
    contractFunction(
      wiring,
      'NgoUploadGrant',
      'ngo-upload-grant',
      'POST /ngo/{purchaseId}/uploads: a presigned POST for one file',
    )
      .useNgoLinkKeys(ngoLinkKeys)
      .useDocuments(documents, 'uploads/', ['write']),
  );
  // The evaluation agency's written report, asked for by its evaluation page's script: a presigned
  // POST for one PDF, only under the reports' own prefix, and only for the link of the agency the
  // purchase has assigned (it reads the task and the purchase). Like the NGO's grant, it writes
  // nothing but the upload counts.
  const evaluationReportGrant = writesOnlyUploadCounts(
    wiring,
    contractFunction(
      wiring,
      'EvaluationReportGrant',
      'evaluation-report-grant',
      'POST /tasks/{taskId}/report: a presigned POST for the evaluation report',
    )
      .useTaskLinkKeys(taskLinkKeys)
      .useDocuments(documents, 'uploads/*/EVALUATION_REPORT/', ['write']),
  );
  // The expired NGO page's button: mails a fresh page link to the purchase's registered contact,
  // at most once an hour (its audit entry is the limit). Open to the internet, like the page.
  const ngoFreshLink = mails(
    wiring,
    contractFunction(
      wiring,
      'NgoFreshLink',
      'ngo-fresh-link',
      'POST /ngo/{purchaseId}/fresh-link: mails a new NGO page link',
    ).useNgoLinkKeys(ngoLinkKeys),
  ).linksOn(publicBaseUrl);

  const ngoPageRoutes = api.addRoutes({
    path: '/ngo/{purchaseId}',
    methods: [HttpMethod.GET, HttpMethod.HEAD],
    integration: new HttpLambdaIntegration('NgoPageIntegration', ngoPage),
  });
  const uploadRoutes = api.addRoutes({
    path: '/ngo/{purchaseId}/uploads',
    methods: [HttpMethod.POST],
    integration: new HttpLambdaIntegration('NgoUploadsIntegration', ngoUploadGrant),
  });
  const freshLinkRoutes = api.addRoutes({
    path: '/ngo/{purchaseId}/fresh-link',
    methods: [HttpMethod.POST],
    integration: new HttpLambdaIntegration('NgoFreshLinkIntegration', ngoFreshLink),
  });
  const taskRoutes = api.addRoutes({
    path: '/tasks/{taskId}',
    methods: [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST],
    integration: new HttpLambdaIntegration('TaskLinkIntegration', taskLink),
  });
  // The evaluation page's script asks here for the presigned POST of the agency's written report.
  const reportRoutes = api.addRoutes({
    path: '/tasks/{taskId}/report',
    methods: [HttpMethod.POST],
    integration: new HttpLambdaIntegration('EvaluationReportIntegration', evaluationReportGrant),
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

/** A grant counts grants and may write nothing else: every write outside the upload counts' partition is denied. */
function writesOnlyUploadCounts(wiring: StackWiring, grant: ServiceFunction): ServiceFunction {
  grant.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.DENY,
      actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      resources: [wiring.table.tableArn],
      conditions: {
        'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': [`${UPLOAD_COUNTS_PARTITION}*`] },
      },
    }),
  );
  return grant;
}

import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { Trigger } from 'aws-cdk-lib/triggers';
import { referenceSeed } from '../../shared/domain/reference-data.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { acknowledge, findingResource } from '../nag.js';
import type { StackWiring, StaffRoutes } from './stack-wiring.js';

/**
 * The reference data's part of the application stack: the route the administrator edits it on
 * (and the auditor reads it), and its seeding from the settings at every deploy, through a CDK
 * trigger. Created in the stack's own scope, so the resources keep the stack's logical ids.
 */
export function referenceDataService(wiring: StackWiring, routes: StaffRoutes): void {
  const { stack, table } = wiring;
  const referenceData = new ServiceFunction(stack, 'ReferenceData', {
    name: 'reference-data',
    description: 'GET /reference-data, PUT /reference-data/{section}: the bureau reference data',
  }).useTable(table);
  routes.add(HttpMethod.GET, '/reference-data', 'ReferenceDataIntegration', referenceData);
  routes.add(HttpMethod.PUT, '/reference-data/{section}', 'ReferenceDataEditIntegration', referenceData);
  // The settings only seed the reference data: at every deploy, sections the table lacks are written.
  const seedReferenceData = new ServiceFunction(stack, 'SeedReferenceData', {
    name: 'seed-reference-data',
    description: 'Seeds the reference data the table lacks from the deployment settings',
  })
    .useTable(table)
    .seedsReferenceData(referenceSeed(wiring.settings.policy, wiring.settings.lifecycle));
  new Trigger(stack, 'SeedReferenceDataAtDeploy', {
    handler: seedReferenceData,
    executeOnHandlerChange: true,
  });
  // CDK's trigger provider may invoke the seeding function's versions (`<arn>:*`), nothing else.
  const triggerProvider = stack.node.tryFindChild(
    'AWSCDK.TriggerCustomResourceProviderCustomResourceProvider',
  );
  if (triggerProvider)
    acknowledge(
      triggerProvider,
      `IAM5[Resource::${findingResource(stack, `${seedReferenceData.functionArn}:*`)}]`,
      "CDK's trigger provider invokes the version of the seeding function the deploy published; a version ARN is the function ARN with a suffix, so only `<arn>:*` names it.",
    );
}

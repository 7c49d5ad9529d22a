import type { LocalApp } from './assembly/model.js';
import type { LocalStepFunctions } from './stepfunctions/index.js';

/**
 * Does on the local engine what CloudFormation does with the template's state machines: registers
 * each one (a new revision when its definition changed; executions already running keep theirs),
 * publishes the template's versions (once per revision, as PublishStateMachineVersion is idempotent),
 * and points each alias at the versions it routes to, creating it or moving it on a redeploy.
 */
export async function deployStateMachines(
  sfn: LocalStepFunctions,
  app: Pick<LocalApp, 'stateMachines' | 'stateMachineVersions' | 'stateMachineAliases'>,
): Promise<void> {
  for (const sm of app.stateMachines)
    sfn.registerStateMachine({ ...sm, definition: sm.definition as object });
  const published = new Map<string, { arn: string; stateMachineArn: string }>();
  for (const version of app.stateMachineVersions) {
    const { stateMachineVersionArn } = await sfn.publishStateMachineVersion({
      stateMachineArn: version.stateMachineArn,
      ...(version.description === undefined ? {} : { description: version.description }),
    });
    published.set(version.logicalId, {
      arn: stateMachineVersionArn,
      stateMachineArn: version.stateMachineArn,
    });
  }
  for (const alias of app.stateMachineAliases) {
    const routingConfiguration = alias.routes.map((route) => {
      const version = published.get(route.versionLogicalId);
      if (!version)
        throw new Error(`alias ${alias.logicalId} routes to ${route.versionLogicalId}, which is no version`);
      return { stateMachineVersionArn: version.arn, weight: route.weight };
    });
    const owner = published.get(alias.routes[0]?.versionLogicalId ?? '')?.stateMachineArn;
    const stateMachineAliasArn = `${owner}:${alias.name}`;
    const exists = (
      await sfn.listStateMachineAliases({ stateMachineArn: owner ?? '' })
    ).stateMachineAliases.some((a) => a.stateMachineAliasArn === stateMachineAliasArn);
    const description = alias.description === undefined ? {} : { description: alias.description };
    if (exists)
      await sfn.updateStateMachineAlias({ stateMachineAliasArn, routingConfiguration, ...description });
    else await sfn.createStateMachineAlias({ name: alias.name, routingConfiguration, ...description });
  }
}

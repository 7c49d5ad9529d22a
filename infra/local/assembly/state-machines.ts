import { AssemblyError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalStateMachine, LocalStateMachineAlias, LocalStateMachineVersion } from './model.js';

/** A state machine of the template, its definition resolved and substituted. */
export function stateMachineModel(
  resolver: IntrinsicResolver,
  stackName: string,
  logicalId: string,
  props: Record<string, unknown>,
): LocalStateMachine {
  let text: string;
  if (props.DefinitionString !== undefined) {
    text = resolver.resolveString(props.DefinitionString, stackName, `${logicalId}.DefinitionString`);
  } else if (props.Definition !== undefined) {
    text = JSON.stringify(resolver.resolve(props.Definition, stackName));
  } else {
    throw new AssemblyError(
      `state machine ${logicalId} has no inline definition (S3 definitions are not supported)`,
    );
  }
  if (props.DefinitionSubstitutions !== undefined) {
    const substitutions = resolver.resolve(props.DefinitionSubstitutions, stackName) as Record<
      string,
      unknown
    >;
    text = applyDefinitionSubstitutions(text, substitutions);
  }
  return {
    stackName,
    logicalId,
    name: resolver.physicalName(stackName, logicalId),
    arn: resolver.arn(stackName, logicalId),
    definition: JSON.parse(text),
    ...(props.RoleArn === undefined
      ? {}
      : { roleArn: resolver.resolveString(props.RoleArn, stackName, `${logicalId}.RoleArn`) }),
    type: props.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
  };
}

/** A version the template publishes, of the state machine its `StateMachineArn` names. */
export function stateMachineVersionModel(
  resolver: IntrinsicResolver,
  stackName: string,
  logicalId: string,
  props: Record<string, unknown>,
): LocalStateMachineVersion {
  const stateMachineArn = resolver.resolveString(
    props.StateMachineArn,
    stackName,
    `${logicalId}.StateMachineArn`,
  );
  const description = typeof props.Description === 'string' ? props.Description : undefined;
  return { logicalId, stateMachineArn, ...(description === undefined ? {} : { description }) };
}

/**
 * An alias of the template. Its routes name versions by `Fn::GetAtt [<version>, Arn]`: a version's
 * number is only known once published, so the route keeps the version's logical id. (A
 * DeploymentPreference, for gradual shifts, is not supported locally.)
 */
export function stateMachineAliasModel(
  logicalId: string,
  props: Record<string, unknown>,
): LocalStateMachineAlias {
  if (props.DeploymentPreference !== undefined) {
    throw new AssemblyError(
      `alias ${logicalId}: DeploymentPreference is not supported locally; use RoutingConfiguration`,
    );
  }
  const routing = Array.isArray(props.RoutingConfiguration) ? props.RoutingConfiguration : [];
  const routes = routing.map((route: { StateMachineVersionArn?: unknown; Weight?: unknown }) => {
    const ref = route.StateMachineVersionArn as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const versionLogicalId = ref?.['Fn::GetAtt']?.[1] === 'Arn' ? ref['Fn::GetAtt'][0] : undefined;
    if (!versionLogicalId || typeof route.Weight !== 'number') {
      throw new AssemblyError(
        `alias ${logicalId}: each route must be a version of this template (Fn::GetAtt Arn) with a weight`,
      );
    }
    return { versionLogicalId, weight: route.Weight };
  });
  const description = typeof props.Description === 'string' ? props.Description : undefined;
  return {
    logicalId,
    name: String(props.Name ?? logicalId),
    ...(description === undefined ? {} : { description }),
    routes,
  };
}

/** Replaces `${key}` placeholders of a state machine definition with DefinitionSubstitutions. */
export function applyDefinitionSubstitutions(
  definition: string,
  substitutions: Record<string, unknown>,
): string {
  return definition.replace(/\$\{([^}]+)\}/g, (match, key: string) =>
    key in substitutions ? String(substitutions[key]) : match,
  );
}

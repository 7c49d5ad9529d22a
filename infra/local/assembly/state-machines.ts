import { AssemblyError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalStateMachine } from './model.js';

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

/** Replaces `${key}` placeholders of a state machine definition with DefinitionSubstitutions. */
export function applyDefinitionSubstitutions(
  definition: string,
  substitutions: Record<string, unknown>,
): string {
  return definition.replace(/\$\{([^}]+)\}/g, (match, key: string) =>
    key in substitutions ? String(substitutions[key]) : match,
  );
}

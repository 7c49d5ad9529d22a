import type { IntrinsicResolver } from './intrinsics.js';
import type { GenerateSecretString, LocalSecret } from './model.js';

/** A secret of the template: its generator, or the literal SecretString it has instead. */
export function secretModel(
  resolver: IntrinsicResolver,
  stackName: string,
  logicalId: string,
  props: Record<string, unknown>,
): LocalSecret {
  return {
    stackName,
    logicalId,
    name: resolver.physicalName(stackName, logicalId),
    arn: resolver.arn(stackName, logicalId),
    ...(props.GenerateSecretString
      ? { generate: resolver.resolve(props.GenerateSecretString, stackName) as GenerateSecretString }
      : {}),
    ...(props.SecretString !== undefined
      ? {
          secretString: resolver.resolveString(props.SecretString, stackName, `${logicalId}.SecretString`),
        }
      : {}),
  };
}

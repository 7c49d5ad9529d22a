import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkEnvironmentSize } from '../lambda-limits.js';
import { AssemblyError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalFunction } from './model.js';
import type { CfnResource } from './template.js';

/** A Lambda function of the template: its bundle folder in the assembly, handler and environment. */
export function functionModel(
  resolver: IntrinsicResolver,
  assemblyDir: string,
  stackName: string,
  logicalId: string,
  resource: CfnResource,
): LocalFunction {
  const props = resource.Properties ?? {};
  const assetPath = bundleFolder(assemblyDir, resource);
  if (!assetPath) {
    throw new AssemblyError(
      `function ${logicalId}: no bundle folder in the assembly (inline code is not supported)`,
    );
  }
  const handler = resolver.resolveString(props.Handler ?? 'index.handler', stackName, `${logicalId}.Handler`);
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new AssemblyError(`function ${logicalId} has an invalid handler ${handler}`);
  const variables =
    (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    environment[key] = resolver.resolveString(value, stackName, `${logicalId} environment ${key}`);
  }
  checkEnvironmentSize(logicalId, environment);
  return {
    stackName,
    logicalId,
    name: resolver.physicalName(stackName, logicalId),
    arn: resolver.arn(stackName, logicalId),
    bundleDir: resolve(assemblyDir, assetPath),
    handlerModule: handler.slice(0, dot),
    handlerExport: handler.slice(dot + 1),
    environment,
    timeoutSeconds: Number(resolver.resolve(props.Timeout, stackName) ?? 3),
    memoryMb: Number(resolver.resolve(props.MemorySize, stackName) ?? 128),
  };
}

/**
 * The function's bundle folder: `aws:asset:path` metadata when synthesis recorded it (the CLI does;
 * an in-process App only with context `aws:cdk:enable-asset-metadata`), else `asset.<hash>` named by
 * the code's S3 key.
 */
function bundleFolder(assemblyDir: string, resource: CfnResource): string | undefined {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return assetPath;
  const s3Key = (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
  const hash = typeof s3Key === 'string' ? /^([0-9a-f]{64})\.zip$/.exec(s3Key)?.[1] : undefined;
  if (hash && existsSync(join(assemblyDir, `asset.${hash}`))) return `asset.${hash}`;
  return undefined;
}

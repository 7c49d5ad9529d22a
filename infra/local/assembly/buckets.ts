import { AssemblyError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalBucket, LocalBucketNotification, LocalFunction } from './model.js';
import type { CfnTemplate } from './template.js';

export const BUCKET_NOTIFICATIONS_TYPE = 'Custom::S3BucketNotifications';

/**
 * A bucket of the template; whether it sends events to EventBridge is known once its notifications
 * are read.
 */
export function bucketModel(
  resolver: IntrinsicResolver,
  stackName: string,
  logicalId: string,
  rawProps: Record<string, unknown>,
): LocalBucket {
  const versioning = resolver.resolve(rawProps.VersioningConfiguration, stackName) as
    | { Status?: unknown }
    | undefined;
  return {
    stackName,
    logicalId,
    name: resolver.physicalName(stackName, logicalId),
    arn: resolver.arn(stackName, logicalId),
    eventBridgeEnabled: false,
    // Only 'Enabled' versions new objects; a 'Suspended' bucket keeps one (null) version per key.
    versioned: versioning?.Status === 'Enabled',
  };
}

/**
 * The functions that are CDK's bucket-notifications handler: inline Python that configures real S3.
 * Locally the runtime routes the events itself, so that function is not loaded.
 */
export function bucketNotificationHandlers(template: CfnTemplate): Set<string> {
  return new Set(
    Object.values(template.Resources ?? {})
      .filter((r) => r.Type === BUCKET_NOTIFICATIONS_TYPE)
      .map((r) => getAttTarget(r.Properties?.ServiceToken))
      .filter((id): id is string => id !== undefined),
  );
}

/** The logical id an `Fn::GetAtt` points at, if the value is one. */
function getAttTarget(value: unknown): string | undefined {
  const target = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(target) && typeof target[0] === 'string') return target[0];
  if (typeof target === 'string') return target.split('.')[0];
  return undefined;
}

interface FilterRule {
  Name?: string;
  Value?: string;
}

/**
 * Lambda destinations of a bucket's notifications, and whether it sends events to EventBridge: CDK's
 * `Custom::S3BucketNotifications` (NotificationConfiguration in the S3 API's shape, with
 * `EventBridgeConfiguration: {}` when enabled) or a bucket's own CloudFormation NotificationConfiguration
 * (`EventBridgeConfiguration: { EventBridgeEnabled: true }`). Queue and topic destinations are not
 * served locally.
 */
export function bucketNotificationModels(
  resolver: IntrinsicResolver,
  functions: readonly LocalFunction[],
  stackName: string,
  logicalId: string,
  rawProps: Record<string, unknown>,
): { bucketName: string; eventBridgeEnabled: boolean; notifications: LocalBucketNotification[] } {
  const isBucket = resolver.resource(stackName, logicalId).Type === 'AWS::S3::Bucket';
  const bucketName = isBucket
    ? resolver.physicalName(stackName, logicalId)
    : resolver.resolveString(rawProps.BucketName, stackName, `${logicalId}.BucketName`);
  const configuration = resolver.resolve(rawProps.NotificationConfiguration, stackName) as
    | {
        EventBridgeConfiguration?: { EventBridgeEnabled?: boolean | string };
        LambdaFunctionConfigurations?: {
          Id?: string;
          Events?: string[];
          LambdaFunctionArn?: string;
          Filter?: { Key?: { FilterRules?: FilterRule[] } };
        }[];
        LambdaConfigurations?: {
          Event?: string;
          Function?: string;
          Filter?: { S3Key?: { Rules?: FilterRule[] } };
        }[];
      }
    | undefined;
  const destinations = [
    ...(configuration?.LambdaFunctionConfigurations ?? []).map((c) => ({
      id: c.Id,
      events: c.Events ?? [],
      functionArn: c.LambdaFunctionArn ?? '',
      rules: c.Filter?.Key?.FilterRules ?? [],
    })),
    ...(configuration?.LambdaConfigurations ?? []).map((c) => ({
      id: undefined,
      events: c.Event ? [c.Event] : [],
      functionArn: c.Function ?? '',
      rules: c.Filter?.S3Key?.Rules ?? [],
    })),
  ];
  const eventBridge = configuration?.EventBridgeConfiguration;
  const eventBridgeEnabled =
    eventBridge !== undefined &&
    eventBridge.EventBridgeEnabled !== false &&
    eventBridge.EventBridgeEnabled !== 'false';
  const notifications = destinations.map((d, index) => {
    const fn = functions.find((f) => f.arn === d.functionArn || f.name === d.functionArn);
    if (!fn) {
      throw new AssemblyError(
        `notifications of bucket ${bucketName} (${logicalId}) go to ${d.functionArn}, not a function of this app`,
      );
    }
    const rule = (name: string) => d.rules.find((r) => r.Name?.toLowerCase() === name)?.Value;
    const prefix = rule('prefix');
    const suffix = rule('suffix');
    return {
      bucketName,
      id: d.id ?? `${logicalId}-${index}`,
      events: d.events,
      functionArn: fn.arn,
      functionName: fn.name,
      ...(prefix !== undefined ? { prefix } : {}),
      ...(suffix !== undefined ? { suffix } : {}),
    };
  });
  return { bucketName, eventBridgeEnabled, notifications };
}

import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on one construct. Every acknowledgement in the product
 * goes through here, with its reason in writing; the infrastructure tests list them.
 */
export function acknowledge(construct: IConstruct, finding: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledgement of ${finding} needs a real reason`);
  Validations.of(construct).acknowledge({ id: `AwsSolutions-${finding}`, reason });
  // Kept on the construct too, so tests can list every acknowledgement with its reason.
  construct.node.addMetadata(ACKNOWLEDGEMENT_METADATA, { finding, reason });
}

export const ACKNOWLEDGEMENT_METADATA = 'ngo-purchase:nag-acknowledgement';

export const REASONS = {
  xray: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions; tracing needs Resource "*".',
  logStreams:
    'Log streams are created at run time with generated names; access is limited to streams of this one log group.',
} as const;

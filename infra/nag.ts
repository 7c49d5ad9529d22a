import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
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

/**
 * A resource as cdk-nag names it in a finding (`IAM5[Resource::<this>]`): the synthesized ARN
 * with `<LogicalId>` for a reference and `<LogicalId.Attribute>` for an attribute. Pseudo
 * parameters the app knows (the region of `cdk synth`) are already literal, so a finding's name
 * is built from the ARN, never written by hand.
 */
export function findingResource(scope: IConstruct, arn: string): string {
  const show = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const join = (part as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(show).join(join[0]);
    const ref = (part as { Ref?: string }).Ref;
    if (ref) return `<${ref}>`;
    const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
    throw new Error(`cannot name ${JSON.stringify(part)} as cdk-nag does`);
  };
  return show(Stack.of(scope).resolve(arn));
}

export const REASONS = {
  xray: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions; tracing needs Resource "*".',
  logStreams:
    'Log streams are created at run time with generated names; access is limited to streams of this one log group.',
} as const;

/**
 * What a state machine's role needs beyond its own resources: CloudWatch Logs delivery and
 * X-Ray (Resource "*" only), and for each function it invokes that function's versions and
 * aliases (`<arn>:*`), which LambdaInvoke grants.
 */
export function acknowledgeStateMachineRole(
  stateMachine: StateMachine,
  functions: readonly IFunction[],
): void {
  const rolePolicy = stateMachine.role.node.tryFindChild('DefaultPolicy');
  if (!rolePolicy) return;
  acknowledge(
    rolePolicy,
    'IAM5[Resource::*]',
    'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray accept only Resource "*".',
  );
  const stack = Stack.of(stateMachine);
  for (const fn of functions) {
    const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnElement);
    acknowledge(
      rolePolicy,
      `IAM5[Resource::<${logicalId}.Arn>:*]`,
      'LambdaInvoke also grants the versions and aliases of this one function (<arn>:*), nothing else.',
    );
  }
}

import type { LocalTrigger } from './model.js';
import type { CfnTemplate } from './template.js';

/** CDK's `triggers.Trigger`: a custom resource that invokes a function when the stack deploys. */
export const TRIGGER_TYPE = 'Custom::Trigger';

/** The CDK's provider functions behind the template's triggers: the runtime invokes the handlers itself. */
export function triggerProviderHandlers(template: CfnTemplate): Set<string> {
  return new Set(
    Object.values(template.Resources ?? {})
      .filter((r) => r.Type === TRIGGER_TYPE)
      .map((r) => refTarget(r.Properties?.ServiceToken, 'Fn::GetAtt'))
      .filter((id): id is string => id !== undefined),
  );
}

/**
 * The template's triggers, each with the function it invokes: `HandlerArn` names a version of the
 * function (`Ref` of an `AWS::Lambda::Version`, whose FunctionName is a `Ref` of the function).
 */
export function triggerModels(stackName: string, template: CfnTemplate): LocalTrigger[] {
  const resources = template.Resources ?? {};
  return Object.entries(resources).flatMap(([logicalId, resource]) => {
    if (resource.Type !== TRIGGER_TYPE) return [];
    const target = refTarget(resource.Properties?.HandlerArn, 'Ref');
    const version = target === undefined ? undefined : resources[target];
    const functionLogicalId =
      version?.Type === 'AWS::Lambda::Version' ? refTarget(version.Properties?.FunctionName, 'Ref') : target;
    return functionLogicalId === undefined ? [] : [{ stackName, logicalId, functionLogicalId }];
  });
}

/** The logical id a `Ref` or an `Fn::GetAtt` points at, if the value is one. */
function refTarget(value: unknown, intrinsic: 'Ref' | 'Fn::GetAtt'): string | undefined {
  const target = (value as Record<string, unknown> | undefined)?.[intrinsic];
  if (typeof target === 'string') return intrinsic === 'Ref' ? target : target.split('.')[0];
  if (Array.isArray(target) && typeof target[0] === 'string') return target[0];
  return undefined;
}

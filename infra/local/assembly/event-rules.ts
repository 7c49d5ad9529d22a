import { EventPatternError, validateEventPattern } from '../services/event-patterns.js';
import {
  parseScheduleExpression,
  type ScheduleExpression,
  ScheduleExpressionError,
} from '../services/schedule-expressions.js';
import { AssemblyError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalEventRule, LocalEventRuleTarget, LocalFunction } from './model.js';

interface RuleTargetProps {
  Id?: string;
  Arn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: unknown;
}

/**
 * An event rule with its Lambda targets. Targets other than this app's functions (queues, state
 * machines, input transformers) are not run locally: they become warnings, not errors, so an app that
 * has them still starts. A pattern the local matcher cannot serve, or a schedule expression the local
 * scheduler cannot read, is an error: the rule would not run as it does on AWS.
 */
export function eventRuleModel(
  resolver: IntrinsicResolver,
  functions: readonly LocalFunction[],
  warnings: string[],
  stackName: string,
  logicalId: string,
  rawProps: Record<string, unknown>,
): LocalEventRule | undefined {
  const props = resolver.resolve(rawProps, stackName) as {
    EventPattern?: unknown;
    ScheduleExpression?: string;
    State?: string;
    EventBusName?: string;
    Targets?: RuleTargetProps[];
  };
  const name = resolver.physicalName(stackName, logicalId);
  const describe = `event rule ${name} (${logicalId})`;
  if (props.EventPattern === undefined && props.ScheduleExpression === undefined)
    throw new AssemblyError(`${describe}: a rule needs an EventPattern, a ScheduleExpression or both`);
  let schedule: ScheduleExpression | undefined;
  try {
    if (props.ScheduleExpression !== undefined) schedule = parseScheduleExpression(props.ScheduleExpression);
  } catch (error) {
    if (error instanceof ScheduleExpressionError) throw new AssemblyError(`${describe}: ${error.message}`);
    throw error;
  }
  let eventPattern: Record<string, unknown> | undefined;
  if (props.EventPattern !== undefined) {
    eventPattern = (
      typeof props.EventPattern === 'string' ? JSON.parse(props.EventPattern) : props.EventPattern
    ) as Record<string, unknown>;
    try {
      validateEventPattern(eventPattern);
    } catch (error) {
      if (error instanceof EventPatternError) throw new AssemblyError(`${describe}: ${error.message}`);
      throw error;
    }
  }
  const targets: LocalEventRuleTarget[] = [];
  for (const target of props.Targets ?? []) {
    const id = target.Id ?? String(targets.length);
    const arn = target.Arn ?? '';
    // A qualified ARN (version or alias) runs the same local function.
    const fn = functions.find((f) => f.arn === arn || f.name === arn || arn.startsWith(`${f.arn}:`));
    if (!fn) {
      warnings.push(
        `event rule ${name}: target ${id} (${arn}) is not a function of this app; it is not run locally`,
      );
      continue;
    }
    if (target.InputTransformer !== undefined) {
      warnings.push(`event rule ${name}: target ${id} uses an input transformer, which is not run locally`);
      continue;
    }
    targets.push({
      id,
      functionArn: fn.arn,
      functionName: fn.name,
      ...(target.Input !== undefined ? { input: JSON.parse(target.Input) as unknown } : {}),
      ...(target.InputPath !== undefined ? { inputPath: target.InputPath } : {}),
    });
  }
  const busName = props.EventBusName ?? 'default';
  return {
    stackName,
    logicalId,
    name,
    arn: resolver.arn(stackName, logicalId),
    // An event bus may be given by ARN: its name is what follows 'event-bus/'.
    eventBusName: busName.replace(/^arn:[^:]*:events:[^:]*:[^:]*:event-bus\//, ''),
    // CloudFormation's default is ENABLED; ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled too.
    enabled: props.State === undefined || props.State.startsWith('ENABLED'),
    ...(eventPattern !== undefined ? { eventPattern } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    targets,
  };
}

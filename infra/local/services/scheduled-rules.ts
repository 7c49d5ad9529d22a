import { randomUUID } from 'node:crypto';
import type { LocalEventRule } from '../assembly/model.js';
import type { LambdaInvoker } from '../lambda-runner.js';
import { deliverToTargets, type EventBridgeEvent } from './eventbridge.js';
import { nextCronTime, type ScheduleExpression } from './schedule-expressions.js';

/**
 * The app's scheduled rules, locally: each enabled rule with a ScheduleExpression invokes its Lambda
 * targets with a "Scheduled Event" at the times it names, on the engine's clock (the Step Functions
 * engine's timers), so a fast clock that plays weeks in seconds also plays the daily rules.
 */

/** The engine's clock: its time, and timers in its seconds that a clock change re-arms. */
export interface EngineTimers {
  now(): Date;
  after(seconds: number, fire: () => void): () => void;
}

export interface ScheduledRules {
  /** Cancels every armed timer: nothing fires after it (deliveries already running finish). */
  stop(): void;
}

/** The event EventBridge sends a scheduled rule's target: the scheduled time, the rule as resource. */
export function scheduledEvent(
  rule: Pick<LocalEventRule, 'arn'>,
  at: Date,
  where: { readonly account: string; readonly region: string },
): EventBridgeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: where.account,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: where.region,
    resources: [rule.arn],
    detail: {},
  };
}

/**
 * The first time the schedule names after `afterMs`. A rate counts from when it was armed (AWS
 * counts from the rule's creation); undefined when a cron's years are past.
 */
export function nextScheduledTime(schedule: ScheduleExpression, afterMs: number): number | undefined {
  return schedule.kind === 'rate' ? afterMs + schedule.periodSeconds * 1000 : nextCronTime(schedule, afterMs);
}

/**
 * Arms every enabled scheduled rule. Each occurrence is armed as the engine seconds from the one
 * before (from the engine's now for the first), so the schedule keeps pace with whichever clock the
 * engine has. An occurrence that comes while the rule's previous delivery is still running is skipped
 * and logged: at a clock of weeks per second, an hourly rule would otherwise pile up invocations.
 */
export function startScheduledRules(options: {
  readonly rules: readonly LocalEventRule[];
  readonly timers: EngineTimers;
  /** Asynchronous invocation (Lambda's retries), the path the event-pattern rules use. */
  readonly invoke: LambdaInvoker;
  readonly where: { readonly account: string; readonly region: string };
  readonly log: (line: string) => void;
}): ScheduledRules {
  const { timers, invoke, where, log } = options;
  const cancels = new Map<string, () => void>();
  let stopped = false;

  const arm = (rule: LocalEventRule, schedule: ScheduleExpression, fromMs: number) => {
    const next = nextScheduledTime(schedule, fromMs);
    if (next === undefined) {
      log(
        `scheduled rule ${rule.name}: ${schedule.expression} names no time after ${new Date(fromMs).toISOString()}`,
      );
      cancels.delete(rule.arn);
      return;
    }
    cancels.set(
      rule.arn,
      timers.after((next - fromMs) / 1000, () => {
        if (stopped) return;
        fire(rule, new Date(next));
        arm(rule, schedule, next);
      }),
    );
  };

  const delivering = new Set<string>();
  const fire = (rule: LocalEventRule, at: Date) => {
    if (delivering.has(rule.arn)) {
      log(`scheduled rule ${rule.name}: ${at.toISOString()} skipped, the previous run is still going`);
      return;
    }
    delivering.add(rule.arn);
    void deliverToTargets(rule, scheduledEvent(rule, at, where), invoke, log).finally(() =>
      delivering.delete(rule.arn),
    );
  };

  const startMs = timers.now().getTime();
  for (const rule of options.rules) {
    if (!rule.enabled || rule.schedule === undefined || rule.targets.length === 0) continue;
    arm(rule, rule.schedule, startMs);
    const first = nextScheduledTime(rule.schedule, startMs);
    if (first !== undefined)
      log(
        `scheduled rule ${rule.name}: ${rule.schedule.expression}, first at ${new Date(first).toISOString()}`,
      );
  }
  return {
    stop() {
      stopped = true;
      for (const cancel of cancels.values()) cancel();
      cancels.clear();
    },
  };
}

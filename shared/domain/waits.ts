import type { LifecycleSettings } from './lifecycle-settings.js';
import type { PolicySettings } from './policy-settings.js';
import { type WaitTimeout, type WorkingCalendar, waitDeadline, waitTimeoutOf } from './working-days.js';

/**
 * How long each wait for a person lasts, as the settings give it: in working days on the official
 * calendar when they are given, else in seconds. The plan step before a wait works out its three
 * timeouts (working-days.ts attemptTimeouts); the definition takes them from its answer.
 */

/** An approver's decision, and the countersignature. */
export function approvalWait(policy: Pick<PolicySettings, 'approval'>): WaitTimeout {
  return waitTimeoutOf(policy.approval.timeoutSeconds, policy.approval.timeoutWorkingDays);
}

/** The NGO's signed copy of the contract. */
export function signedContractWait(lifecycle: Pick<LifecycleSettings, 'contract'>): WaitTimeout {
  return waitTimeoutOf(lifecycle.contract.signTimeoutSeconds, lifecycle.contract.signTimeoutWorkingDays);
}

/** The section chief's mid-term review, and the decision on a late report. */
export function midtermReviewWait(lifecycle: Pick<LifecycleSettings, 'midterm'>): WaitTimeout {
  return waitTimeoutOf(lifecycle.midterm.reviewTimeoutSeconds, lifecycle.midterm.reviewTimeoutWorkingDays);
}

/** The evaluation agency's declaration and scores. */
export function evaluationWait(lifecycle: Pick<LifecycleSettings, 'evaluation'>): WaitTimeout {
  return waitTimeoutOf(lifecycle.evaluation.timeoutSeconds, lifecycle.evaluation.timeoutWorkingDays);
}

/**
 * The grace an NGO has after a report's due date (the mid-term report, each extension, the final
 * report and its reminder and escalation): working days when given, else calendar days.
 */
export function reportGrace(lifecycle: Pick<LifecycleSettings, 'midterm'>): WaitTimeout {
  const { graceDays, graceWorkingDays } = lifecycle.midterm;
  return graceWorkingDays === undefined ? { seconds: graceDays * 86_400 } : { workingDays: graceWorkingDays };
}

/** The end of `times` graces one after the other from `from` (each counted from where the last ended). */
export function afterGraces(
  from: number,
  grace: WaitTimeout,
  times: number,
  calendar: WorkingCalendar,
): number {
  let at = from;
  for (let i = 0; i < times; i++) at = waitDeadline(at, grace, calendar).at;
  return at;
}

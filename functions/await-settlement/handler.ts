import type { LifecycleSettings } from '../../shared/domain/lifecycle-settings.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings } from '../../shared/lambda/settings.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { systemNow } from '../../shared/ports/clock.js';
import { awaitSettlement, type SettlementDeps } from '../../shared/usecases/settlement.js';
import { AwaitSettlementInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: SettlementDeps & { lifecycle: LifecycleSettings }) {
  return workflowStep(AwaitSettlementInput, (input) => awaitSettlement(deps, input));
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  payments: tableRepositories().payments,
  callbacks: taskCallbacks(),
  lifecycle: lifecycleSettings(),
  now: systemNow,
});

import { lifecycleSettings } from '../shared/runtime/lifecycle-settings.js';
import { policySettings, tableRepositories } from '../shared/runtime/repositories.js';
import type { ContractingDeps } from '../shared/usecases/contracting.js';
import { systemNow } from '../shared/usecases/ports.js';

/** What every contracting step needs, built once per execution environment. */
export function contractingDeps(): ContractingDeps {
  const { purchases, budgets, tasks, deliverables, waits, payments } = tableRepositories();
  return {
    purchases,
    budgets,
    tasks,
    deliverables,
    waits,
    payments,
    policy: policySettings(),
    lifecycle: lifecycleSettings(),
    now: systemNow,
  };
}

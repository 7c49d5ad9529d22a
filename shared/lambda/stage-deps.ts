import { systemNow } from '../ports/clock.js';
import type { WorkflowDeps } from '../usecases/approval-workflow.js';
import type { ContractingDeps } from '../usecases/contracting.js';
import type { EvaluationDeps } from '../usecases/evaluation.js';
import { tableRepositories } from './repositories.js';
import { lifecycleSettings, policySettings } from './settings.js';

/** What every workflow step needs, built once per execution environment. */
export function workflowDeps(): WorkflowDeps {
  const { purchases, budgets, tasks, trackRecords } = tableRepositories();
  return { purchases, budgets, tasks, trackRecords, settings: policySettings(), now: systemNow };
}

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

/** What the evaluation and closing steps need: the contracting ones and the NGOs' track record. */
export function evaluationDeps(): EvaluationDeps {
  return { ...contractingDeps(), trackRecords: tableRepositories().trackRecords };
}

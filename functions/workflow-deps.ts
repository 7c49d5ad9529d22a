import { policySettings, tableRepositories } from '../shared/runtime/repositories.js';
import type { WorkflowDeps } from '../shared/usecases/approval-workflow.js';
import { systemNow } from '../shared/usecases/ports.js';

/** What every workflow step needs, built once per execution environment. */
export function workflowDeps(): WorkflowDeps {
  const { purchases, budgets, tasks, trackRecords } = tableRepositories();
  return { purchases, budgets, tasks, trackRecords, settings: policySettings(), now: systemNow };
}

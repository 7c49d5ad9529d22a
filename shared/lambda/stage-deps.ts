import { systemNow } from '../ports/clock.js';
import type { LinkKeyProvider } from '../ports/link-key.js';
import type { PaymentRepository } from '../ports/repositories.js';
import type { ContractingDeps } from '../usecases/contracting.js';
import type { EvaluationDeps } from '../usecases/evaluation.js';
import type { HumanStepPorts } from '../usecases/human-steps.js';
import type { InformNgoDeps } from '../usecases/inform-ngo.js';
import type { ResendTaskLinkDeps } from '../usecases/resend-task-link.js';
import type { WorkflowDeps } from '../usecases/workflow-deps.js';
import { ENV, requireEnv } from './environment.js';
import { sesMailer, taskLinkKeys } from './mail-and-links.js';
import { tableRepositories } from './repositories.js';
import { lifecycleSettings, policySettings } from './settings.js';
import { taskCallbacks } from './step-functions.js';

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

/** What a step adds to tell the NGO of its outcome: SES, and the payments for the tranche notices. */
export function ngoNoticePorts(): Pick<InformNgoDeps, 'mailer'> & { payments: PaymentRepository } {
  return { mailer: sesMailer(), payments: tableRepositories().payments };
}

/**
 * What a step that asks a person adds: SES, the task callbacks, PUBLIC_BASE_URL and the keys of
 * the links it mails (taskLinkKeys() or ngoLinkKeys(): each function is granted only its own).
 */
export function humanStepPorts(linkKey: LinkKeyProvider): HumanStepPorts {
  return {
    mailer: sesMailer(),
    callbacks: taskCallbacks(),
    linkKey,
    baseUrl: requireEnv(ENV.publicBaseUrl),
  };
}

/** What mailing a task's link again needs (the operators' function and the purchase page's route). */
export function resendTaskLinkDeps(): ResendTaskLinkDeps {
  const { tasks, purchases } = tableRepositories();
  return {
    tasks,
    purchases,
    mailer: sesMailer(),
    linkKey: taskLinkKeys(),
    baseUrl: requireEnv(ENV.publicBaseUrl),
    now: systemNow,
  };
}

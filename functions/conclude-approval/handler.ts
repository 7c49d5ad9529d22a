import { sesMailer } from '../../shared/runtime/mail-and-links.js';
import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { concludeApproval } from '../../shared/usecases/approval-workflow.js';
import { workflowDeps } from '../workflow-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = { ...workflowDeps(), mailer: sesMailer() };

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) =>
  concludeApproval(deps, purchaseId),
);

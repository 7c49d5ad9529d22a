import { sesMailer } from '../../shared/lambda/mail-and-links.js';
import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { concludeApproval } from '../../shared/usecases/approval-workflow.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = { ...workflowDeps(), mailer: sesMailer() };

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) =>
  concludeApproval(deps, purchaseId),
);

import { sesMailer } from '../../shared/lambda/mail-and-links.js';
import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { rejectPurchase } from '../../shared/usecases/approval-workflow.js';
import { RejectPurchaseInput } from '../workflow-input.js';

const deps = { ...workflowDeps(), mailer: sesMailer() };

export const handler = workflowStep(RejectPurchaseInput, (input) => rejectPurchase(deps, input));

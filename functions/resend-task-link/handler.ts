import * as z from 'zod/mini';
import { resendTaskLinkDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { type ResendTaskLinkDeps, resendTaskLink } from '../../shared/usecases/resend-task-link.js';

/** Invoked by an operator (`npm run ops -- resend`): the task, and who asks for it. */
const ResendTaskLinkInput = z.object({
  taskId: z.string().check(z.regex(/^[A-Za-z0-9_-]{24}$/)),
  by: z.string().check(z.minLength(1), z.maxLength(200)),
});

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: ResendTaskLinkDeps) {
  return workflowStep(ResendTaskLinkInput, (input) => resendTaskLink(deps, input));
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler(resendTaskLinkDeps());

import * as z from 'zod/mini';
import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { linkKeyProvider, sesMailer } from '../../shared/lambda/mail-and-links.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { systemNow } from '../../shared/ports/clock.js';
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
export const handler = createHandler({
  tasks: tableRepositories().tasks,
  purchases: tableRepositories().purchases,
  mailer: sesMailer(),
  linkKey: linkKeyProvider(),
  baseUrl: requireEnv(ENV.publicBaseUrl),
  now: systemNow,
});

import * as z from 'zod/mini';
import { log } from '../../shared/lambda/log.js';
import { linkKeyStore } from '../../shared/lambda/mail-and-links.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { LINK_KINDS } from '../../shared/ports/link-key.js';
import { type RotateLinkKeysDeps, rotateLinkKeys } from '../../shared/usecases/rotate-link-keys.js';

/** Invoked by an operator (`npm run ops -- rotate-link-key|retire-link-keys`): which keys, what, who asks. */
const RotateLinkKeysInput = z.object({
  kind: z.enum(LINK_KINDS),
  action: z.enum(['rotate', 'retire']),
  by: z.string().check(z.minLength(1), z.maxLength(200)),
});

/** The step over the given ports (the tests give it an in-memory store). */
export function createHandler(deps: RotateLinkKeysDeps) {
  return workflowStep(RotateLinkKeysInput, async (input) => {
    const outcome = await rotateLinkKeys(deps, input);
    // Key ids only: the keys themselves never leave Secrets Manager and this function.
    log.info('link keys changed', { ...outcome });
    return outcome;
  });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ store: linkKeyStore() });

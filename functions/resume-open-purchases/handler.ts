import middy from '@middy/core';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { workflowExecutions, workflowStarter } from '../../shared/lambda/step-functions.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type ResumeDeps, resumeOpenPurchases } from '../../shared/usecases/resume.js';

/** Run after a redeploy (AWS) or at start-up (local runtime): every unfinished purchase continues. */
export function createHandler(deps: ResumeDeps) {
  return middy()
    .use(withLogContext())
    .handler(async () => {
      const resumed = await resumeOpenPurchases(deps);
      log.info('resumed open purchases', { count: resumed.length });
      return { resumed };
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  purchases: tableRepositories().purchases,
  workflow: workflowStarter(),
  executions: workflowExecutions(),
  now: systemNow,
});

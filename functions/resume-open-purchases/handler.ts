import middy from '@middy/core';
import { log } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { workflowStarter } from '../../shared/lambda/step-functions.js';
import { resumeOpenPurchases } from '../../shared/usecases/resume.js';

const { purchases } = tableRepositories();
const workflow = workflowStarter();

/** Run after a redeploy (AWS) or at start-up (local runtime): every unfinished purchase continues. */
export const handler = middy().handler(async () => {
  const resumed = await resumeOpenPurchases({ purchases, workflow, now: () => new Date().toISOString() });
  log.info('resumed open purchases', { count: resumed.length });
  return { resumed };
});

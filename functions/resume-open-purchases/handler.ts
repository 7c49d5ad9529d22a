import middy from '@middy/core';
import { log } from '../../shared/runtime/log.js';
import { tableRepositories } from '../../shared/runtime/repositories.js';
import { stepFunctionsStarter } from '../../shared/runtime/step-functions.js';
import { resumeOpenPurchases } from '../../shared/usecases/resume.js';

const { purchases } = tableRepositories();
const workflow = stepFunctionsStarter();

/** Run after a redeploy (AWS) or at start-up (local runtime): every unfinished purchase continues. */
export const handler = middy().handler(async () => {
  const resumed = await resumeOpenPurchases({ purchases, workflow, now: () => new Date().toISOString() });
  log.info('resumed open purchases', { count: resumed.length });
  return { resumed };
});

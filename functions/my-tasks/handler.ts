import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { json, jsonErrors, requireStaff } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { taskLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type MyTasksDeps, myTasks } from '../../shared/usecases/my-tasks.js';

/** GET /my/tasks: what waits on the signed-in person, each with its decision page's link. */
export function createHandler(deps: MyTasksDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requireStaff(event);
      return json(200, { tasks: await myTasks(deps, staff) });
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  purchases: tableRepositories().purchases,
  tasks: tableRepositories().tasks,
  linkKey: taskLinkKeys(),
  baseUrl: requireEnv(ENV.publicBaseUrl),
  now: systemNow,
});

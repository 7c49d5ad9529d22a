import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, jsonErrors, NotFoundError, requireStaff } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { workflowExecutions } from '../../shared/lambda/step-functions.js';
import { type PurchaseViewDeps, purchaseView } from '../../shared/usecases/purchase-view.js';

/** GET /purchases/{id}: stage, amounts, pending tasks, workflow executions and the verified audit trail. */
export function createHandler(deps: PurchaseViewDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const viewer = requireStaff(event);
      const view = await purchaseView(deps, event.pathParameters?.id ?? '', viewer);
      if (!view) throw new NotFoundError('no such purchase');
      return json(200, view);
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...tableRepositories(), executions: workflowExecutions() });

import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, jsonErrors, NotFoundError, requireStaff } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { workflowExecutions } from '../../shared/lambda/step-functions.js';
import { type PurchaseViewDeps, purchaseView } from '../../shared/usecases/purchase-view.js';

/**
 * GET /purchases/{id}[?auditBefore&deliverablesBefore]: stage, amounts, pending tasks, workflow
 * executions, a page of the uploads and of the audit trail, and the whole trail's verification.
 */
export function createHandler(deps: PurchaseViewDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const viewer = requireStaff(event);
      const view = await purchaseView(
        deps,
        event.pathParameters?.id ?? '',
        viewer,
        event.queryStringParameters ?? {},
      );
      if (!view) throw new NotFoundError('no such purchase');
      return json(200, view);
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...tableRepositories(), executions: workflowExecutions() });

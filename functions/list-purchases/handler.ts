import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, jsonErrors, requireStaff } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type ListPurchasesDeps, listPurchases } from '../../shared/usecases/list-purchases.js';

/**
 * GET /purchases?stage&year&serviceArea&district&ngo&q&sort&cursor&limit: a page of one budget
 * year's purchases as the caller may see them, with the count per stage.
 */
export function createHandler(deps: ListPurchasesDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const viewer = requireStaff(event);
      const page = await listPurchases(deps, { query: event.queryStringParameters ?? {}, viewer });
      return json(200, page);
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ purchases: tableRepositories().purchases, now: systemNow });

import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, jsonErrors, requirePermission } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type NgoTrackRecordDeps, ngoTrackRecord } from '../../shared/usecases/ngo-track-record.js';

/** GET /ngos/{creditCode}: an NGO's evaluations and grades, and whether it is barred and until when. */
export function createHandler(deps: NgoTrackRecordDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      requirePermission(event, 'submitProposal');
      return json(200, await ngoTrackRecord(deps, event.pathParameters?.creditCode ?? ''));
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...tableRepositories(), now: systemNow });

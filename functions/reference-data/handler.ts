import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, jsonErrors, parseJsonBody, requirePermission } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { systemNow } from '../../shared/ports/clock.js';
import {
  editReferenceSection,
  type ReferenceDataDeps,
  referenceDataView,
} from '../../shared/usecases/reference-data.js';

/** What each outcome of an edit answers: the console says it next to the section. */
const STATUS = { CHANGED: 200, STALE: 409, UNKNOWN_SECTION: 404 } as const;

const STALE_MESSAGE =
  '此部分已被他人修改，请重新载入后再编辑。 Someone changed this section since you opened it: reload it and edit again.';

/**
 * GET /reference-data (administrator, auditor): every section, who changed it last, the latest
 * changes. PUT /reference-data/{section} `{"value","version"}` (administrator): saves a section.
 */
export function createHandler(deps: ReferenceDataDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      if (event.requestContext.http.method === 'GET') {
        requirePermission(event, 'viewReferenceData');
        return json(200, await referenceDataView(deps));
      }
      const staff = requirePermission(event, 'editReferenceData');
      const outcome = await editReferenceSection(deps, {
        section: event.pathParameters?.section ?? '',
        body: parseJsonBody(event),
        by: staff.email ?? staff.sub,
      });
      log.info('reference data edit', { outcome: outcome.outcome });
      if (outcome.outcome === 'STALE') return json(409, { ...outcome, message: STALE_MESSAGE });
      return json(STATUS[outcome.outcome], outcome);
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): ReferenceDataDeps {
  const { referenceData, budgets } = tableRepositories();
  return { referenceData, budgets, now: systemNow };
}

export const handler = createHandler(defaultDeps());

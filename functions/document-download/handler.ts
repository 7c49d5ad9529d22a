import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { documentObjects } from '../../shared/lambda/documents-bucket.js';
import { json, jsonErrors, requireStaff } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type DocumentDownloadDeps, documentDownload } from '../../shared/usecases/document-downloads.js';

/**
 * GET /purchases/{id}/documents/{uploadId}: a five-minute link to one upload of the purchase,
 * pinned to the version whose SHA-256 is on record, served as an attachment. Anyone who may see
 * the purchase; 404 for an upload it does not have.
 */
export function createHandler(deps: DocumentDownloadDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const viewer = requireStaff(event);
      const download = await documentDownload(deps, {
        purchaseId: event.pathParameters?.id ?? '',
        uploadId: event.pathParameters?.uploadId ?? '',
        viewer,
      });
      log.info('document link asked', { outcome: download.outcome });
      return json(download.outcome === 'LINK' ? 200 : 404, download);
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): DocumentDownloadDeps {
  const { tasks, deliverables } = tableRepositories();
  return { tasks, deliverables, objects: documentObjects(), now: systemNow };
}

export const handler = createHandler(defaultDeps());

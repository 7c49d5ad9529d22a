import middy from '@middy/core';
import type { ReferenceData, ReferenceSection } from '../../shared/domain/reference-data.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { referenceSeed } from '../../shared/lambda/settings.js';
import { type Now, systemNow } from '../../shared/ports/clock.js';
import type { ReferenceDataRepository } from '../../shared/ports/repositories.js';

/**
 * Run by the deploy (a CDK trigger on AWS, the local runtime after it deploys the tables): writes
 * each reference section the table does not hold yet from the deployment's settings. A section the
 * administrator edited is never overwritten, so deploying again changes nothing.
 */
export function createHandler(deps: {
  referenceData: ReferenceDataRepository;
  seed: () => ReferenceData;
  now: Now;
}) {
  return middy<unknown, { seeded: ReferenceSection[] }>()
    .use(withLogContext())
    .handler(async () => {
      const seeded = await deps.referenceData.seed(deps.seed(), deps.now());
      log.info('reference data seeded', { seeded });
      return { seeded };
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  referenceData: tableRepositories().referenceData,
  seed: referenceSeed,
  now: systemNow,
});

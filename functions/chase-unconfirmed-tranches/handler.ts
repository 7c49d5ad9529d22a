import middy from '@middy/core';
import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { sesMailer, taskLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { paymentPublisher } from '../../shared/lambda/payments-topic.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings, loadReferenceData, policySettings } from '../../shared/lambda/settings.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type ChaseDeps, chaseUnconfirmedTranches } from '../../shared/usecases/payment-reminders.js';

/**
 * Run daily by a schedule: reminds finance of each tranche still unconfirmed past its due date, and
 * later escalates it to the head of the finance section and the bureau director, each once.
 */
export function createHandler(deps: ChaseDeps) {
  return middy()
    .use(withLogContext())
    .handler(async () => {
      const sent = await chaseUnconfirmedTranches(deps);
      if (sent.length > 0) log.info('unconfirmed tranches chased', { sent });
      return {
        reminded: sent.filter((s) => s.chase === 'REMINDER').length,
        escalated: sent.filter((s) => s.chase === 'ESCALATION').length,
      };
    });
}

/** Wired to AWS once per execution environment, at cold start; reads the roster at every invocation. */
function defaultDeps(): ChaseDeps {
  const { purchases, payments } = tableRepositories();
  return {
    purchases,
    payments,
    publisher: paymentPublisher(),
    mailer: sesMailer(),
    policy: policySettings(),
    lifecycle: lifecycleSettings(),
    linkKey: taskLinkKeys(),
    baseUrl: requireEnv(ENV.publicBaseUrl),
    now: systemNow,
  };
}

export const handler = createHandler(defaultDeps()).use(loadReferenceData());

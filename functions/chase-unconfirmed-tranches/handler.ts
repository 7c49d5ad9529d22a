import middy from '@middy/core';
import * as z from 'zod/mini';
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
  return middy<unknown>()
    .use(withLogContext())
    .handler(async (event) => {
      const sent = await chaseUnconfirmedTranches(deps, { scheduledAt: scheduledTimeOf(event) });
      if (sent.length > 0) log.info('unconfirmed tranches chased', { sent });
      return {
        reminded: sent.filter((s) => s.chase === 'REMINDER').length,
        escalated: sent.filter((s) => s.chase === 'ESCALATION').length,
      };
    });
}

/** What the handler reads of EventBridge's scheduled event: the time the rule named. */
const ScheduledEvent = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.iso.datetime(),
});

/**
 * The day chased is the one the schedule named (EventBridge's `time`), not the moment the function
 * happens to run: the same on AWS, and on the local runtime, whose rules fire on the engine's clock,
 * the day that clock has reached. Another invocation (an operator's) chases today.
 */
function scheduledTimeOf(event: unknown): string | undefined {
  const parsed = ScheduledEvent.safeParse(event);
  return parsed.success ? parsed.data.time : undefined;
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

import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { taskLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { BUSINESS_METRICS } from '../../shared/lambda/metric-names.js';
import { countEvent } from '../../shared/lambda/metrics.js';
import { paymentPublisher } from '../../shared/lambda/payments-topic.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings, loadReferenceData, policySettings } from '../../shared/lambda/settings.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { systemNow } from '../../shared/ports/clock.js';
import { notifyPayment, type PaymentDeps } from '../../shared/usecases/payments.js';
import { NotifyPaymentInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: PaymentDeps) {
  return workflowStep(NotifyPaymentInput, async (input) => {
    const payment = await notifyPayment(deps, input);
    // Per run of the step: a Step Functions retry of a run that had succeeded would count twice.
    countEvent(BUSINESS_METRICS.paymentsNotified);
    return { tranche: payment.tranche, status: payment.status };
  });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): PaymentDeps {
  const { purchases, tasks, payments } = tableRepositories();
  return {
    purchases,
    tasks,
    payments,
    publisher: paymentPublisher(),
    policy: policySettings(),
    lifecycle: lifecycleSettings(),
    linkKey: taskLinkKeys(),
    baseUrl: requireEnv(ENV.publicBaseUrl),
    now: systemNow,
  };
}

export const handler = createHandler(defaultDeps()).use(loadReferenceData());

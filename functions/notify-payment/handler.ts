import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { sesMailer, taskLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { BUSINESS_METRICS } from '../../shared/lambda/metric-names.js';
import { countEvent } from '../../shared/lambda/metrics.js';
import { paymentPublisher } from '../../shared/lambda/payments-topic.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings, loadReferenceData, policySettings } from '../../shared/lambda/settings.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type InformNgoDeps, thenInformNgo } from '../../shared/usecases/inform-ngo.js';
import { notifyPayment, type PaymentDeps } from '../../shared/usecases/payments.js';
import { NotifyPaymentInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); the NGO hears the tranche is on its way. */
export function createHandler(deps: PaymentDeps & InformNgoDeps) {
  const notify = thenInformNgo(deps, ['TRANCHE_DUE'], (input: NotifyPaymentInput) =>
    notifyPayment(deps, input),
  );
  return workflowStep(NotifyPaymentInput, async (input) => {
    const payment = await notify(input);
    // Per run of the step: a Step Functions retry of a run that had succeeded would count twice.
    countEvent(BUSINESS_METRICS.paymentsNotified);
    return { tranche: payment.tranche, status: payment.status };
  });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): PaymentDeps & InformNgoDeps {
  const { purchases, tasks, payments } = tableRepositories();
  return {
    purchases,
    tasks,
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

import { requireEnv } from '../../shared/runtime/env.js';
import { lifecycleSettings } from '../../shared/runtime/lifecycle-settings.js';
import { linkKeyProvider } from '../../shared/runtime/mail-and-links.js';
import { policySettings, tableRepositories } from '../../shared/runtime/repositories.js';
import { snsPaymentPublisher } from '../../shared/runtime/sns.js';
import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { notifyPayment } from '../../shared/usecases/payments.js';
import { systemNow } from '../../shared/usecases/ports.js';
import { NotifyPaymentInput } from '../workflow-input.js';

const { purchases, tasks, payments } = tableRepositories();
const deps = {
  purchases,
  tasks,
  payments,
  publisher: snsPaymentPublisher(),
  policy: policySettings(),
  lifecycle: lifecycleSettings(),
  linkKey: linkKeyProvider(),
  baseUrl: requireEnv('PUBLIC_BASE_URL'),
  now: systemNow,
};

export const handler = workflowStep(NotifyPaymentInput, async (input) => {
  const payment = await notifyPayment(deps, input);
  return { tranche: payment.tranche, status: payment.status };
});

import { SNSClient } from '@aws-sdk/client-sns';
import { createSnsPaymentPublisher } from '../adapters/sns-payment-publisher.js';
import type { PaymentPublisher } from '../ports/payment-publisher.js';
import { ENV, requireEnv } from './environment.js';

let publisher: PaymentPublisher | undefined;

/** Finance notifications on the payments topic; one SNS client per execution environment. */
export function paymentPublisher(): PaymentPublisher {
  publisher ??= createSnsPaymentPublisher({
    client: new SNSClient({}),
    topicArn: requireEnv(ENV.paymentsTopicArn),
  });
  return publisher;
}

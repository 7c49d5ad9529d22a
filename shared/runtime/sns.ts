import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { PaymentPublisher } from '../usecases/payments.js';
import { requireEnv } from './env.js';

let client: SNSClient | undefined;

/** Finance notifications on the payments topic; attributes let subscribers filter by tranche. */
export function snsPaymentPublisher(): PaymentPublisher {
  return {
    async publish({ subject, message, attributes }) {
      client ??= new SNSClient({});
      await client.send(
        new PublishCommand({
          TopicArn: requireEnv('PAYMENTS_TOPIC_ARN'),
          Subject: subject,
          Message: message,
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
      );
    },
  };
}

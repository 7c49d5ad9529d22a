import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PaymentPublisher } from '../ports/payment-publisher.js';

export interface SnsPaymentPublisherOptions {
  client: SNSClient;
  topicArn: string;
}

/** Finance notifications on the payments topic; attributes let subscribers filter by tranche. */
export function createSnsPaymentPublisher({
  client,
  topicArn,
}: SnsPaymentPublisherOptions): PaymentPublisher {
  return {
    async publish({ subject, message, attributes }) {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
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

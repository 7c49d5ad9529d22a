import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalTopic } from '../../../infra/local/assembly/model.js';
import {
  messageAttributesOf,
  PLACEHOLDER_SUBSCRIBER,
  snsToMailbox,
  TopicNotFoundError,
} from '../../../infra/local/services/mail.js';

const ses = mockClient(SESv2Client);

const payments: LocalTopic = {
  stackName: 'App',
  logicalId: 'Payments',
  name: 'Payments',
  arn: 'arn:aws:sns:us-east-1:000000000000:Payments',
  emailSubscribers: ['clerk@example.org', 'director@example.org', 'audit@example.org'],
  subscriptions: [
    { protocol: 'email', endpoint: 'clerk@example.org' },
    {
      protocol: 'email',
      endpoint: 'director@example.org',
      filterPolicy: { amountFen: [{ numeric: ['>=', 1_000_000] }] },
    },
    { protocol: 'email-json', endpoint: 'audit@example.org', filterPolicy: { tranche: ['FINAL'] } },
  ],
};
const silent: LocalTopic = {
  ...payments,
  name: 'Silent',
  arn: `${payments.arn}-silent`,
  emailSubscribers: [],
  subscriptions: [],
};

/** Who got which mail, in order. */
function mails() {
  return ses.commandCalls(SendEmailCommand).map(({ args: [command] }) => ({
    to: command.input.Destination?.ToAddresses,
    subject: command.input.Content?.Simple?.Subject?.Data,
    body: command.input.Content?.Simple?.Body?.Text?.Data,
  }));
}

/** Publish parameters as the SDK's query protocol sends them (what a function's PublishCommand becomes). */
const queryPublish = (attributes: [string, string, string][]) => ({
  Action: 'Publish',
  TopicArn: payments.arn,
  Subject: 'Tranche 1 due',
  Message: 'Pay ¥120,000.00 to Sunrise Elderly Care by 2025-05-01',
  ...Object.fromEntries(
    attributes.flatMap(([name, type, value], i) => [
      [`MessageAttributes.entry.${i + 1}.Name`, name],
      [`MessageAttributes.entry.${i + 1}.Value.DataType`, type],
      [`MessageAttributes.entry.${i + 1}.Value.StringValue`, value],
    ]),
  ),
});

describe('SNS publish into the local mailbox', () => {
  const publish = snsToMailbox('http://127.0.0.1:1', [payments, silent]);
  beforeEach(() => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
  });

  it('mails each subscriber separately, the message text as body, when its filter policy passes', async () => {
    const { MessageId } = await publish(
      queryPublish([
        ['amountFen', 'Number', '12000000'],
        ['tranche', 'String', 'FIRST'],
      ]),
    );
    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(mails()).toEqual([
      {
        to: ['clerk@example.org'],
        subject: 'Tranche 1 due',
        body: 'Pay ¥120,000.00 to Sunrise Elderly Care by 2025-05-01',
      },
      {
        to: ['director@example.org'],
        subject: 'Tranche 1 due',
        body: 'Pay ¥120,000.00 to Sunrise Elderly Care by 2025-05-01',
      },
    ]);
  });

  it('skips a subscriber whose filter policy the attributes fail, and mails email-json subscribers the notification', async () => {
    await publish(
      queryPublish([
        ['amountFen', 'Number', '500'],
        ['tranche', 'String', 'FINAL'],
      ]),
    );
    const sent = mails();
    expect(sent.map((m) => m.to)).toEqual([['clerk@example.org'], ['audit@example.org']]);
    expect(JSON.parse(String(sent[1]?.body))).toEqual(
      expect.objectContaining({
        Type: 'Notification',
        TopicArn: payments.arn,
        Subject: 'Tranche 1 due',
        Message: 'Pay ¥120,000.00 to Sunrise Elderly Care by 2025-05-01',
        MessageAttributes: {
          amountFen: { Type: 'Number', Value: '500' },
          tranche: { Type: 'String', Value: 'FINAL' },
        },
      }),
    );
  });

  it('a message without attributes reaches only subscribers without a filter policy', async () => {
    await publish({ TopicArn: payments.arn, Message: 'hello' });
    expect(mails()).toEqual([
      { to: ['clerk@example.org'], subject: 'AWS Notification Message', body: 'hello' },
    ]);
  });

  it("with MessageStructure 'json' mails the email entry, else the default one", async () => {
    await publish({
      TopicArn: payments.arn,
      MessageStructure: 'json',
      Message: JSON.stringify({ default: 'plain', email: 'for e-mail' }),
    });
    expect(mails().map((m) => m.body)).toEqual(['for e-mail']);
  });

  it('mails a topic without subscribers to the placeholder address, and refuses an unknown topic', async () => {
    await publish({ TopicArn: silent.arn, Message: { amountFen: 1 } });
    expect(mails()).toEqual([
      { to: [PLACEHOLDER_SUBSCRIBER], subject: 'AWS Notification Message', body: '{"amountFen":1}' },
    ]);
    await expect(
      publish({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:Nope', Message: 'x' }),
    ).rejects.toThrow(TopicNotFoundError);
  });

  it('reads message attributes in the JSON shape as they are', () => {
    const attributes = { tranche: { DataType: 'String', StringValue: 'FIRST' } };
    expect(messageAttributesOf({ MessageAttributes: attributes })).toBe(attributes);
    expect(messageAttributesOf(queryPublish([['tranche', 'String', 'FIRST']]))).toEqual(attributes);
  });
});

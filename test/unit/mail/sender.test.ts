import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSesMailer, MailAddressError } from '../../../shared/adapters/ses-mailer.js';

const ses = mockClient(SESv2Client);
const from = 'purchases@civil-affairs.example.gov.cn';
const message = {
  to: 'section-chief@civil-affairs.example.gov.cn',
  subject: '【请审批 Approval request】项目',
  html: '<p>请审批</p>',
  text: '请审批\n',
};

describe('createSesMailer', () => {
  beforeEach(() => {
    ses.reset();
  });

  it('sends one simple message with UTF-8 subject, HTML and text parts from the configured sender', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'msg-1' });
    const mailer = createSesMailer({ client: new SESv2Client({}), from });

    const result = await mailer.send(message);

    expect(result).toEqual({ messageId: 'msg-1' });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: from,
      Destination: { ToAddresses: ['section-chief@civil-affairs.example.gov.cn'] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: message.html, Charset: 'UTF-8' },
            Text: { Data: message.text, Charset: 'UTF-8' },
          },
        },
      },
    });
  });

  it('addresses every recipient of a list', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'msg-2' });
    const mailer = createSesMailer({ client: new SESv2Client({}), from });

    await mailer.send({ ...message, to: ['a@example.gov.cn', 'b@example.gov.cn'] });

    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      Destination: { ToAddresses: ['a@example.gov.cn', 'b@example.gov.cn'] },
    });
  });

  it('refuses a message without recipients and sends nothing', async () => {
    const mailer = createSesMailer({ client: new SESv2Client({}), from });

    await expect(mailer.send({ ...message, to: [] })).rejects.toThrow(MailAddressError);
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
  });

  it('lets an SES failure reach the caller so the step is retried', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('Daily message quota exceeded'), { name: 'LimitExceededException' }));
    const mailer = createSesMailer({ client: new SESv2Client({}), from });

    await expect(mailer.send(message)).rejects.toMatchObject({ name: 'LimitExceededException' });
  });
});

import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../ports/mailer.js';

export interface SesMailerOptions {
  client: SESv2Client;
  /** Sender address; a verified SES identity. */
  from: string;
}

export class MailAddressError extends Error {
  override name = 'MailAddressError';
}

const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });

/** Sends through SES v2 as a simple (SES-assembled) message with HTML and text parts. */
export function createSesMailer({ client, from }: SesMailerOptions): Mailer {
  return {
    async send({ to, subject, html, text }) {
      const toAddresses = typeof to === 'string' ? [to] : [...to];
      if (toAddresses.length === 0) throw new MailAddressError('an e-mail needs at least one recipient');
      const out = await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: toAddresses },
          Content: {
            Simple: {
              Subject: utf8(subject),
              Body: { Html: utf8(html), Text: utf8(text) },
            },
          },
        }),
      );
      return { messageId: out.MessageId };
    },
  };
}

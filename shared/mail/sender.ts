import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

export interface MailMessage {
  to: string | readonly string[];
  subject: string;
  html: string;
  text: string;
}

/** Port for sending one e-mail; use cases depend on this, not on SES. */
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string | undefined }>;
}

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

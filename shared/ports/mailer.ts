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

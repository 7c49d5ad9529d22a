import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createLinkKeyProvider, type LinkKeyProvider } from '../links/link-key.js';
import { createSesMailer, type Mailer } from '../mail/sender.js';
import { requireEnv } from './env.js';

let linkKey: LinkKeyProvider | undefined;

/** The link-signing key from Secrets Manager, fetched once per execution environment. */
export function linkKeyProvider(): LinkKeyProvider {
  linkKey ??= createLinkKeyProvider({
    client: new SecretsManagerClient({}),
    secretId: requireEnv('LINK_KEY_SECRET_ARN'),
  });
  return linkKey;
}

let mailer: Mailer | undefined;

export function sesMailer(): Mailer {
  mailer ??= createSesMailer({ client: new SESv2Client({}), from: requireEnv('MAIL_FROM') });
  return mailer;
}

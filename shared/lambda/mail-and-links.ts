import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createLinkKeyProvider } from '../adapters/secrets-manager-link-key.js';
import { createSesMailer } from '../adapters/ses-mailer.js';
import type { LinkKeyProvider } from '../ports/link-key.js';
import type { Mailer } from '../ports/mailer.js';
import { ENV, requireEnv } from './environment.js';

let linkKey: LinkKeyProvider | undefined;

/** The link-signing key from Secrets Manager, fetched once per execution environment. */
export function linkKeyProvider(): LinkKeyProvider {
  linkKey ??= createLinkKeyProvider({
    client: new SecretsManagerClient({}),
    secretId: requireEnv(ENV.linkKeySecretArn),
  });
  return linkKey;
}

let mailer: Mailer | undefined;

export function sesMailer(): Mailer {
  mailer ??= createSesMailer({ client: new SESv2Client({}), from: requireEnv(ENV.mailFrom) });
  return mailer;
}

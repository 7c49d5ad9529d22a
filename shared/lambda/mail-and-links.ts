import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createLinkKeyProvider } from '../adapters/secrets-manager-link-key.js';
import { createSesMailer } from '../adapters/ses-mailer.js';
import type { LinkKeyProvider } from '../ports/link-key.js';
import type { Mailer } from '../ports/mailer.js';
import { ENV, type EnvName, requireEnv } from './environment.js';

let secretsManager: SecretsManagerClient | undefined;
const linkKeys = new Map<EnvName, LinkKeyProvider>();

function linkKeysIn(secretArn: EnvName): LinkKeyProvider {
  let provider = linkKeys.get(secretArn);
  if (!provider) {
    secretsManager ??= new SecretsManagerClient({});
    provider = createLinkKeyProvider({ client: secretsManager, secretId: requireEnv(secretArn) });
    linkKeys.set(secretArn, provider);
  }
  return provider;
}

/** The task links' keys, from the secret TASK_LINK_KEYS_SECRET_ARN names (granted to functions that sign or check task links). */
export function taskLinkKeys(): LinkKeyProvider {
  return linkKeysIn(ENV.taskLinkKeysSecretArn);
}

/** The NGO page links' keys, from the secret NGO_LINK_KEYS_SECRET_ARN names (granted to the NGO page and the upload request only). */
export function ngoLinkKeys(): LinkKeyProvider {
  return linkKeysIn(ENV.ngoLinkKeysSecretArn);
}

let mailer: Mailer | undefined;

export function sesMailer(): Mailer {
  mailer ??= createSesMailer({ client: new SESv2Client({}), from: requireEnv(ENV.mailFrom) });
  return mailer;
}

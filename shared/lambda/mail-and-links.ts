import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createLinkKeyProvider, createLinkKeyStore } from '../adapters/secrets-manager-link-key.js';
import { createSesMailer } from '../adapters/ses-mailer.js';
import type { LinkKeyProvider, LinkKeyStore } from '../ports/link-key.js';
import type { Mailer } from '../ports/mailer.js';
import { ENV, type EnvName, requireEnv } from './environment.js';

let secretsManager: SecretsManagerClient | undefined;
const linkKeys = new Map<EnvName, LinkKeyProvider>();

function secretsManagerClient(): SecretsManagerClient {
  secretsManager ??= new SecretsManagerClient({});
  return secretsManager;
}

function linkKeysIn(secretArn: EnvName): LinkKeyProvider {
  let provider = linkKeys.get(secretArn);
  if (!provider) {
    provider = createLinkKeyProvider({ client: secretsManagerClient(), secretId: requireEnv(secretArn) });
    linkKeys.set(secretArn, provider);
  }
  return provider;
}

/** The task links' keys, from the secret TASK_LINK_KEYS_SECRET_ARN names (granted to functions that sign or check task links). */
export function taskLinkKeys(): LinkKeyProvider {
  return linkKeysIn(ENV.taskLinkKeysSecretArn);
}

/** The NGO page links' keys, from the secret NGO_LINK_KEYS_SECRET_ARN names (granted to the functions that mail or open NGO page links). */
export function ngoLinkKeys(): LinkKeyProvider {
  return linkKeysIn(ENV.ngoLinkKeysSecretArn);
}

/** Both secrets, to rotate the keys in them (the RotateLinkKeys function only). */
export function linkKeyStore(): LinkKeyStore {
  return createLinkKeyStore({
    client: secretsManagerClient(),
    secretIds: { task: requireEnv(ENV.taskLinkKeysSecretArn), ngo: requireEnv(ENV.ngoLinkKeysSecretArn) },
  });
}

let mailer: Mailer | undefined;

export function sesMailer(): Mailer {
  mailer ??= createSesMailer({ client: new SESv2Client({}), from: requireEnv(ENV.mailFrom) });
  return mailer;
}

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLinkKeyProvider } from '../../../shared/adapters/secrets-manager-link-key.js';
import { LinkKeyError } from '../../../shared/links/signing.js';

const secretsManager = mockClient(SecretsManagerClient);
const secretId = 'arn:aws:secretsmanager:cn-north-1:123456789012:secret:link-key-AbCdEf';
const generated = 'Zq7xP2mW9rT4vK8sL1nB6cH3jD5fG0yU';

describe('createLinkKeyProvider', () => {
  beforeEach(() => {
    secretsManager.reset();
  });

  it('returns the UTF-8 bytes of the secret string', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: generated });
    const getKey = createLinkKeyProvider({ client: new SecretsManagerClient({}), secretId });

    const key = await getKey();

    expect(key.equals(Buffer.from(generated, 'utf8'))).toBe(true);
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: secretId });
  });

  it('fetches the secret once and serves later and concurrent calls from the cache', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: generated });
    const getKey = createLinkKeyProvider({ client: new SecretsManagerClient({}), secretId });

    const [a, b] = await Promise.all([getKey(), getKey()]);
    const c = await getKey();

    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(a.equals(generatedBytes())).toBe(true);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('tries again on the next call after a failed read instead of caching the failure', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: generated });
    const getKey = createLinkKeyProvider({ client: new SecretsManagerClient({}), secretId });

    await expect(getKey()).rejects.toThrow('throttled');
    const key = await getKey();

    expect(key.equals(generatedBytes())).toBe(true);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('refuses a secret without a SecretString', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array(32) });
    const getKey = createLinkKeyProvider({ client: new SecretsManagerClient({}), secretId });

    await expect(getKey()).rejects.toThrow(LinkKeyError);
  });

  it('refuses a secret shorter than 32 bytes', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'short-secret' });
    const getKey = createLinkKeyProvider({ client: new SecretsManagerClient({}), secretId });

    await expect(getKey()).rejects.toThrow(/at least 32/);
  });
});

function generatedBytes(): Buffer {
  return Buffer.from(generated, 'utf8');
}

import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createLinkKeyProvider,
  createLinkKeyStore,
} from '../../../shared/adapters/secrets-manager-link-key.js';
import { LinkKeyError, retireOldLinkKeys, rotateLinkKeyring } from '../../../shared/links/link-keyring.js';

const secretsManager = mockClient(SecretsManagerClient);
const secretId = 'arn:aws:secretsmanager:cn-north-1:123456789012:secret:link-key-AbCdEf';
const generated = 'Zq7xP2mW9rT4vK8sL1nB6cH3jD5fG0yU';
const rotated = rotateLinkKeyring(generated, 'n'.repeat(48)).secretString;

/** A provider over the mocked client with a clock the test moves. */
function provider() {
  const clock = { ms: 1_000_000 };
  const getKeys = createLinkKeyProvider({
    client: new SecretsManagerClient({}),
    secretId,
    maxAgeMs: 600_000,
    minRefreshMs: 1_000,
    clock: () => clock.ms,
  });
  return { getKeys, clock };
}

describe('createLinkKeyProvider', () => {
  beforeEach(() => {
    secretsManager.reset();
  });

  it('reads a generated secret as the keyring of one key, k0, the UTF-8 bytes of the string', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: generated });

    const keyring = await provider().getKeys();

    expect(keyring.currentId).toBe('k0');
    expect(keyring.keys.get('k0')?.equals(Buffer.from(generated, 'utf8'))).toBe(true);
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: secretId });
  });

  it('reads a rotated secret with every key and the current one', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: rotated });

    const keyring = await provider().getKeys();

    expect(keyring.currentId).toBe('k1');
    expect([...keyring.keys.keys()]).toEqual(['k0', 'k1']);
  });

  it('reads the secret once and serves later and concurrent calls from what it read', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: generated });
    const { getKeys } = provider();

    const [a, b] = await Promise.all([getKeys(), getKeys('k0')]);
    const c = await getKeys();

    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('reads again once the keyring is older than its maximum age, so a warm function signs with a new key', async () => {
    secretsManager.on(GetSecretValueCommand).resolvesOnce({ SecretString: generated }).resolves({
      SecretString: rotated,
    });
    const { getKeys, clock } = provider();

    expect((await getKeys()).currentId).toBe('k0');
    clock.ms += 599_999;
    expect((await getKeys()).currentId).toBe('k0');
    clock.ms += 1;
    expect((await getKeys()).currentId).toBe('k1');
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('reads again when asked for a key id it does not hold, so a link signed after a rotation verifies at once', async () => {
    secretsManager.on(GetSecretValueCommand).resolvesOnce({ SecretString: generated }).resolves({
      SecretString: rotated,
    });
    const { getKeys, clock } = provider();
    await getKeys();
    clock.ms += 1_000;

    const keyring = await getKeys('k1');

    expect(keyring.keys.has('k1')).toBe(true);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('does not read again for an id older than every key it holds (a retired key, or a made-up one)', async () => {
    const onlyK2 = retireOldLinkKeys(rotateLinkKeyring(rotated).secretString).secretString;
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: onlyK2 });
    const { getKeys, clock } = provider();
    expect([...(await getKeys()).keys.keys()]).toEqual(['k2']);
    clock.ms += 60_000;

    await getKeys('k0');
    await getKeys('x9');

    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('reads for newer key ids at most once per minimum interval, however many forged ids arrive', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: generated });
    const { getKeys, clock } = provider();
    await getKeys();

    for (let i = 0; i < 50; i++) {
      clock.ms += 10;
      await getKeys(`k${i + 5}`);
    }

    // Half a second of forged ids: none past the 1 s interval yet, so no read beyond the first.
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    clock.ms += 500;
    await getKeys('k99');
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('tries again on the next call after a failed read instead of keeping the failure', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: generated });
    const { getKeys } = provider();

    await expect(getKeys()).rejects.toThrow('throttled');
    const keyring = await getKeys();

    expect(keyring.currentId).toBe('k0');
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('refuses a secret without a SecretString', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array(32) });

    await expect(provider().getKeys()).rejects.toThrow(LinkKeyError);
  });

  it('refuses a secret shorter than 32 bytes', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'short-secret' });

    await expect(provider().getKeys()).rejects.toThrow(/at least 32/);
  });
});

describe('createLinkKeyStore', () => {
  beforeEach(() => {
    secretsManager.reset();
  });

  it('reads and writes the secret of the kind asked for, whole', async () => {
    const secretIds = { task: 'arn:task-keys', ngo: 'arn:ngo-keys' };
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'arn:ngo-keys' })
      .resolves({ SecretString: generated });
    secretsManager.on(PutSecretValueCommand).resolves({});
    const store = createLinkKeyStore({ client: new SecretsManagerClient({}), secretIds });

    expect(await store.read('ngo')).toBe(generated);
    await store.write('task', rotated);

    expect(secretsManager).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: 'arn:task-keys',
      SecretString: rotated,
    });
  });
});

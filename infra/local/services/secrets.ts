import { randomInt, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { GenerateSecretString, LocalSecret } from '../assembly/model.js';
import { sdkAppIdOfRequest } from './aws-front.js';
import type { LocalAuthorizer } from './local-iam.js';
import { listenOnLoopback } from './loopback-server.js';

/**
 * Answers the Secrets Manager calls the functions make (AWS JSON 1.1), with values generated once per
 * data folder following each secret's GenerateSecretString, and kept in `<dataDir>/secrets.json`.
 * PutSecretValue (a link-key rotation) replaces a value there: the new version is AWSCURRENT, and
 * the runtime keeps no earlier one (nothing here reads AWSPREVIOUS).
 */

const SECRETS_FILE = 'secrets.json';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

export class SecretGenerationError extends Error {
  override name = 'SecretGenerationError';
}

interface StoredSecret {
  readonly name: string;
  readonly secretString: string;
  readonly versionId: string;
  readonly createdDate: number;
}

/** A random password as Secrets Manager generates one: 32 characters of every class unless told otherwise. */
export function generatePassword(settings: GenerateSecretString = {}): string {
  const excluded = new Set(settings.ExcludeCharacters ?? '');
  const keep = (chars: string) => [...chars].filter((c) => !excluded.has(c)).join('');
  const classes = [
    settings.ExcludeLowercase ? '' : keep(LOWER),
    settings.ExcludeUppercase ? '' : keep(UPPER),
    settings.ExcludeNumbers ? '' : keep(DIGITS),
    settings.ExcludePunctuation ? '' : keep(PUNCTUATION),
    settings.IncludeSpace ? keep(' ') : '',
  ].filter((c) => c.length > 0);
  const alphabet = classes.join('');
  const length = settings.PasswordLength ?? 32;
  if (alphabet.length === 0) throw new SecretGenerationError('every character is excluded');
  const requireEach = settings.RequireEachIncludedType ?? true;
  if (requireEach && length < classes.length) {
    throw new SecretGenerationError(
      `a ${length}-character password cannot include all ${classes.length} types`,
    );
  }
  for (;;) {
    const password = Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
    if (!requireEach || classes.every((c) => [...password].some((ch) => c.includes(ch)))) return password;
  }
}

/** The secret's value: the template's literal, or a generated password (inside its JSON template if any). */
export function generateSecretValue(secret: LocalSecret): string {
  if (secret.secretString !== undefined) return secret.secretString;
  const settings = secret.generate ?? {};
  const password = generatePassword(settings);
  if (settings.SecretStringTemplate && settings.GenerateStringKey) {
    const template = JSON.parse(settings.SecretStringTemplate) as Record<string, unknown>;
    return JSON.stringify({ ...template, [settings.GenerateStringKey]: password });
  }
  return password;
}

export interface SecretsService {
  readonly url: string;
  /** ARN -> value, for tests and tools. */
  readonly values: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

function loadOrGenerate(dataDir: string, secrets: readonly LocalSecret[]): Map<string, StoredSecret> {
  const file = join(dataDir, SECRETS_FILE);
  const stored: Record<string, StoredSecret> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, StoredSecret>)
    : {};
  let changed = false;
  for (const secret of secrets) {
    if (stored[secret.arn]) continue;
    stored[secret.arn] = {
      name: secret.name,
      secretString: generateSecretValue(secret),
      versionId: randomUUID(),
      createdDate: Math.floor(Date.now() / 1000),
    };
    changed = true;
  }
  const known = new Map(Object.entries(stored));
  if (changed) save(dataDir, known);
  return known;
}

function save(dataDir: string, known: ReadonlyMap<string, StoredSecret>): void {
  const file = join(dataDir, SECRETS_FILE);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(Object.fromEntries(known), null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

const SERVED = new Set(['GetSecretValue', 'DescribeSecret', 'PutSecretValue']);

export async function startSecretsService(options: {
  readonly dataDir: string;
  readonly secrets: readonly LocalSecret[];
  readonly port?: number;
  /** Holds each calling function to its role (local-iam.ts); without it every call is allowed. */
  readonly authorize?: LocalAuthorizer;
}): Promise<SecretsService> {
  const known = loadOrGenerate(options.dataDir, options.secrets);
  // SecretId may be the full ARN, the ARN without its random suffix, or the name.
  const find = (secretId: string): [string, StoredSecret] | undefined => {
    for (const [arn, secret] of known) {
      if (secretId === arn || secretId === secret.name || arn.startsWith(`${secretId}-`))
        return [arn, secret];
    }
    return undefined;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() =>
      reply(res, 500, { __type: 'InternalServiceError', message: 'internal error' }),
    );
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^secretsmanager\./, '');
    let input: { SecretId?: string; SecretString?: unknown };
    try {
      input = JSON.parse((await readAll(req)) || '{}') as { SecretId?: string; SecretString?: unknown };
    } catch {
      return reply(res, 400, { __type: 'SerializationException', message: 'invalid JSON' });
    }
    if (!SERVED.has(operation)) {
      return reply(res, 400, {
        __type: 'UnknownOperationException',
        message: `${target} is not served locally`,
      });
    }
    const found = input.SecretId ? find(input.SecretId) : undefined;
    if (!found) {
      return reply(res, 400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    const [arn, secret] = found;
    const denied = options.authorize?.(sdkAppIdOfRequest(req), [
      { action: `secretsmanager:${operation}`, resource: arn },
    ]);
    if (denied) return reply(res, 400, { __type: 'AccessDeniedException', message: denied });
    const common = { ARN: arn, Name: secret.name, CreatedDate: secret.createdDate };
    if (operation === 'PutSecretValue') {
      if (typeof input.SecretString !== 'string' || input.SecretString.length === 0)
        return reply(res, 400, {
          __type: 'InvalidParameterException',
          message: 'PutSecretValue needs a SecretString (SecretBinary is not served locally)',
        });
      const versionId = randomUUID();
      known.set(arn, { ...secret, secretString: input.SecretString, versionId });
      save(options.dataDir, known);
      return reply(res, 200, {
        ARN: arn,
        Name: secret.name,
        VersionId: versionId,
        VersionStages: ['AWSCURRENT'],
      });
    }
    if (operation === 'DescribeSecret') {
      return reply(res, 200, { ...common, VersionIdsToStages: { [secret.versionId]: ['AWSCURRENT'] } });
    }
    return reply(res, 200, {
      ...common,
      VersionId: secret.versionId,
      SecretString: secret.secretString,
      VersionStages: ['AWSCURRENT'],
    });
  };

  const listening = await listenOnLoopback(server, options.port);
  return {
    ...listening,
    get values() {
      return new Map([...known].map(([arn, s]) => [arn, s.secretString]));
    },
  };
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { checkCredential, SIGV4_ALGORITHM, signingKey } from './request-signature.js';

/**
 * Verifies a browser-based upload (S3 POST Object with a Signature Version 4 POST policy) the way S3
 * does, for the local storage, which checks neither signatures nor policies: the algorithm, the
 * credential and its scope, the signature over the base64 policy, the expiration, every condition
 * against the posted form fields and the real file size, and that no field is left uncovered.
 * Refusals carry S3's status, error code and message.
 */

export interface PostPolicyCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface VerifyPostPolicyInput {
  /** Form fields posted before the file, names as posted (S3 matches names case-insensitively). */
  readonly fields: Readonly<Record<string, string>>;
  /** Size in bytes of the uploaded file. */
  readonly fileSize: number;
  /** File name of the uploaded part, substituted for `${filename}` in the key. */
  readonly fileName?: string;
  /** The bucket the form is posted to (from the URL). */
  readonly bucket: string;
  readonly now: Date;
  /** The only credentials this storage knows. */
  readonly credentials: PostPolicyCredentials;
  readonly region: string;
}

export type PostPolicyErrorCode =
  | 'AccessDenied'
  | 'AuthorizationQueryParametersError'
  | 'EntityTooLarge'
  | 'EntityTooSmall'
  | 'InvalidAccessKeyId'
  | 'InvalidArgument'
  | 'InvalidPolicyDocument'
  | 'InvalidToken'
  | 'KeyTooLongError'
  | 'SignatureDoesNotMatch';

export type PostPolicyVerdict =
  | { readonly ok: true; readonly key: string; readonly contentType: string }
  | {
      readonly ok: false;
      readonly status: 400 | 403;
      readonly code: PostPolicyErrorCode;
      readonly message: string;
    };

export const POST_ALGORITHM = SIGV4_ALGORITHM;
/** What S3 stores when the form names no Content-Type. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const MAX_KEY_BYTES = 1024;
/** S3 replaces it in the key with the uploaded file's name. */
const FILENAME_PLACEHOLDER = '$' + '{filename}';
/** Fields S3 does not require a condition for. */
const EXEMPT_FIELDS = new Set(['x-amz-signature', 'file', 'policy']);

type Refusal = Extract<PostPolicyVerdict, { ok: false }>;

const refuse = (status: 400 | 403, code: PostPolicyErrorCode, message: string): Refusal => ({
  ok: false,
  status,
  code,
  message,
});
const missingField = (name: string) =>
  refuse(
    400,
    'InvalidArgument',
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
  );
const policyInvalid = (detail: string) => refuse(400, 'InvalidPolicyDocument', `Invalid Policy: ${detail}`);
const policyViolated = (detail: string) =>
  refuse(403, 'AccessDenied', `Invalid according to Policy: ${detail}`);

type Condition =
  | {
      readonly kind: 'eq' | 'starts-with';
      readonly field: string;
      readonly value: string;
      readonly text: string;
    }
  | { readonly kind: 'content-length-range'; readonly min: number; readonly max: number };

export function verifyPostPolicy(input: VerifyPostPolicyInput): PostPolicyVerdict {
  const fields = new Map<string, { name: string; value: string }>();
  for (const [name, value] of Object.entries(input.fields)) {
    if (!fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), { name, value });
  }
  const field = (name: string) => fields.get(name)?.value;

  const rawKey = field('key');
  if (rawKey === undefined) return missingField('key');
  const policyBase64 = field('policy');
  // The app's buckets are private: an unsigned (anonymous) POST is never allowed.
  if (policyBase64 === undefined) return refuse(403, 'AccessDenied', 'Access Denied');
  const algorithm = field('x-amz-algorithm');
  if (algorithm === undefined) return missingField('x-amz-algorithm');
  if (algorithm !== POST_ALGORITHM) {
    return refuse(
      400,
      'InvalidArgument',
      `The algorithm ${algorithm} is not supported; only ${POST_ALGORITHM} is (Signature Version 4).`,
    );
  }
  for (const name of ['x-amz-credential', 'x-amz-date', 'x-amz-signature']) {
    if (field(name) === undefined) return missingField(name);
  }

  const scope = checkCredential(
    String(field('x-amz-credential')),
    input,
    'AuthorizationQueryParametersError',
  );
  if (!scope.ok) return scope;
  if (field('x-amz-security-token') !== undefined) {
    return refuse(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
  }

  const expected = createHmac(
    'sha256',
    signingKey(input.credentials.secretAccessKey, scope.date, input.region),
  )
    .update(policyBase64, 'utf8')
    .digest();
  const provided = Buffer.from(String(field('x-amz-signature')), 'hex');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    return refuse(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }

  const policy = parsePolicy(policyBase64);
  if ('ok' in policy) return policy;
  if (input.now.getTime() > policy.expiration.getTime()) return policyViolated('Policy expired.');

  const key = input.fileName === undefined ? rawKey : rawKey.replaceAll(FILENAME_PLACEHOLDER, input.fileName);
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    return refuse(400, 'KeyTooLongError', 'Your key is too long');
  }
  // Conditions see the key as it will be stored, and the bucket the form was posted to.
  const postedValue = (name: string): string => {
    if (name === 'bucket') return input.bucket;
    if (name === 'key') return key;
    return field(name) ?? '';
  };

  const covered = new Set<string>();
  const sizeRanges: { min: number; max: number }[] = [];
  for (const condition of policy.conditions) {
    if (condition.kind === 'content-length-range') {
      sizeRanges.push(condition);
      continue;
    }
    covered.add(condition.field);
    if (!satisfies(condition, postedValue(condition.field))) {
      return policyViolated(`Policy Condition failed: ${condition.text}`);
    }
  }

  const extra = [...fields.entries()]
    .filter(([name]) => !EXEMPT_FIELDS.has(name) && !name.startsWith('x-ignore-') && !covered.has(name))
    .map(([, f]) => f.name);
  if (extra.length > 0) return policyViolated(`Extra input fields: ${extra.join(', ')}`);

  for (const range of sizeRanges) {
    if (input.fileSize > range.max) {
      return refuse(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    }
    if (input.fileSize < range.min) {
      return refuse(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
    }
  }

  return { ok: true, key, contentType: field('content-type') ?? DEFAULT_CONTENT_TYPE };
}

function parsePolicy(policyBase64: string): { expiration: Date; conditions: Condition[] } | Refusal {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(policyBase64, 'base64').toString('utf8'));
  } catch {
    return policyInvalid('Invalid JSON.');
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return policyInvalid('Invalid JSON.');
  }
  const { expiration, conditions } = document as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) return policyInvalid('Policy missing expiration.');
  const expires = typeof expiration === 'string' ? new Date(expiration) : new Date(Number.NaN);
  if (Number.isNaN(expires.getTime())) {
    return policyInvalid(`Invalid 'expiration' value: '${String(expiration)}'`);
  }
  if (!Array.isArray(conditions)) return policyInvalid('Policy missing conditions.');
  const parsed: Condition[] = [];
  for (const raw of conditions) {
    const condition = parseCondition(raw);
    if (!condition) return policyInvalid(`Invalid Condition: ${JSON.stringify(raw)}`);
    parsed.push(...condition);
  }
  return { expiration: expires, conditions: parsed };
}

/** S3 writes a failed condition as `["eq", "$key", "value"]`, also for the object form. */
function conditionText(op: string, field: string, value: string): string {
  return `[${[op, `$${field}`, value].map((s) => JSON.stringify(s)).join(', ')}]`;
}

function parseCondition(raw: unknown): Condition[] | undefined {
  if (Array.isArray(raw)) {
    const [op, first, second] = raw as unknown[];
    if (raw.length !== 3 || typeof op !== 'string') return undefined;
    const operator = op.toLowerCase();
    if (operator === 'content-length-range') {
      const min = sizeBound(first);
      const max = sizeBound(second);
      return min === undefined || max === undefined
        ? undefined
        : [{ kind: 'content-length-range', min, max }];
    }
    if (
      (operator === 'eq' || operator === 'starts-with') &&
      typeof first === 'string' &&
      first.startsWith('$')
    ) {
      if (typeof second !== 'string') return undefined;
      const field = first.slice(1);
      return [
        { kind: operator, field: field.toLowerCase(), value: second, text: conditionText(op, field, second) },
      ];
    }
    return undefined;
  }
  if (raw !== null && typeof raw === 'object') {
    const entries = Object.entries(raw as Record<string, unknown>);
    if (entries.length === 0) return undefined;
    const parsed: Condition[] = [];
    for (const [field, value] of entries) {
      if (typeof value !== 'string') return undefined;
      parsed.push({ kind: 'eq', field: field.toLowerCase(), value, text: conditionText('eq', field, value) });
    }
    return parsed;
  }
  return undefined;
}

function sizeBound(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function satisfies(condition: Extract<Condition, { field: string }>, actual: string): boolean {
  if (condition.kind === 'eq') return actual === condition.value;
  // A list of content types passes only if each of them starts with the prefix.
  if (condition.field === 'content-type' && actual.includes(',')) {
    return actual.split(',').every((part) => part.trim().startsWith(condition.value));
  }
  return actual.startsWith(condition.value);
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Signature Version 4 as S3 checks it, for requests the local S3 answers itself (s3rver checks only
 * that the access key exists): signed in the Authorization header (what the SDK sends) or in the
 * query string (a presigned URL). Refusals carry S3's status, error code and message.
 */

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** The one access key and region the local services answer to. */
export interface SigningAccount {
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region: string;
}

export interface SignatureRefusal<Code extends string = string> {
  readonly ok: false;
  readonly status: 400 | 403;
  readonly code: Code;
  readonly message: string;
}

export type SignatureVerdict = { readonly ok: true } | SignatureRefusal;

export interface SignedRequest {
  readonly method: string;
  /** Path and query string exactly as received (`req.url`): the signature covers them as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** S3 accepts a request's time this far from its own, and presigned URLs for at most a week. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_SECONDS = 7 * 24 * 60 * 60;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const refuse = <Code extends string>(
  status: 400 | 403,
  code: Code,
  message: string,
): SignatureRefusal<Code> => ({ ok: false, status, code, message });

const signatureMismatch = () =>
  refuse(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );

/** Checks a request signed with SigV4 by header or by presigned-URL parameters. */
export function verifyRequestSignature(
  request: SignedRequest,
  account: SigningAccount,
  now: Date,
): SignatureVerdict {
  const query = queryParameters(request.url);
  const has = (name: string) => query.some(([n]) => n === name);
  if (has('X-Amz-Algorithm')) return verifyPresigned(request, query, account, now);
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization?.startsWith(`${SIGV4_ALGORITHM} `))
    return verifyAuthorization(request, query, account, now);
  if (authorization !== undefined || has('Signature'))
    return refuse(
      400,
      'InvalidRequest',
      `The authorization mechanism you have provided is not supported. Please use ${SIGV4_ALGORITHM}.`,
    );
  return refuse(403, 'AccessDenied', 'Access Denied');
}

function verifyPresigned(
  request: SignedRequest,
  query: [string, string][],
  account: SigningAccount,
  now: Date,
): SignatureVerdict {
  const parameter = (name: string) => query.find(([n]) => n === name)?.[1];
  const malformed = (message: string) => refuse(400, 'AuthorizationQueryParametersError', message);
  if (parameter('X-Amz-Algorithm') !== SIGV4_ALGORITHM)
    return malformed(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  const credential = parameter('X-Amz-Credential');
  const amzDate = parameter('X-Amz-Date');
  const expires = parameter('X-Amz-Expires');
  const signedHeaders = parameter('X-Amz-SignedHeaders');
  const signature = parameter('X-Amz-Signature');
  if (!credential || !amzDate || !expires || !signedHeaders || !signature)
    return malformed(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  const scope = checkCredential(credential, account, 'AuthorizationQueryParametersError');
  if (!scope.ok) return scope;
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) return malformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (!amzDate.startsWith(scope.date))
    return malformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  const lifetime = Number(expires);
  if (!Number.isInteger(lifetime) || lifetime < 0) return malformed('X-Amz-Expires should be a number');
  if (lifetime > MAX_PRESIGNED_SECONDS)
    return malformed('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  if (signedAt.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS)
    return refuse(403, 'AccessDenied', 'Request is not valid yet');
  if (now.getTime() > signedAt.getTime() + lifetime * 1000)
    return refuse(403, 'AccessDenied', 'Request has expired');

  const unsigned = query.filter(([name]) => name !== 'X-Amz-Signature');
  const payloadHash = parameter('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  return compareSignature(
    request,
    { query: unsigned, signedHeaders, payloadHash, amzDate, scope },
    account,
    signature,
  );
}

function verifyAuthorization(
  request: SignedRequest,
  query: [string, string][],
  account: SigningAccount,
  now: Date,
): SignatureVerdict {
  const authorization = headerValue(request.headers, 'authorization') ?? '';
  const components = new Map(
    authorization
      .slice(SIGV4_ALGORITHM.length + 1)
      .split(',')
      .map((part) => {
        const [name = '', ...value] = part.trim().split('=');
        return [name, value.join('=')] as const;
      }),
  );
  const credential = components.get('Credential');
  const signedHeaders = components.get('SignedHeaders');
  const signature = components.get('Signature');
  if (!credential || !signedHeaders || !signature)
    return refuse(
      400,
      'AuthorizationHeaderMalformed',
      'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
    );
  const scope = checkCredential(credential, account, 'AuthorizationHeaderMalformed');
  if (!scope.ok) return scope;
  const payloadHash = headerValue(request.headers, 'x-amz-content-sha256');
  if (!payloadHash)
    return refuse(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  const amzDate = headerValue(request.headers, 'x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt)
    return refuse(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS)
    return refuse(
      403,
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
    );
  return compareSignature(request, { query, signedHeaders, payloadHash, amzDate, scope }, account, signature);
}

function compareSignature(
  request: SignedRequest,
  signed: {
    readonly query: [string, string][];
    readonly signedHeaders: string;
    readonly payloadHash: string;
    readonly amzDate: string;
    readonly scope: { readonly date: string };
  },
  account: SigningAccount,
  provided: string,
): SignatureVerdict {
  const headerNames = signed.signedHeaders.split(';');
  if (headerNames.some((name) => headerValue(request.headers, name) === undefined))
    return signatureMismatch();
  const canonicalRequest = [
    request.method,
    request.url.split('?')[0] ?? '/',
    canonicalQuery(signed.query),
    ...headerNames.map((name) => `${name}:${canonicalHeaderValue(headerValue(request.headers, name) ?? '')}`),
    '',
    signed.signedHeaders,
    signed.payloadHash,
  ].join('\n');
  const stringToSign = [
    SIGV4_ALGORITHM,
    signed.amzDate,
    `${signed.scope.date}/${account.region}/s3/aws4_request`,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const expected = createHmac(
    'sha256',
    signingKey(account.credentials.secretAccessKey, signed.scope.date, account.region),
  )
    .update(stringToSign, 'utf8')
    .digest();
  const given = Buffer.from(provided, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { ok: true }
    : signatureMismatch();
}

/**
 * `<access key>/<yyyymmdd>/<region>/s3/aws4_request`, for the one access key and region served here;
 * a malformed one is refused with `malformedCode` (S3 names it after where the credential was given).
 */
export function checkCredential<MalformedCode extends string>(
  credential: string,
  account: SigningAccount,
  malformedCode: MalformedCode,
): { readonly ok: true; readonly date: string } | SignatureRefusal<MalformedCode | 'InvalidAccessKeyId'> {
  const parts = credential.split('/');
  const malformed = (detail: string) =>
    refuse(400, malformedCode, `Error parsing the X-Amz-Credential parameter; ${detail}`);
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !date || !region || !service || !terminator) {
    return malformed(
      'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  }
  if (accessKeyId !== account.credentials.accessKeyId) {
    return refuse(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  }
  if (!/^\d{8}$/.test(date))
    return malformed(
      `incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`,
    );
  if (region !== account.region)
    return malformed(`the region '${region}' is wrong; expecting '${account.region}'`);
  if (service !== 's3') return malformed(`incorrect service "${service}". This endpoint belongs to "s3".`);
  if (terminator !== 'aws4_request') {
    return malformed(`incorrect terminal "${terminator}". This endpoint uses "aws4_request".`);
  }
  return { ok: true, date };
}

export function signingKey(secretAccessKey: string, date: string, region: string): Buffer {
  const hmac = (key: string | Buffer, data: string) =>
    createHmac('sha256', key).update(data, 'utf8').digest();
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), 's3'), 'aws4_request');
}

/** The query string's parameters, decoded, in the order sent. */
function queryParameters(url: string): [string, string][] {
  const search = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return search
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      const name = at < 0 ? pair : pair.slice(0, at);
      const value = at < 0 ? '' : pair.slice(at + 1);
      return [safeDecode(name), safeDecode(value)];
    });
}

/** Each name and value encoded as RFC 3986 says, sorted by name then value. */
function canonicalQuery(parameters: [string, string][]): string {
  return parameters
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(text: string): Date | undefined {
  const parts = AMZ_DATE.exec(text);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second] = parts.map(Number) as number[];
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { LOCAL_ACCOUNT } from './assembly/local-account.js';
import type { LocalHttpRoute } from './assembly/model.js';
import type { DevIssuer } from './dev-auth.js';
import type { LambdaInvoker } from './lambda-runner.js';
import { RouteThrottling } from './route-throttling.js';

/**
 * Emulates an API Gateway HTTP API (payload format 2.0) in front of the local functions: route
 * matching, the v2 event, JWT authorization against the development issuer, and the response
 * mapping, with API Gateway's status codes and messages for what it refuses.
 */

/** API Gateway's request payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RouteMatch {
  readonly route: LocalHttpRoute;
  readonly pathParameters: Record<string, string>;
}

/**
 * Picks the route API Gateway would: an exact path beats one with variables, which beats a greedy
 * `{proxy+}`; a route for the method beats `ANY`; `$default` catches what is left. HEAD uses the GET
 * route when there is no HEAD route.
 */
export function matchRoute(
  routes: readonly LocalHttpRoute[],
  method: string,
  path: string,
): RouteMatch | undefined {
  const upper = method.toUpperCase();
  const found = bestMatch(routes, upper, path);
  return found ?? (upper === 'HEAD' ? bestMatch(routes, 'GET', path) : undefined);
}

function bestMatch(routes: readonly LocalHttpRoute[], method: string, path: string): RouteMatch | undefined {
  const segments = path.split('/').slice(1);
  let best: { match: RouteMatch; score: number[] } | undefined;
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const attempt = matchPath(route.path, segments);
    if (!attempt) continue;
    const score = [
      route.routeKey === '$default' ? 0 : 1,
      attempt.greedy ? 0 : 1,
      attempt.literals,
      route.method === 'ANY' ? 0 : 1,
    ];
    if (!best || compareScores(score, best.score) > 0) {
      best = { match: { route, pathParameters: attempt.parameters }, score };
    }
  }
  return best?.match;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function matchPath(
  pattern: string,
  segments: string[],
): { parameters: Record<string, string>; literals: number; greedy: boolean } | undefined {
  const parts = pattern.split('/').slice(1);
  const parameters: Record<string, string> = {};
  let literals = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy?.[1] && i === parts.length - 1) {
      const rest = segments.slice(i);
      if (rest.length === 0 || rest.join('') === '') return undefined;
      parameters[greedy[1]] = safeDecode(rest.join('/'));
      return { parameters, literals, greedy: true };
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    const variable = /^\{(.+)\}$/.exec(part);
    if (variable?.[1]) {
      if (segment === '') return undefined;
      parameters[variable[1]] = safeDecode(segment);
    } else if (part === segment) {
      literals++;
    } else {
      return undefined;
    }
  }
  return segments.length === parts.length ? { parameters, literals, greedy: false } : undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface HttpApiApp {
  readonly routes: readonly LocalHttpRoute[];
  readonly invoke: LambdaInvoker;
  readonly devIssuer: DevIssuer;
  /** @default INTEGRATION_TIMEOUT_MS (tests shorten it) */
  readonly integrationTimeoutMs?: number;
}

/**
 * HTTP APIs: "Maximum integration timeout: 30 seconds", not adjustable; API Gateway then answers
 * 503. Counted from when a sandbox takes the call: the local queue stands in for Lambda's scale-out.
 */
export const INTEGRATION_TIMEOUT_MS = 30_000;

/**
 * API Gateway hands JWT claims to the function as strings: numbers and booleans as their text,
 * arrays as `[a b]`. Doing the same locally keeps handlers honest about what production sends.
 */
export function flattenClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (Array.isArray(value)) claims[key] = `[${value.join(' ')}]`;
    else if (value !== null && typeof value === 'object') claims[key] = JSON.stringify(value);
    else claims[key] = String(value);
  }
  return claims;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;

export class LocalHttpApi {
  private readonly server: Server;
  private app: HttpApiApp | undefined;
  private baseUrl: string | undefined;
  private readonly throttling = new RouteThrottling();

  constructor(private readonly log: (line: string) => void = () => {}) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.log(`http-api: ${error instanceof Error ? error.stack : String(error)}`);
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
        else res.end();
      });
    });
  }

  /** Listens first so the URL is known before the app (whose environment contains it) is loaded. */
  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('the HTTP API is not listening');
    return this.baseUrl;
  }

  serve(app: HttpApiApp): void {
    this.app = app;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const app = this.app;
    if (!app) return sendJson(res, 503, { message: 'Service Unavailable' });
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();

    if (method === 'GET' && (await this.handleDevRoute(url, res, app))) return;

    const match = matchRoute(app.routes, method, url.pathname);
    if (!match) return sendJson(res, 404, { message: 'Not Found' });
    if (!this.throttling.admit(match.route.routeKey, match.route.throttle))
      return sendJson(res, 429, { message: 'Too Many Requests' });

    const body = await readBody(req);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      return sendJson(res, 413, { message: 'Request Entity Too Large' });
    }

    let claims: JWTPayload | undefined;
    const { authorizer } = match.route;
    if (authorizer.kind === 'jwt') {
      const token = bearerToken(req.headers.authorization);
      if (!token) return sendJson(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
      try {
        // The template's issuer is the production IdP; locally only the development issuer is trusted.
        claims = await app.devIssuer.verify(token, authorizer.audience, authorizer.scopes);
      } catch {
        return sendJson(
          res,
          401,
          { message: 'Unauthorized' },
          { 'www-authenticate': 'Bearer error="invalid_token"' },
        );
      }
    }

    const requestId = randomBytes(12).toString('base64');
    const event = buildEvent(req, url, match, body, requestId, claims);
    const result = await invokeWithin(app, match.route.functionName, event);
    res.setHeader('apigw-requestid', requestId);
    if (result === 'timed out') {
      this.log(`http-api: ${match.route.routeKey} passed the integration timeout`);
      return sendJson(res, 503, { message: 'Service Unavailable' });
    }
    if ('errorType' in result && result.errorType === 'RequestEntityTooLargeException') {
      // Lambda refused the event (over 6 MB) before the function ran. AWS documents the refusal, not
      // API Gateway's answer to it; locally it is the answer to a body over API Gateway's own limit.
      return sendJson(res, 413, { message: 'Request Entity Too Large' });
    }
    if ('errorType' in result) {
      this.log(`http-api: ${match.route.routeKey} failed: ${result.errorType}: ${result.errorMessage}`);
      return sendJson(res, 500, { message: 'Internal Server Error' });
    }
    writeLambdaResponse(res, result.payload, method === 'HEAD');
  }

  private async handleDevRoute(url: URL, res: ServerResponse, app: HttpApiApp): Promise<boolean> {
    if (url.pathname === '/dev/token') {
      const params = url.searchParams;
      const list = (name: string) =>
        params
          .getAll(name)
          .flatMap((v) => v.split(/[\s,]+/))
          .filter(Boolean);
      const email = params.get('email');
      const audience = params.get('aud');
      const issued = await app.devIssuer.issueToken({
        sub: params.get('sub') || 'dev-officer',
        roles: list('roles'),
        scopes: list('scope'),
        ...(email ? { email, emailVerified: params.get('email_verified') !== 'false' } : {}),
        ...(audience ? { audience } : {}),
      });
      sendJson(res, 200, issued, { 'cache-control': 'no-store' });
      return true;
    }
    return false;
  }
}

/** The function's answer, or 'timed out' once the integration timeout has passed while it runs. */
function invokeWithin(app: HttpApiApp, functionName: string, event: unknown) {
  const limitMs = app.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
  return new Promise<Awaited<ReturnType<LambdaInvoker>> | 'timed out'>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onRunning = () => {
      timer = setTimeout(() => resolve('timed out'), limitMs);
    };
    app.invoke(functionName, event, { onRunning }).then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const token = header.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? undefined : token;
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      return 'too-large';
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function buildEvent(
  req: IncomingMessage,
  url: URL,
  match: RouteMatch,
  body: Buffer,
  requestId: string,
  claims: JWTPayload | undefined,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (name === 'cookie' || !values) continue;
    headers[name] = values.join(',');
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');

  const cookies = (req.headersDistinct.cookie ?? [])
    .flatMap((c) => c.split(';'))
    .map((c) => c.trim())
    .filter(Boolean);

  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');

  const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
  const rawQueryString = url.search.replace(/^\?/, '');
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const host = headers.host ?? 'localhost';
  const now = new Date();
  // HEAD without a HEAD route is served by the GET route, as a GET whose response body is dropped.
  const requested = (req.method ?? 'GET').toUpperCase();
  const method = requested === 'HEAD' && match.route.method === 'GET' ? 'GET' : requested;

  const event = {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: match.route.apiId,
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.route.routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
      ...(claims
        ? {
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: { claims: flattenClaims(claims), scopes: scopesOf(claims) },
            },
          }
        : {}),
    },
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
  // Open routes carry no authorizer, which the JWT event type does not allow for.
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

function scopesOf(claims: JWTPayload): string[] {
  const scope = claims.scope ?? claims.scp;
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  return Array.isArray(scope) ? scope.map(String) : [];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's request time format: `12/Mar/2020:19:03:58 +0000`. */
function apiGatewayTime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
}

interface StructuredResponse {
  statusCode: number;
  headers?: Record<string, unknown>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/** Maps a function's result to the HTTP response, as API Gateway does for payload format 2.0. */
export function toHttpResponse(payload: unknown): {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
} {
  if (payload !== null && typeof payload === 'object' && 'statusCode' in payload) {
    const response = payload as StructuredResponse;
    const statusCode = Number(response.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
      return internalError();
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(response.headers ?? {})) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    if (response.cookies?.length) headers['set-cookie'] = response.cookies.map(String);
    const raw = typeof response.body === 'string' ? response.body : '';
    const body = response.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    headers['content-type'] ??= 'application/json';
    return { statusCode, headers, body };
  }
  // Without a statusCode, API Gateway treats the result as a 200 JSON body.
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(text, 'utf8'),
  };
}

function internalError() {
  return {
    statusCode: 500,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ message: 'Internal Server Error' })),
  };
}

function writeLambdaResponse(res: ServerResponse, payload: unknown, head: boolean): void {
  const response = toHttpResponse(payload);
  res.statusCode = response.statusCode;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.setHeader('content-length', response.body.length);
  res.end(head ? undefined : response.body);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

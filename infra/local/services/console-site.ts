import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/**
 * The console's distribution, as CloudFront serves it on AWS: the built files from the app's
 * console bucket deployment, the response headers of its policy on every answer, and the staff API's
 * paths passed on to the local HTTP API, so the console calls the API on its own origin here too.
 */

export interface ConsoleSiteOptions {
  readonly port: number;
  /** The built console (the bucket deployment's source folder in the assembly). */
  readonly siteDir: string;
  /** `/config.json`: where the console signs in (read per request: the provider starts after the site). */
  readonly config: () => Readonly<Record<string, string>>;
  /** CloudFront path patterns (`*` any characters, `?` one) whose requests go to the API. */
  readonly apiPathPatterns: readonly string[];
  readonly apiUrl: string;
  /** The response headers policy's headers, set on every answer (read per request, like `config`). */
  readonly headers: () => Readonly<Record<string, string>>;
}

export interface ConsoleSite {
  readonly url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** A CloudFront path pattern as a regular expression over the whole path. */
export function pathPatternRegex(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export async function startConsoleSite(options: ConsoleSiteOptions): Promise<ConsoleSite> {
  const apiPaths = options.apiPathPatterns.map(pathPatternRegex);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const answer = apiPaths.some((p) => p.test(path))
      ? passToApi(req, res, options)
      : serveFile(path, req, res, options);
    answer.catch(() => {
      if (!res.headersSent) res.writeHead(502, options.headers());
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveFile(
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: ConsoleSiteOptions,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(403, options.headers());
    return void res.end();
  }
  // Entry points are revalidated on every load; hashed assets never change.
  const entry = path === '/' || path === '/index.html' || path === '/config.json';
  const cache = entry ? 'no-cache' : 'public, max-age=31536000, immutable';
  if (path === '/config.json') {
    res.writeHead(200, {
      ...options.headers(),
      'content-type': CONTENT_TYPES['.json'],
      'cache-control': cache,
    });
    return void res.end(req.method === 'HEAD' ? undefined : JSON.stringify(options.config()));
  }
  const relative = normalize(path === '/' ? 'index.html' : decodeURIComponent(path.slice(1)));
  const file = join(options.siteDir, relative);
  if (relative.startsWith('..') || !file.startsWith(options.siteDir + sep)) {
    res.writeHead(403, options.headers());
    return void res.end();
  }
  const body = await readFile(file).catch(() => undefined);
  if (!body) {
    // What CloudFront answers for a key the bucket (private, reached through OAC) does not have.
    res.writeHead(403, { ...options.headers(), 'content-type': 'application/xml' });
    return void res.end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
  }
  res.writeHead(200, {
    ...options.headers(),
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': cache,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The request as it came, to the API (the viewer's headers but Host, as the origin request policy says). */
function passToApi(req: IncomingMessage, res: ServerResponse, options: ConsoleSiteOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const target = new URL(req.url ?? '/', options.apiUrl);
    const { host: _host, ...headers } = req.headers;
    const upstream = request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...options.headers() });
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    upstream.on('error', reject);
    req.pipe(upstream);
  });
}

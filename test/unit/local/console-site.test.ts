import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleSite,
  pathPatternRegex,
  startConsoleSite,
} from '../../../infra/local/services/console-site.js';
import { withLocalSignIn } from '../../../infra/local/staff-sign-in.js';

/** The console's local distribution: files, config, the API's paths passed on, the policy's headers. */

const HEADERS = { 'content-security-policy': "default-src 'none'", 'x-frame-options': 'DENY' };

let siteDir: string;
let api: Server;
let site: ConsoleSite;
const apiRequests: { method: string; url: string; auth?: string; body: string }[] = [];

beforeAll(async () => {
  siteDir = mkdtempSync(join(tmpdir(), 'console-site-'));
  mkdirSync(join(siteDir, 'assets'));
  writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(siteDir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'outside-console-site.txt'), 'secret');
  api = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      apiRequests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
        body,
      });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', () => resolve()));
  site = await startConsoleSite({
    port: 0,
    siteDir,
    config: () => ({ issuer: 'http://127.0.0.1:9', clientId: 'console', scope: 'openid' }),
    apiPathPatterns: ['/me', '/purchases', '/purchases/*'],
    apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    headers: () => HEADERS,
  });
});

afterAll(async () => {
  await site?.close();
  await new Promise<void>((resolve) => api.close(() => resolve()));
  rmSync(siteDir, { recursive: true, force: true });
});

describe('the local console distribution', () => {
  it('serves index.html at / with the policy headers, revalidated on every load', async () => {
    const response = await fetch(`${site.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<title>console</title>');
  });

  it('serves hashed assets as immutable, and config.json from the runtime', async () => {
    const asset = await fetch(`${site.url}/assets/index-abc.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const config = await fetch(`${site.url}/config.json`);
    expect(await config.json()).toEqual({
      issuer: 'http://127.0.0.1:9',
      clientId: 'console',
      scope: 'openid',
    });
  });

  it('answers 403 for a file it does not have or outside its folder, as CloudFront over a private bucket does', async () => {
    expect((await fetch(`${site.url}/nothing.js`)).status).toBe(403);
    expect((await fetch(`${site.url}/..%2Foutside-console-site.txt`)).status).toBe(403);
    expect((await fetch(`${site.url}/`, { method: 'POST' })).status).toBe(403);
  });

  it("passes the API's paths to the API with method, query, authorization and body, and adds the policy headers", async () => {
    const response = await fetch(`${site.url}/purchases?stage=PROPOSAL`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(apiRequests.at(-1)).toEqual({
      method: 'POST',
      url: '/purchases?stage=PROPOSAL',
      auth: 'Bearer t',
      body: '{"a":1}',
    });
    await fetch(`${site.url}/purchases/PUR-1`);
    expect(apiRequests.at(-1)?.url).toBe('/purchases/PUR-1');
  });
});

describe('CloudFront path patterns', () => {
  it('match whole paths, * any characters and ? one, case-sensitively', () => {
    expect(pathPatternRegex('/purchases/*').test('/purchases/PUR-1/x')).toBe(true);
    expect(pathPatternRegex('/purchases').test('/purchases/PUR-1')).toBe(false);
    expect(pathPatternRegex('/me').test('/me')).toBe(true);
    expect(pathPatternRegex('/me').test('/ME')).toBe(false);
    expect(pathPatternRegex('/a?c').test('/abc')).toBe(true);
    expect(pathPatternRegex('/a.c').test('/abc')).toBe(false);
  });
});

describe('the CSP with the local sign-in', () => {
  it("lets the console reach the local provider in place of Cognito's domains", () => {
    const headers = withLocalSignIn(
      {
        'content-security-policy':
          "default-src 'none'; connect-src 'self' https://cognito-idp.x.amazonaws.com https://d.auth.x.amazoncognito.com; script-src 'self'",
        'x-frame-options': 'DENY',
      },
      'http://127.0.0.1:8088',
    );
    expect(headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; connect-src 'self' http://127.0.0.1:8088",
    );
    expect(headers['x-frame-options']).toBe('DENY');
  });
});

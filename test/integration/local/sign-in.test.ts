import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccounts } from '../../../infra/local/dev-accounts.js';
import { createDevIssuer, type DevIssuer } from '../../../infra/local/dev-auth.js';
import { type SignInService, startSignInService } from '../../../infra/local/services/sign-in.js';

/**
 * The local OpenID provider, driven as the console's oidc-client-ts drives it: discovery, an
 * authorization request with PKCE, the sign-in page, the code exchanged for an ID token that the
 * local API's authorizer accepts.
 */

const CLIENT_ID = 'console-client-local';
const CONSOLE_URL = 'http://127.0.0.1:1';
const APPROVAL = {
  approvers: {
    SECTION_CHIEF: { name: 'Section Chief 科长', email: 'section-chief@civil-affairs.example.gov.cn' },
  },
  deputy: { name: 'Deputy Director 副局长', email: 'deputy-director@civil-affairs.example.gov.cn' },
};

let dataDir: string;
let service: SignInService & { devIssuer: DevIssuer };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sign-in-'));
  service = await startSignInService({
    port: 0,
    accounts: devAccounts(APPROVAL),
    clientId: CLIENT_ID,
    consoleUrl: CONSOLE_URL,
    issuerFor: (issuer) => createDevIssuer({ dataDir, issuer, defaultAudience: CLIENT_ID }),
  });
});

afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A browser's cookie jar for one origin, enough for the provider's session and interaction cookies. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) this.cookies.set(name.trim(), value.join('='));
    }
    return response;
  }

  /** Follows redirects while they stay on the provider; returns the first one that leaves it. */
  async follow(url: string, init: RequestInit = {}): Promise<{ response: Response; leftTo?: URL }> {
    let response = await this.go(url, init);
    while (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location') ?? '', url);
      if (next.origin !== new URL(service.issuer).origin) return { response, leftTo: next };
      url = next.href;
      response = await this.go(url);
    }
    return { response };
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function discovery(): Promise<{ authorization_endpoint: string; token_endpoint: string }> {
  const response = await fetch(`${service.issuer}/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  return (await response.json()) as { authorization_endpoint: string; token_endpoint: string };
}

function authorizationUrl(endpoint: string, challenge: string): string {
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: `${CONSOLE_URL}/`,
    response_type: 'code',
    scope: 'openid email profile roles',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

async function signIn(accountId: string) {
  const config = await discovery();
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const browser = new Browser();
  const page = await browser.follow(authorizationUrl(config.authorization_endpoint, challenge));
  expect(page.response.status).toBe(200);
  const pageHtml = await page.response.text();
  const action = /action="([^"]+)"/.exec(pageHtml)?.[1] ?? '';
  const posted = await browser.follow(new URL(action, service.issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ account: accountId }).toString(),
  });
  return { config, verifier, pageHtml, leftTo: posted.leftTo };
}

describe('the local OpenID provider', () => {
  it('lists every development account on its sign-in page, the approvers under their deployed addresses', async () => {
    const { pageHtml } = await signIn('officer-li');
    for (const account of devAccounts(APPROVAL)) {
      expect(pageHtml).toContain(`value="${account.id}"`);
      expect(pageHtml).toContain(account.email);
    }
    expect(pageHtml).toContain('section-chief@civil-affairs.example.gov.cn');
  });

  it('signs an account in with code and PKCE, and its ID token carries e-mail and roles and passes the API check', async () => {
    const { config, verifier, leftTo } = await signIn('section-chief');
    expect(leftTo?.origin).toBe(CONSOLE_URL);
    expect(leftTo?.searchParams.get('state')).toBe('state-1');
    const code = leftTo?.searchParams.get('code') ?? '';
    expect(code).not.toBe('');

    const tokens = await fetch(config.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: CONSOLE_URL },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: `${CONSOLE_URL}/`,
        client_id: CLIENT_ID,
        code_verifier: verifier,
      }).toString(),
    });
    expect(tokens.status).toBe(200);
    // The console exchanges the code from its own origin: the answer allows it.
    expect(tokens.headers.get('access-control-allow-origin')).toBe(CONSOLE_URL);
    const { id_token } = (await tokens.json()) as { id_token: string };
    const claims = await service.devIssuer.verify(id_token, [CLIENT_ID]);
    expect(claims).toMatchObject({
      sub: 'section-chief',
      email: 'section-chief@civil-affairs.example.gov.cn',
      email_verified: true,
      roles: ['approver'],
      iss: service.issuer,
      aud: CLIENT_ID,
    });
  });

  it('refuses the code without the PKCE verifier', async () => {
    const { config, leftTo } = await signIn('officer-li');
    const tokens = await fetch(config.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: leftTo?.searchParams.get('code') ?? '',
        redirect_uri: `${CONSOLE_URL}/`,
        client_id: CLIENT_ID,
      }).toString(),
    });
    expect(tokens.status).toBe(400);
  });

  it('sends a request for an account that does not exist back to the console as access_denied', async () => {
    const { leftTo } = await signIn('nobody');
    expect(leftTo?.origin).toBe(CONSOLE_URL);
    expect(leftTo?.searchParams.get('error')).toBe('access_denied');
    expect(leftTo?.searchParams.has('code')).toBe(false);
  });

  it('redirects nowhere but the console: another redirect URI is refused on the provider', async () => {
    const config = await discovery();
    const url = new URL(authorizationUrl(config.authorization_endpoint, 'x'.repeat(43)));
    url.searchParams.set('redirect_uri', 'https://evil.example/');
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
  });
});

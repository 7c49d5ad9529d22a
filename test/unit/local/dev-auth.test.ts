import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createDevIssuer,
  DEV_TOKEN_LIFETIME_SECONDS,
  type DevIssuer,
  InvalidTokenError,
} from '../../../infra/local/dev-auth.js';

let dataDir: string;
let issuer: DevIssuer;
const audience = ['ngo-service-purchase'];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dev-auth-'));
  issuer = await createDevIssuer({
    dataDir,
    issuer: 'http://127.0.0.1:8088',
    defaultAudience: 'ngo-service-purchase',
  });
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the development issuer', () => {
  it('issues a token that verifies, valid for the token lifetime from now', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { token, expiresIn } = await issuer.issueToken({ sub: 'officer-li', roles: ['officer'] });
    const claims = await issuer.verify(token, audience);
    expect(claims).toMatchObject({ sub: 'officer-li', roles: ['officer'], iss: issuer.issuer });
    expect(expiresIn).toBe(DEV_TOKEN_LIFETIME_SECONDS);
    expect((claims.exp ?? 0) - now).toBeGreaterThanOrEqual(DEV_TOKEN_LIFETIME_SECONDS - 1);
  });

  it('issues an expired token when asked for one issued longer ago than its lifetime, and refuses it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = now - DEV_TOKEN_LIFETIME_SECONDS - 60;
    const { token, expiresIn } = await issuer.issueToken({ sub: 'officer-li', roles: ['officer'], issuedAt });
    expect(decodeJwt(token)).toMatchObject({ iat: issuedAt, exp: now - 60 });
    expect(expiresIn).toBe(0);
    await expect(issuer.verify(token, audience)).rejects.toThrow(InvalidTokenError);
    await expect(issuer.verify(token, audience)).rejects.toThrow(/exp/);
  });

  it('signs a token claiming another issuer with its own key, and refuses it for that issuer', async () => {
    const { token } = await issuer.issueToken({
      sub: 'officer-li',
      roles: ['officer'],
      issuer: 'https://login.example.com',
    });
    expect(decodeJwt(token).iss).toBe('https://login.example.com');
    await expect(issuer.verify(token, audience)).rejects.toThrow(/iss/);
  });

  it('refuses a token for another audience', async () => {
    const { token } = await issuer.issueToken({ sub: 'officer-li', roles: ['officer'], audience: 'payroll' });
    await expect(issuer.verify(token, audience)).rejects.toThrow(InvalidTokenError);
  });

  describe('a token verified before', () => {
    afterEach(() => vi.useRealTimers());

    it('is refused once it has expired, though its signature was remembered as verified', async () => {
      const { token } = await issuer.issueToken({ sub: 'officer-li', roles: ['officer'] });
      await expect(issuer.verify(token, audience)).resolves.toMatchObject({ sub: 'officer-li' });
      vi.useFakeTimers({ now: Date.now() + (DEV_TOKEN_LIFETIME_SECONDS + 60) * 1000 });
      await expect(issuer.verify(token, audience)).rejects.toThrow(/exp/);
    });

    it('is still refused for an audience it was not verified for', async () => {
      const { token } = await issuer.issueToken({ sub: 'officer-li', roles: ['officer'] });
      await expect(issuer.verify(token, audience)).resolves.toMatchObject({ sub: 'officer-li' });
      await expect(issuer.verify(token, ['payroll'])).rejects.toThrow(InvalidTokenError);
    });
  });
});

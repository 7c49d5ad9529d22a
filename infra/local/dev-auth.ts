import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';

/**
 * The local development issuer's key and tokens. The production API trusts Cognito (or the
 * configured provider); locally the JWT routes trust the local OpenID provider (sign-in.ts), which
 * signs with this RS256 key, generated once per data folder and kept there. Scripts and tests mint
 * tokens of the same issuer directly (`/dev/token`), without the browser sign-in.
 */

export const DEV_TOKEN_LIFETIME_SECONDS = 8 * 60 * 60;
const KEY_FILE = 'dev-issuer-key.json';
/** Tokens whose signature is remembered as verified; the memory is emptied when it is full. */
const MAX_VERIFIED_TOKENS = 1_000;

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

export interface DevTokenRequest {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly email?: string;
  /**
   * Whether the address was verified, as the provider vouches (`email_verified`); true by default
   * for a token with an address. False gives a token whose address the API must not trust.
   */
  readonly emailVerified?: boolean;
  /** OAuth scopes, for routes that require some. */
  readonly scopes?: readonly string[];
  /** Defaults to the issuer's default audience (the template's). */
  readonly audience?: string;
  /**
   * When the token was issued, in epoch seconds; now by default. A time more than the token's
   * lifetime ago gives an expired token, which is how tests prove the authorizer refuses one.
   */
  readonly issuedAt?: number;
  /** Another issuer to claim (signed with this issuer's key all the same), for tests of the `iss` check. */
  readonly issuer?: string;
}

export interface DevIssuer {
  readonly issuer: string;
  readonly defaultAudience: string;
  issueToken(request: DevTokenRequest): Promise<{ token: string; expiresIn: number }>;
  /** Verifies signature, issuer, expiry, audience (any of) and scopes (any of, when required). */
  verify(token: string, audience: readonly string[], scopes?: readonly string[]): Promise<JWTPayload>;
  jwks(): JSONWebKeySet;
  /** The private signing key, for the local OpenID provider that signs with it. */
  signingKey(): JWK;
}

interface StoredKey {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

async function loadOrCreateKey(dataDir: string): Promise<StoredKey> {
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `local-${Date.now().toString(36)}`;
  const stored: StoredKey = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  return stored;
}

export async function createDevIssuer(options: {
  readonly dataDir: string;
  /** The issuer URL: the local OpenID provider's. */
  readonly issuer: string;
  readonly defaultAudience: string;
}): Promise<DevIssuer> {
  const stored = await loadOrCreateKey(options.dataDir);
  const privateKey = await importJWK(stored.privateJwk, 'RS256');
  const publicKey = await importJWK(stored.publicJwk, 'RS256');
  const issuer = options.issuer;
  const kid = stored.publicJwk.kid ?? 'local';
  // A signature once verified stays verified: a token seen again (a script or page polling the API)
  // is checked for expiry only, not for its RSA signature again. Keyed by token and audiences.
  const verified = new Map<string, JWTPayload>();
  const stillValid = (payload: JWTPayload) => {
    const now = Date.now() / 1000;
    return (payload.exp ?? 0) > now && (payload.nbf ?? 0) <= now;
  };

  return {
    issuer,
    defaultAudience: options.defaultAudience,
    async issueToken(request) {
      const claims: JWTPayload & { roles: string[]; email?: string; email_verified?: boolean } = {
        roles: [...request.roles],
      };
      if (request.email) {
        claims.email = request.email;
        claims.email_verified = request.emailVerified ?? true;
      }
      if (request.scopes?.length) claims.scope = request.scopes.join(' ');
      const now = Math.floor(Date.now() / 1000);
      const issuedAt = request.issuedAt ?? now;
      const expiresAt = issuedAt + DEV_TOKEN_LIFETIME_SECONDS;
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(request.issuer ?? issuer)
        .setSubject(request.sub)
        .setAudience(request.audience ?? options.defaultAudience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(privateKey);
      return { token, expiresIn: Math.max(0, expiresAt - now) };
    },
    async verify(token, audience, scopes = []) {
      const cacheKey = `${audience.join(' ')}\n${token}`;
      let payload = verified.get(cacheKey);
      if (!payload || !stillValid(payload)) {
        verified.delete(cacheKey);
        try {
          ({ payload } = await jwtVerify(token, publicKey, {
            issuer,
            audience: [...audience],
            algorithms: ['RS256'],
            requiredClaims: ['exp', 'iat'],
          }));
        } catch (error) {
          throw new InvalidTokenError(error instanceof Error ? error.message : String(error));
        }
        if (verified.size >= MAX_VERIFIED_TOKENS) verified.clear();
        verified.set(cacheKey, payload);
      }
      if (scopes.length > 0) {
        const granted = String(payload.scope ?? payload.scp ?? '').split(' ');
        if (!scopes.some((s) => granted.includes(s)))
          throw new InvalidTokenError('token lacks a required scope');
      }
      return payload;
    },
    jwks() {
      return { keys: [stored.publicJwk] };
    },
    signingKey() {
      return stored.privateJwk;
    },
  };
}

/** Where the console signs in, read at start from `/config.json` (written by whoever serves it). */
export interface ConsoleConfig {
  /** The OpenID Connect issuer: the Cognito user pool, an existing provider, or the local one. */
  readonly issuer: string;
  /** The console's client id at that issuer (a public client: authorization code with PKCE). */
  readonly clientId: string;
  /** Scopes asked for; the ID token must carry the person's e-mail and roles. */
  readonly scope: string;
  /** Where the provider's sign-out ends, if it is not the standard end-session endpoint (Cognito). */
  readonly logoutUrl?: string;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const raw = (await response.json()) as Record<string, unknown>;
  const { issuer, clientId, scope, logoutUrl } = raw;
  if (!isNonEmptyString(issuer) || !isNonEmptyString(clientId) || !isNonEmptyString(scope))
    throw new Error('/config.json lacks issuer, clientId or scope');
  return { issuer, clientId, scope, ...(isNonEmptyString(logoutUrl) ? { logoutUrl } : {}) };
}

import type { LocalApp } from './assembly/model.js';
import { approverSettingsOf, type DevAccount, devAccounts } from './dev-accounts.js';
import { createDevIssuer, type DevIssuer } from './dev-auth.js';
import { type ConsoleSite, startConsoleSite } from './services/console-site.js';
import { LOCAL_CONSOLE_SCOPE, type SignInService, startSignInService } from './services/sign-in.js';

/**
 * Staff sign-in on this machine: the console's distribution (when the app has one) and the local
 * OpenID provider in place of Cognito, whose client id is the one the API's authorizer expects.
 */
export async function startStaffSignIn(
  app: LocalApp,
  options: {
    readonly dataDir: string;
    /** 0 or undefined: any free port. */
    readonly ports: { readonly console?: number; readonly signin?: number };
    readonly apiUrl: string;
  },
): Promise<{
  devIssuer: DevIssuer;
  signIn: SignInService;
  site: ConsoleSite | undefined;
  accounts: DevAccount[];
}> {
  const clientId = consoleClientIdOf(app);
  let issuer = '';
  const distribution = app.consoleDistribution;
  const site = distribution
    ? await startConsoleSite({
        port: options.ports.console ?? 0,
        siteDir: distribution.siteDir,
        apiPathPatterns: distribution.apiPathPatterns,
        apiUrl: options.apiUrl,
        headers: () => withLocalSignIn(distribution.headers, issuer),
        config: () => ({ issuer, clientId, scope: LOCAL_CONSOLE_SCOPE }),
      })
    : undefined;
  const accounts = devAccounts(approverSettingsOf(app));
  try {
    const signIn = await startSignInService({
      port: options.ports.signin ?? 0,
      accounts,
      clientId,
      // Without a console the provider still runs: `/dev/token` tokens are of its issuer.
      consoleUrl: site?.url ?? options.apiUrl,
      issuerFor: (url) =>
        createDevIssuer({ dataDir: options.dataDir, issuer: url, defaultAudience: clientId }),
    });
    issuer = signIn.issuer;
    return { devIssuer: signIn.devIssuer, signIn, site, accounts };
  } catch (error) {
    await site?.close();
    throw error;
  }
}

/**
 * The distribution's headers with the sign-in origins of its CSP (Cognito's on AWS) replaced by
 * the local provider's: the console fetches the provider's discovery document and token endpoint.
 */
export function withLocalSignIn(
  headers: Readonly<Record<string, string>>,
  issuer: string,
): Record<string, string> {
  const csp = headers['content-security-policy'];
  if (!csp) return { ...headers };
  const connect = `connect-src 'self' ${new URL(issuer).origin}`;
  const directives = csp
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !d.startsWith('connect-src'));
  directives.push(connect);
  return { ...headers, 'content-security-policy': directives.join('; ') };
}

/** The audience of the API's JWT authorizer: the console's client id (Cognito's app client on AWS). */
function consoleClientIdOf(app: LocalApp): string {
  for (const route of app.routes) {
    if (route.authorizer.kind === 'jwt' && route.authorizer.audience[0]) return route.authorizer.audience[0];
  }
  return 'local';
}

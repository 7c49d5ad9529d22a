import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { html, trusted } from '../../../shared/presentation/html.js';
import { PAGE_SECURITY_HEADERS, renderPage } from '../../../shared/presentation/pages/layout.js';
import type { DevAccount } from '../dev-accounts.js';
import type { DevIssuer } from '../dev-auth.js';

/**
 * The local OpenID Connect provider (`oidc-provider`): the console signs in here exactly as it
 * signs in to Cognito on AWS (authorization code with PKCE, then an ID token with the person's
 * e-mail and roles), with a sign-in page that lists the development accounts. It signs with the
 * development issuer's key, so its tokens and `/dev/token`'s are of one issuer, which the local
 * HTTP API trusts in place of the template's.
 */

export interface SignInServiceOptions {
  readonly port: number;
  readonly accounts: readonly DevAccount[];
  /** The console's client id (the audience of the API's JWT authorizer). */
  readonly clientId: string;
  /** Where the console is served; the provider redirects only there. */
  readonly consoleUrl: string;
  /** The development issuer of this URL, whose key the provider signs with. */
  readonly issuerFor: (issuerUrl: string) => Promise<DevIssuer>;
}

export interface SignInService {
  readonly issuer: string;
  close(): Promise<void>;
}

const SCOPES = ['openid', 'email', 'profile', 'roles'];
/** What the console asks for (written into its config.json). */
export const LOCAL_CONSOLE_SCOPE = SCOPES.join(' ');

const HOUR = 60 * 60;

/** Starts listening first: the issuer URL (with its port) is part of the provider's configuration. */
export async function startSignInService(
  options: SignInServiceOptions,
): Promise<SignInService & { readonly devIssuer: DevIssuer }> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const devIssuer = await options.issuerFor(issuer);
  const provider = createProvider(issuer, devIssuer, options);
  const providerCallback = provider.callback();
  handler = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const interaction = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!interaction) {
      providerCallback(req, res);
      return;
    }
    const answer =
      req.method === 'POST' && interaction[2]
        ? signInAs(provider, req, res, options.accounts)
        : showAccounts(provider, req, res, options);
    answer.catch((error: unknown) => {
      if (res.headersSent) return res.end();
      sendPage(res, 400, options.consoleUrl, expiredSignIn(error, options.consoleUrl));
    });
  };
  return {
    issuer,
    devIssuer,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function createProvider(issuer: string, devIssuer: DevIssuer, options: SignInServiceOptions): Provider {
  const accounts = new Map(options.accounts.map((a) => [a.id, a]));
  const home = `${options.consoleUrl.replace(/\/+$/, '')}/`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        // A public client in the browser: no secret, PKCE required (the provider's default for these).
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [home],
        post_logout_redirect_uris: [home],
      },
    ],
    scopes: SCOPES,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], roles: ['roles'] },
    // The claims of the granted scopes go into the ID token, as Cognito's ID token carries them.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          email_verified: true,
          name: account.name,
          roles: [...account.roles],
        }),
      };
    },
    jwks: { keys: [devIssuer.signingKey()] as never },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutSource(options.consoleUrl) },
    },
    renderError: (ctx, out) => {
      ctx.set(pageHeaders(options.consoleUrl));
      ctx.body = renderPage(
        400,
        { zh: '无法登录', en: 'Sign-in refused' },
        html`<h1>无法登录<span class="en" lang="en">Sign-in refused</span></h1>
<p class="en" lang="en">${String(out.error)}: ${String(out.error_description ?? '')}</p>
<p><a href="${options.consoleUrl}">${options.consoleUrl}</a></p>
`,
      ).html;
    },
    // The console is this provider's only client and is first-party: no consent screen.
    loadExistingGrant: (ctx) => firstPartyGrant(ctx),
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    ttl: {
      AuthorizationCode: 60,
      IdToken: HOUR,
      AccessToken: HOUR,
      Interaction: 10 * 60,
      Session: 8 * HOUR,
      Grant: 8 * HOUR,
    },
  };
  return new Provider(issuer, configuration);
}

async function firstPartyGrant(ctx: KoaContextWithOIDC) {
  const { client, session } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
  const grant =
    existing ?? new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
  await grant.save();
  return grant;
}

async function showAccounts(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  options: SignInServiceOptions,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const rows = options.accounts.map(
    (a) => html`<li><form method="post" action="/interaction/${details.uid}/login">
<input type="hidden" name="account" value="${a.id}">
<button type="submit" class="approve">${a.name}</button>
<p class="help">${a.title.zh} · <span lang="en">${a.title.en}</span> · ${a.email}</p>
</form></li>
`,
  );
  const page = renderPage(
    200,
    { zh: '登录（本机开发账号）', en: 'Sign in (development accounts on this machine)' },
    html`<h1>登录<span class="en" lang="en">Sign in</span></h1>
<p>这是本机运行时的登录页：选择一个开发账号即可登录，无需密码。部署到 AWS 后由 Cognito 登录。</p>
<p class="en" lang="en">This is the local runtime's sign-in page: choose a development account to sign in, no password. Deployed on AWS, staff sign in with Cognito.</p>
<ul class="accounts">
${rows}</ul>
`,
  );
  sendPage(res, page.statusCode, options.consoleUrl, page.html);
}

async function signInAs(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  accounts: readonly DevAccount[],
): Promise<void> {
  const form = new URLSearchParams(await readBody(req));
  const account = accounts.find((a) => a.id === form.get('account'));
  if (!account) {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'no such development account' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.id } },
    { mergeWithLastSubmission: false },
  );
}

/** The sign-out confirmation: the provider's form (with its anti-forgery field) and our button. */
function logoutSource(consoleUrl: string) {
  return (ctx: KoaContextWithOIDC, form: string): void => {
    ctx.set(pageHeaders(consoleUrl));
    ctx.body = renderPage(
      200,
      { zh: '退出登录', en: 'Sign out' },
      html`<h1>退出登录<span class="en" lang="en">Sign out</span></h1>
${trusted(form)}<div class="actions"><button type="submit" class="approve" form="op.logoutForm" name="logout" value="yes">退出 · Sign out</button></div>
`,
    ).html;
  };
}

function expiredSignIn(error: unknown, consoleUrl: string): string {
  const reason = error instanceof Error ? error.message : String(error);
  return renderPage(
    400,
    { zh: '登录已过期', en: 'The sign-in expired' },
    html`<h1>登录已过期<span class="en" lang="en">The sign-in expired</span></h1>
<p>请回到工作台重新登录。</p><p class="en" lang="en">Go back to the console and sign in again (${reason}).</p>
<p><a href="${consoleUrl}">${consoleUrl}</a></p>
`,
  ).html;
}

/** The link pages' headers; a form here posts to the provider and is redirected on to the console. */
function pageHeaders(consoleUrl: string): Record<string, string> {
  return {
    ...PAGE_SECURITY_HEADERS,
    'Content-Security-Policy': PAGE_SECURITY_HEADERS['Content-Security-Policy'].replace(
      "form-action 'self'",
      `form-action 'self' ${new URL(consoleUrl).origin}`,
    ),
    'Content-Type': 'text/html; charset=utf-8',
  };
}

function sendPage(res: ServerResponse, status: number, consoleUrl: string, body: string): void {
  res.writeHead(status, pageHeaders(consoleUrl));
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('the form is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

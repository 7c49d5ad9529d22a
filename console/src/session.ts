import { type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { isStaffRole, type StaffMember, type StaffRole } from '../../shared/domain/staff-roles.js';
import type { ConsoleConfig } from './config.js';

/**
 * The signed-in person: OpenID Connect authorization code with PKCE (oidc-client-ts), the same
 * against Cognito on AWS and the local provider. Tokens stay in this tab's session storage.
 * The API is called with the ID token: it is issued to this console (its audience is our client
 * id, which the API's JWT authorizer checks) and carries the e-mail and roles the server needs.
 */
export interface Session {
  readonly staff: StaffMember;
  readonly idToken: string;
  readonly expiresAt: number;
}

function rolesOf(profile: Record<string, unknown>): StaffRole[] {
  const claim = profile.roles ?? profile['cognito:groups'];
  const names = Array.isArray(claim)
    ? claim.map(String)
    : typeof claim === 'string'
      ? claim.split(/[\s,]+/)
      : [];
  return names.filter(isStaffRole);
}

function sessionOf(user: User): Session | undefined {
  if (user.expired || !user.id_token) return undefined;
  const profile = user.profile as Record<string, unknown>;
  return {
    staff: {
      sub: user.profile.sub,
      roles: rolesOf(profile),
      ...(typeof profile.email === 'string' ? { email: profile.email } : {}),
      ...(typeof profile.name === 'string' ? { name: profile.name } : {}),
    },
    idToken: user.id_token,
    expiresAt: (user.expires_at ?? 0) * 1000,
  };
}

export class SignIn {
  private readonly manager: UserManager;

  constructor(private readonly config: ConsoleConfig) {
    const home = `${window.location.origin}/`;
    this.manager = new UserManager({
      authority: config.issuer,
      client_id: config.clientId,
      redirect_uri: home,
      post_logout_redirect_uri: home,
      response_type: 'code',
      scope: config.scope,
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
      automaticSilentRenew: false,
    });
  }

  /** Finishes a sign-in the provider redirected back from, or finds this tab's session. */
  async current(): Promise<Session | undefined> {
    const url = new URL(window.location.href);
    if (url.searchParams.has('code') && url.searchParams.has('state')) {
      const user = await this.manager.signinRedirectCallback();
      const returnTo = typeof user.state === 'string' && user.state.startsWith('#') ? user.state : '';
      window.history.replaceState(null, '', `/${returnTo}`);
      return sessionOf(user);
    }
    const user = await this.manager.getUser();
    return user ? sessionOf(user) : undefined;
  }

  /** Sends the browser to the provider's sign-in page; it comes back to the page it left. */
  signIn(): Promise<void> {
    return this.manager.signinRedirect({ state: window.location.hash || '#/' });
  }

  async signOut(): Promise<void> {
    if (this.config.logoutUrl) {
      await this.manager.removeUser();
      window.location.assign(this.config.logoutUrl);
      return;
    }
    await this.manager.signoutRedirect();
  }
}

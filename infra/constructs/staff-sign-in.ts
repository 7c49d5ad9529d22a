import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import {
  COGNITO_DOMAIN_PREFIX,
  type DeploymentSettings,
  RESERVED_IN_DOMAIN_PREFIX,
} from '../../shared/config/settings.js';
import { STAFF_ROLE_LABELS, STAFF_ROLES } from '../../shared/domain/staff-roles.js';

/** What the console is told at start (its `/config.json`), and what the API's authorizer checks. */
export interface ConsoleSignIn {
  /** The OpenID Connect issuer (the `iss` of the tokens). */
  readonly issuer: string;
  /** The console's client id there: the audience of its ID tokens. */
  readonly clientId: string;
  /** The scopes the console asks for. */
  readonly scope: string;
  /** Where sign-out goes when the provider has no standard end-session endpoint (Cognito). */
  readonly logoutUrl?: string;
}

export interface StaffSignInProps {
  /**
   * An existing OpenID Connect provider and the console's client there.
   * @default - a Cognito user pool made here
   */
  readonly provider?: DeploymentSettings['auth'];
  /**
   * Prefix of the user pool's managed-login domain, unique in its region (only without `provider`).
   * @default `ngo-purchase-staff-<account>`
   */
  readonly domainPrefix?: string;
}

/** Claims the console needs in the ID token: who the person is (openid, email) and their name (profile). */
const CONSOLE_SCOPES = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE];

/**
 * Where staff sign in: a Cognito user pool made for them (groups are the staff roles; managed
 * login with the authorization code grant and PKCE; no self sign-up), or an existing OpenID
 * Connect provider named by the settings. The console's client is registered once the console's
 * URL is known (`registerConsole`), because the console's response headers name this provider.
 */
export class StaffSignIn extends Construct {
  /** The issuer the API's JWT authorizer trusts. */
  readonly issuer: string;
  /** What the browser must reach to sign in, for the console's `connect-src`: discovery, keys, token endpoint. */
  readonly browserOrigins: string[];
  /** The pool staff accounts live in, when this construct made one. */
  readonly userPool?: UserPool;
  private readonly provider?: NonNullable<DeploymentSettings['auth']>;
  private readonly domain?: UserPoolDomain;

  constructor(scope: Construct, id: string, props: StaffSignInProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.provider) {
      if (props.domainPrefix !== undefined)
        throw new Error('StaffSignIn: a domain prefix is for the user pool, not for an existing provider');
      this.provider = props.provider;
      this.issuer = props.provider.issuer;
      // Its token endpoint may live on another origin; the console then needs it added here.
      this.browserOrigins = [new URL(props.provider.issuer).origin];
      return;
    }

    const userPool = new UserPool(this, 'StaffAccounts', {
      // Accounts are made by an administrator (admin-create-user), never by the public.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      keepOriginal: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 5,
        tempPasswordValidity: Duration.days(3),
      },
      // Staff approve public money: a second factor from an authenticator app, no SMS.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: sign-ins from compromised credentials or at high risk are blocked.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: '政府购买服务工作台账号 · Your staff console account',
        emailBody:
          '您的账号：{username}，临时密码：{####}。首次登录时请设置新密码并绑定身份验证器。<br>' +
          'Your account: {username}, temporary password: {####}. At first sign-in you set a new password and an authenticator app.',
      },
      // It holds the staff accounts: never deleted with the stack.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of STAFF_ROLES) {
      const label = STAFF_ROLE_LABELS[role];
      // The server reads the group names from `cognito:groups`: they are the role names exactly.
      userPool.addGroup(`Role-${role}`, { groupName: role, description: `${label.zh} · ${label.en}` });
    }
    const domainPrefix = props.domainPrefix ?? `ngo-purchase-staff-${Aws.ACCOUNT_ID}`;
    checkDomainPrefix(domainPrefix);
    this.domain = userPool.addDomain('ManagedLogin', {
      cognitoDomain: { domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.userPool = userPool;
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${userPool.userPoolId}`;
    this.browserOrigins = [`https://cognito-idp.${stack.region}.${stack.urlSuffix}`, this.domain.baseUrl()];
  }

  /**
   * The console's client, for the console served at `consoleUrl` (no trailing slash): on the
   * user pool a public app client (no secret) allowed the authorization code grant only, which
   * returns to the console's home page after sign-in and sign-out; at an existing provider the
   * configured client (whose redirect URIs its administrator registers).
   */
  registerConsole(consoleUrl: string): ConsoleSignIn {
    const scope = CONSOLE_SCOPES.map((s) => s.scopeName).join(' ');
    if (this.provider) return { issuer: this.issuer, clientId: this.provider.clientId, scope };
    const { userPool, domain } = this;
    if (!userPool || !domain) throw new Error('StaffSignIn: no user pool');
    const home = `${consoleUrl}/`;
    const client = userPool.addClient('Console', {
      generateSecret: false,
      // SRP only for SDK sign-ins (the password never travels); the console uses managed login.
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: CONSOLE_SCOPES,
        callbackUrls: [home],
        logoutUrls: [home],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });
    // Managed login shows a client's pages only once it has a style: Cognito's own.
    new CfnManagedLoginBranding(this, 'ConsoleBranding', {
      userPoolId: userPool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    return {
      issuer: this.issuer,
      clientId: client.userPoolClientId,
      scope,
      // Cognito has no end_session_endpoint; its /logout ends the managed-login session.
      logoutUrl: `${domain.baseUrl()}/logout?client_id=${client.userPoolClientId}&logout_uri=${encodeKeepingTokens(home)}`,
    };
  }
}

/** A CDK token inside a string (`${Token[...]}`), resolved only at deployment. */
const TOKEN_IN_STRING = /(\$\{Token\[[^\]]+\]\})/;

/** Refuses at synthesis a prefix Cognito would refuse at deployment (a token, like the account, counts as digits). */
function checkDomainPrefix(prefix: string): void {
  const known = prefix
    .split(TOKEN_IN_STRING)
    .map((part, i) => (i % 2 === 1 ? '0' : part))
    .join('');
  if (!COGNITO_DOMAIN_PREFIX.test(known) || RESERVED_IN_DOMAIN_PREFIX.test(known))
    throw new Error(`StaffSignIn: "${prefix}" is not a domain prefix Cognito accepts`);
}

/** `encodeURIComponent` for a string that may hold CDK tokens (left as they are, to resolve later). */
function encodeKeepingTokens(value: string): string {
  return value
    .split(TOKEN_IN_STRING)
    .map((part, i) => (i % 2 === 1 ? part : encodeURIComponent(part)))
    .join('');
}

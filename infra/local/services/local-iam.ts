import { LOCAL_ACCOUNT } from '../assembly/local-account.js';
import type { LocalFunction, LocalPolicyStatement } from '../assembly/model.js';

/**
 * The local IAM check: a function calling a local service that checks IAM (DynamoDB, Secrets
 * Manager) may do what its role's statements allow, as on AWS, so a grant narrowed too far fails
 * here and not first in production. A call that names no function (a test, the operator's CLI,
 * the runtime itself) is the account's administrator, as the fixed local credentials are.
 * Conditions are not evaluated: a conditional Allow grants nothing, a conditional Deny refuses nothing.
 */

/** One action on one resource, as IAM authorizes a request (a transaction is several). */
export interface AccessRequest {
  readonly action: string;
  readonly resource: string;
}

/** Undefined when every request is allowed, else AWS's AccessDenied message for the first that is not. */
export type LocalAuthorizer = (
  appId: string | undefined,
  requests: readonly AccessRequest[],
) => string | undefined;

const compiled = new Map<string, RegExp>();

/** An IAM pattern (`*` any run of characters, `?` one) as a whole-string regular expression. */
function patternOf(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  let regex = compiled.get(key);
  if (!regex) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
    compiled.set(key, regex);
  }
  return regex;
}

const matches = (statement: LocalPolicyStatement, { action, resource }: AccessRequest) =>
  !statement.conditional &&
  statement.actions.some((a) => patternOf(a, true).test(action)) &&
  statement.resources.some((r) => patternOf(r, false).test(resource));

/** IAM's identity-policy decision: an explicit Deny wins; otherwise some Allow must match. */
export function decide(
  statements: readonly LocalPolicyStatement[],
  request: AccessRequest,
): 'ALLOW' | 'EXPLICIT_DENY' | 'IMPLICIT_DENY' {
  if (statements.some((s) => s.effect === 'Deny' && matches(s, request))) return 'EXPLICIT_DENY';
  return statements.some((s) => s.effect === 'Allow' && matches(s, request)) ? 'ALLOW' : 'IMPLICIT_DENY';
}

/** The authorizer of the app's functions, each known by the SDK app id its clients send. */
export function localAuthorizer(
  functions: readonly LocalFunction[],
  appIdOf: (fn: LocalFunction) => string,
): LocalAuthorizer {
  const byAppId = new Map(functions.map((fn) => [appIdOf(fn), fn]));
  return (appId, requests) => {
    const fn = appId === undefined ? undefined : byAppId.get(appId);
    if (!fn?.permissions) return undefined;
    for (const request of requests) {
      const decision = decide(fn.permissions, request);
      if (decision === 'ALLOW') continue;
      const why =
        decision === 'EXPLICIT_DENY'
          ? 'with an explicit deny in an identity-based policy'
          : `because no identity-based policy allows the ${request.action} action`;
      return `User: arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${fn.logicalId}Role/${fn.name} is not authorized to perform: ${request.action} on resource: ${request.resource} ${why}`;
    }
    return undefined;
  };
}

import { UnsupportedIntrinsicError } from './errors.js';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalPolicyStatement } from './model.js';
import type { CfnResource } from './template.js';

/**
 * What a function's role may do, read from the template as IAM would: the statements of the
 * AWS::IAM::Policy resources attached to the role and of the role's inline policies, with their
 * resources resolved to the local ARNs. AWS managed policies (ManagedPolicyArns) are not known
 * locally and grant nothing here; the product's functions have none.
 */
export function rolePermissions(
  resolver: IntrinsicResolver,
  stackName: string,
  fn: CfnResource,
  warnings: string[],
): LocalPolicyStatement[] | undefined {
  const roleId = (fn.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.[
    'Fn::GetAtt'
  ]?.[0];
  if (!roleId) return undefined;
  const resources = resolver.template(stackName).Resources ?? {};
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') return undefined;
  const documents: unknown[] = [];
  for (const inline of (role.Properties?.Policies as { PolicyDocument?: unknown }[] | undefined) ?? [])
    documents.push(inline.PolicyDocument);
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles as { Ref?: string }[] | undefined) ?? [];
    if (roles.some((r) => r.Ref === roleId)) documents.push(resource.Properties?.PolicyDocument);
  }
  return documents.flatMap((document) => statementsOf(resolver, stackName, document, `${roleId}`, warnings));
}

function statementsOf(
  resolver: IntrinsicResolver,
  stackName: string,
  document: unknown,
  where: string,
  warnings: string[],
): LocalPolicyStatement[] {
  const statements = [(document as { Statement?: unknown } | undefined)?.Statement ?? []].flat() as Record<
    string,
    unknown
  >[];
  return statements.map((statement) => ({
    effect: statement.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: [statement.Action ?? []].flat().map(String),
    resources: [statement.Resource ?? []].flat().flatMap((resource) => {
      try {
        return [resolver.resolveString(resource, stackName, `${where} policy resource`)];
      } catch (error) {
        if (!(error instanceof UnsupportedIntrinsicError)) throw error;
        warnings.push(`${where}: a policy resource the local runtime cannot resolve grants nothing here`);
        return [];
      }
    }),
    conditional: statement.Condition !== undefined,
  }));
}

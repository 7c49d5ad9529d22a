import { createHash } from 'node:crypto';
import { AssemblyError, UnsupportedIntrinsicError } from './errors.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-account.js';
import { localBucketName, NAME_PROPERTY } from './physical-names.js';
import type { CfnResource, CfnTemplate, StackTemplate } from './template.js';

const NO_VALUE = Symbol('AWS::NoValue');

export interface ResolverOptions {
  /** Base URL of the local HTTP API (no trailing slash); execute-api URLs resolve to it. */
  readonly apiBaseUrl: string;
  readonly region?: string;
  readonly accountId?: string;
}

/**
 * Resolves the CloudFormation intrinsics CDK emits (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split,
 * Fn::Sub, Fn::ImportValue, Fn::If and conditions) against the templates of one assembly.
 */
export class IntrinsicResolver {
  private readonly stacks = new Map<string, CfnTemplate>();
  private exportsByName: Map<string, { stackName: string; value: unknown }> | undefined;
  readonly region: string;
  readonly accountId: string;
  readonly apiBaseUrl: string;

  constructor(stacks: readonly StackTemplate[], options: ResolverOptions) {
    for (const s of stacks) this.stacks.set(s.stackName, s.template);
    this.region = options.region ?? LOCAL_REGION;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT;
    this.apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
  }

  /** Resolves every intrinsic in `value`, as seen from stack `stackName`. */
  resolve(value: unknown, stackName: string): unknown {
    const resolved = this.walk(value, stackName, {});
    return resolved === NO_VALUE ? undefined : resolved;
  }

  resolveString(value: unknown, stackName: string, what: string): string {
    const resolved = this.resolve(value, stackName);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new UnsupportedIntrinsicError(`${what} did not resolve to a string: ${JSON.stringify(resolved)}`);
  }

  resource(stackName: string, logicalId: string): CfnResource {
    const resource = this.template(stackName).Resources?.[logicalId];
    if (!resource) throw new AssemblyError(`stack ${stackName} has no resource ${logicalId}`);
    return resource;
  }

  template(stackName: string): CfnTemplate {
    const template = this.stacks.get(stackName);
    if (!template) throw new AssemblyError(`unknown stack ${stackName}`);
    return template;
  }

  /** The local physical name of a resource: its explicit name property if literal, else the logical id. */
  physicalName(stackName: string, logicalId: string): string {
    const resource = this.resource(stackName, logicalId);
    const property = NAME_PROPERTY[resource.Type];
    const explicit = property ? resource.Properties?.[property] : undefined;
    if (explicit !== undefined) {
      const name = this.resolve(explicit, stackName);
      if (typeof name === 'string' && name !== '') return name;
    }
    return resource.Type === 'AWS::S3::Bucket' ? localBucketName(logicalId) : logicalId;
  }

  arn(stackName: string, logicalId: string): string {
    const { region: r, accountId: a } = this;
    const resource = this.resource(stackName, logicalId);
    const name = this.physicalName(stackName, logicalId);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${r}:${a}:table/${name}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${r}:${a}:function:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${r}:${a}:stateMachine:${name}`;
      case 'AWS::StepFunctions::StateMachineVersion':
        // Its number is given when the runtime publishes it: what refers to it is read by logical id.
        throw new UnsupportedIntrinsicError(
          `the ARN of state machine version ${logicalId} is known once published`,
        );
      case 'AWS::StepFunctions::StateMachineAlias':
        return `${this.aliasedStateMachineArn(stackName, logicalId)}:${name}`;
      case 'AWS::SecretsManager::Secret':
        // Real secret ARNs end in a random 6-character suffix; a stable one keeps ARNs stable across runs.
        return `arn:aws:secretsmanager:${r}:${a}:secret:${name}-${createHash('sha256').update(name).digest('hex').slice(0, 6)}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${r}:${a}:${name}`;
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${name}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${a}:role/${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${r}:${a}:log-group:${name}:*`;
      case 'AWS::SES::ConfigurationSet':
        return `arn:aws:ses:${r}:${a}:configuration-set/${name}`;
      case 'AWS::SES::EmailIdentity':
        return `arn:aws:ses:${r}:${a}:identity/${name}`;
      case 'AWS::Events::Rule':
        return `arn:aws:events:${r}:${a}:rule/${name}`;
      default: {
        const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
        return `arn:aws:${service}:${r}:${a}:${logicalId}`;
      }
    }
  }

  /** The state machine an alias belongs to: the one its first routed version was published from. */
  private aliasedStateMachineArn(stackName: string, aliasLogicalId: string): string {
    const routing = this.resource(stackName, aliasLogicalId).Properties?.RoutingConfiguration;
    const [first] = Array.isArray(routing) ? routing : [];
    const versionId = (first?.StateMachineVersionArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.[
      'Fn::GetAtt'
    ]?.[0];
    if (!versionId)
      throw new UnsupportedIntrinsicError(`alias ${aliasLogicalId} routes to no version of this template`);
    const version = this.resource(stackName, versionId);
    return this.resolveString(version.Properties?.StateMachineArn, stackName, `${versionId}.StateMachineArn`);
  }

  private ref(name: string, stackName: string, vars: Record<string, unknown>): unknown {
    if (name in vars) return vars[name];
    switch (name) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${stackName}/local`;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    const template = this.template(stackName);
    const parameter = template.Parameters?.[name];
    if (parameter) return parameter.Default;
    const resource = template.Resources?.[name];
    if (!resource) throw new UnsupportedIntrinsicError(`Ref to unknown ${name} in stack ${stackName}`);
    switch (resource.Type) {
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::StepFunctions::StateMachineVersion':
      case 'AWS::StepFunctions::StateMachineAlias':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
        return this.arn(stackName, name);
      default:
        return this.physicalName(stackName, name);
    }
  }

  private getAtt(logicalId: string, attribute: string, stackName: string): unknown {
    const resource = this.resource(stackName, logicalId);
    const name = this.physicalName(stackName, logicalId);
    switch (attribute) {
      case 'Arn':
        return this.arn(stackName, logicalId);
      case 'ApiEndpoint':
        return this.apiBaseUrl;
      case 'ApiId':
        return logicalId;
      case 'Name':
      case 'TopicName':
      case 'StateMachineName':
        return name;
      case 'TopicArn':
        return this.arn(stackName, logicalId);
      case 'StreamArn':
        return `${this.arn(stackName, logicalId)}/stream/local`;
      case 'DomainName':
        return `${name}.s3.amazonaws.com`;
      case 'RegionalDomainName':
        return `${name}.s3.${this.region}.amazonaws.com`;
      case 'DualStackDomainName':
        return `${name}.s3.dualstack.${this.region}.amazonaws.com`;
      case 'WebsiteURL':
        return `http://${name}.s3-website-${this.region}.amazonaws.com`;
      case 'RoleId':
        return `LOCAL${logicalId.toUpperCase()}`;
    }
    throw new UnsupportedIntrinsicError(
      `Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) is not supported`,
    );
  }

  private importValue(exportName: string): unknown {
    if (!this.exportsByName) {
      this.exportsByName = new Map();
      for (const [stackName, template] of this.stacks) {
        for (const output of Object.values(template.Outputs ?? {})) {
          if (output.Export?.Name === undefined) continue;
          const name = this.resolve(output.Export.Name, stackName);
          if (typeof name === 'string') this.exportsByName.set(name, { stackName, value: output.Value });
        }
      }
    }
    const found = this.exportsByName.get(exportName);
    if (!found) throw new UnsupportedIntrinsicError(`Fn::ImportValue: no stack exports ${exportName}`);
    return this.resolve(found.value, found.stackName);
  }

  private condition(name: string, stackName: string): boolean {
    const condition = this.template(stackName).Conditions?.[name];
    if (condition === undefined) throw new UnsupportedIntrinsicError(`unknown condition ${name}`);
    return this.truthy(this.walk(condition, stackName, {}));
  }

  private truthy(value: unknown): boolean {
    return value === true || value === 'true';
  }

  /** execute-api URLs of this app's HTTP APIs point at the local API server instead. */
  private localizeApiUrl(value: string): string {
    return value.replace(
      /^https:\/\/[A-Za-z0-9-]+\.execute-api\.[A-Za-z0-9-]+\.amazonaws\.com/,
      this.apiBaseUrl,
    );
  }

  private walk(value: unknown, stackName: string, vars: Record<string, unknown>): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.walk(v, stackName, vars)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (
      entries.length === 1 &&
      first &&
      (first[0] === 'Ref' || first[0].startsWith('Fn::') || first[0] === 'Condition')
    ) {
      return this.intrinsic(first[0], first[1], stackName, vars);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const resolved = this.walk(v, stackName, vars);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown, stackName: string, vars: Record<string, unknown>): unknown {
    const walk = (v: unknown) => this.walk(v, stackName, vars);
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg), stackName, vars);
      case 'Fn::GetAtt': {
        const [logicalId, ...attribute] = Array.isArray(arg)
          ? arg.map((a) => String(walk(a)))
          : String(arg).split('.');
        if (!logicalId) throw new UnsupportedIntrinsicError('Fn::GetAtt without a logical id');
        return this.getAtt(logicalId, attribute.join('.'), stackName);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown];
        const list = walk(parts);
        if (!Array.isArray(list)) throw new UnsupportedIntrinsicError('Fn::Join needs a list');
        return this.localizeApiUrl(list.map((p) => this.scalar(p, 'Fn::Join')).join(separator));
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = walk(list);
        const i = Number(walk(index));
        if (!Array.isArray(items) || !(i in items))
          throw new UnsupportedIntrinsicError(`Fn::Select index ${i} out of range`);
        return items[i];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return this.scalar(walk(source), 'Fn::Split').split(separator);
      }
      case 'Fn::Sub': {
        const [template, subVars] = Array.isArray(arg)
          ? (arg as [string, Record<string, unknown>?])
          : [arg as string];
        const resolvedVars: Record<string, unknown> = { ...vars };
        for (const [k, v] of Object.entries(subVars ?? {})) resolvedVars[k] = walk(v);
        return this.localizeApiUrl(this.substitute(template, stackName, resolvedVars));
      }
      case 'Fn::ImportValue':
        return this.importValue(this.scalar(walk(arg), 'Fn::ImportValue'));
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return walk(this.condition(condition, stackName) ? whenTrue : whenFalse);
      }
      case 'Condition':
        return this.condition(String(arg), stackName);
      case 'Fn::Equals': {
        const [a, b] = (arg as unknown[]).map(walk);
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !this.truthy(walk((arg as unknown[])[0]));
      case 'Fn::And':
        return (arg as unknown[]).every((c) => this.truthy(walk(c)));
      case 'Fn::Or':
        return (arg as unknown[]).some((c) => this.truthy(walk(c)));
      case 'Fn::ToJsonString':
        return JSON.stringify(walk(arg));
      case 'Fn::Base64':
        return Buffer.from(this.scalar(walk(arg), 'Fn::Base64')).toString('base64');
      case 'Fn::GetAZs':
        return [`${this.region}a`, `${this.region}b`, `${this.region}c`];
    }
    throw new UnsupportedIntrinsicError(`${fn} is not supported by the local runtime`);
  }

  private scalar(value: unknown, where: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new UnsupportedIntrinsicError(`${where} needs strings, got ${JSON.stringify(value)}`);
  }

  /** Fn::Sub: `${Name}` (variable, parameter, pseudo parameter or resource), `${Id.Attr}`, `${!Literal}`. */
  private substitute(template: string, stackName: string, vars: Record<string, unknown>): string {
    return template.replace(/\$\{([^}]*)\}/g, (_match, expr: string) => {
      if (expr.startsWith('!')) return `\${${expr.slice(1)}}`;
      if (expr in vars) return this.scalar(vars[expr], 'Fn::Sub');
      const dot = expr.indexOf('.');
      if (dot > 0 && !expr.startsWith('AWS::')) {
        return this.scalar(this.getAtt(expr.slice(0, dot), expr.slice(dot + 1), stackName), 'Fn::Sub');
      }
      return this.scalar(this.ref(expr, stackName, vars), 'Fn::Sub');
    });
  }
}

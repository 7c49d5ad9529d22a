import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { EventPatternError, validateEventPattern } from './services/event-patterns.js';

/**
 * Reads a synthesized cloud assembly (cdk.out) and turns its CloudFormation templates into the
 * model the local runtime runs: tables to create, functions to load, state machines to register,
 * HTTP routes to serve and secrets to answer. Intrinsics are resolved the way CloudFormation would,
 * with local physical names (the logical id unless the template names the resource).
 */

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
/** The fixed, fake credentials of the local services: nothing here can reach a real AWS account. */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'LOCALACCESSKEY',
  secretAccessKey: 'local-secret-access-key',
} as const;

export interface LocalTable {
  readonly stackName: string;
  readonly logicalId: string;
  readonly tableName: string;
  /** Only what DynamoDB Local needs: keys, attributes, indexes (billing, PITR, SSE dropped). */
  readonly createTable: CreateTableCommandInput;
  readonly timeToLiveAttribute?: string;
}

export interface LocalFunction {
  readonly stackName: string;
  readonly logicalId: string;
  /** The function name: the template's FunctionName, else the logical id. */
  readonly name: string;
  readonly arn: string;
  /** Absolute path of the bundle folder in the assembly. */
  readonly bundleDir: string;
  /** Module path inside the bundle, without extension ('index' for 'index.handler'). */
  readonly handlerModule: string;
  readonly handlerExport: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export interface LocalStateMachine {
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly definition: unknown;
}

export type RouteAuthorizer =
  | { readonly kind: 'none' }
  | { readonly kind: 'jwt'; readonly issuer: string; readonly audience: string[]; readonly scopes: string[] };

export interface LocalHttpRoute {
  readonly apiId: string;
  /** 'GET', 'POST', ... or 'ANY'; '$default' routes have method 'ANY' and path '/{proxy+}'. */
  readonly method: string;
  readonly path: string;
  readonly routeKey: string;
  readonly functionName: string;
  readonly authorizer: RouteAuthorizer;
}

/** CloudFormation GenerateSecretString, as written in the template. */
export interface GenerateSecretString {
  readonly PasswordLength?: number;
  readonly ExcludeCharacters?: string;
  readonly ExcludeLowercase?: boolean;
  readonly ExcludeUppercase?: boolean;
  readonly ExcludeNumbers?: boolean;
  readonly ExcludePunctuation?: boolean;
  readonly IncludeSpace?: boolean;
  readonly RequireEachIncludedType?: boolean;
  readonly SecretStringTemplate?: string;
  readonly GenerateStringKey?: string;
}

export interface LocalSecret {
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly generate?: GenerateSecretString;
  /** A literal SecretString from the template, when it has one instead of a generator. */
  readonly secretString?: string;
}

/** An e-mail subscription of a topic (the local SNS delivers to the mailbox, one mail per subscription). */
export interface LocalTopicSubscription {
  readonly protocol: 'email' | 'email-json';
  readonly endpoint: string;
  /** The subscription's filter policy, if any: only matching messages are mailed. */
  readonly filterPolicy?: Record<string, unknown>;
  readonly filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

export interface LocalTopic {
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** The addresses of `subscriptions`, in order. */
  readonly emailSubscribers: string[];
  readonly subscriptions: LocalTopicSubscription[];
}

export interface LocalBucket {
  readonly stackName: string;
  readonly logicalId: string;
  /** The template's BucketName, else the logical id made a valid bucket name. */
  readonly name: string;
  readonly arn: string;
  /** Whether the bucket sends its events to EventBridge (CDK's `eventBridgeEnabled: true`). */
  readonly eventBridgeEnabled: boolean;
}

/** One Lambda destination of a bucket's event notifications. */
export interface LocalBucketNotification {
  readonly bucketName: string;
  /** The configuration's Id, or one derived from where it is declared (S3 generates one too). */
  readonly id: string;
  /** S3 event types, e.g. 's3:ObjectCreated:*', 's3:ObjectCreated:Post'. */
  readonly events: string[];
  readonly functionArn: string;
  readonly functionName: string;
  readonly prefix?: string;
  readonly suffix?: string;
}

/** A Lambda target of an EventBridge rule. */
export interface LocalEventRuleTarget {
  /** The target's Id in the rule. */
  readonly id: string;
  readonly functionArn: string;
  readonly functionName: string;
  /** Constant JSON the function receives instead of the event (the target's Input). */
  readonly input?: unknown;
  /** JSONPath of the part of the event the function receives (the target's InputPath), e.g. `$.detail`. */
  readonly inputPath?: string;
}

/** An AWS::Events::Rule with an event pattern; only its Lambda targets are served locally. */
export interface LocalEventRule {
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** 'default' unless the rule names another bus (events the local runtime makes go to 'default'). */
  readonly eventBusName: string;
  readonly enabled: boolean;
  readonly eventPattern: Record<string, unknown>;
  readonly targets: LocalEventRuleTarget[];
}

export interface LocalApp {
  readonly assemblyDir: string;
  readonly stackNames: string[];
  readonly tables: LocalTable[];
  readonly functions: LocalFunction[];
  readonly stateMachines: LocalStateMachine[];
  readonly routes: LocalHttpRoute[];
  readonly secrets: LocalSecret[];
  readonly topics: LocalTopic[];
  readonly buckets: LocalBucket[];
  readonly bucketNotifications: LocalBucketNotification[];
  readonly eventRules: LocalEventRule[];
  /** Parts of the templates the local runtime reads but does not run (the runtime logs them at start). */
  readonly warnings: string[];
  /** Stack name -> output key -> resolved value. */
  readonly outputs: Record<string, Record<string, string>>;
}

export class AssemblyError extends Error {
  override name = 'AssemblyError';
}

export class UnsupportedIntrinsicError extends Error {
  override name = 'UnsupportedIntrinsicError';
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
}

interface StackTemplate {
  readonly stackName: string;
  readonly template: CfnTemplate;
}

/** Property that carries a resource's explicit physical name, per type. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SES::ConfigurationSet': 'Name',
  'AWS::SES::EmailIdentity': 'EmailIdentity',
  'AWS::Events::Rule': 'Name',
};

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

/** A bucket name S3 accepts (3-63 lower-case letters, digits, dots, hyphens) made from a logical id. */
export function localBucketName(logicalId: string): string {
  const name = logicalId
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name.length >= 3 ? name : `${name}-bucket`.replace(/^-/, '');
}

/** Replaces `${key}` placeholders of a state machine definition with DefinitionSubstitutions. */
export function applyDefinitionSubstitutions(
  definition: string,
  substitutions: Record<string, unknown>,
): string {
  return definition.replace(/\$\{([^}]+)\}/g, (match, key: string) =>
    key in substitutions ? String(substitutions[key]) : match,
  );
}

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: Record<string, unknown>; displayName?: string }>;
}

/** Reads manifest.json (and nested assemblies of stages) and returns every stack template. */
export function readStackTemplates(assemblyDir: string): StackTemplate[] {
  const manifestPath = join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestPath))
    throw new AssemblyError(`${assemblyDir} is not a cloud assembly (no manifest.json)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const stacks: StackTemplate[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const templateFile = artifact.properties?.templateFile;
      if (typeof templateFile !== 'string') continue;
      const stackName =
        typeof artifact.properties?.stackName === 'string' ? artifact.properties.stackName : artifactId;
      const template = JSON.parse(readFileSync(join(assemblyDir, templateFile), 'utf8')) as CfnTemplate;
      stacks.push({ stackName, template });
    } else if (artifact.type === 'cdk:cloud-assembly') {
      const directoryName = artifact.properties?.directoryName;
      if (typeof directoryName === 'string')
        stacks.push(...readStackTemplates(join(assemblyDir, directoryName)));
    }
  }
  return stacks;
}

/** Loads a cloud assembly into the model the local runtime runs. */
export function loadAssembly(assemblyDir: string, options: ResolverOptions): LocalApp {
  const dir = resolve(assemblyDir);
  const stacks = readStackTemplates(dir);
  const resolver = new IntrinsicResolver(stacks, options);
  const app: LocalApp = {
    assemblyDir: dir,
    stackNames: stacks.map((s) => s.stackName),
    tables: [],
    functions: [],
    stateMachines: [],
    routes: [],
    secrets: [],
    topics: [],
    buckets: [],
    bucketNotifications: [],
    eventRules: [],
    warnings: [],
    outputs: {},
  };
  const notificationResources: { stackName: string; logicalId: string; props: Record<string, unknown> }[] =
    [];
  const subscriptions: { topicArn: string; subscription: LocalTopicSubscription }[] = [];
  const routeResources: { stackName: string; logicalId: string; props: Record<string, unknown> }[] = [];
  const ruleResources: { stackName: string; logicalId: string; props: Record<string, unknown> }[] = [];

  for (const { stackName, template } of stacks) {
    // CDK's bucket-notifications handler is inline Python that configures real S3: locally the
    // runtime routes the events itself, so that function is not loaded.
    const notificationHandlers = new Set(
      Object.values(template.Resources ?? {})
        .filter((r) => r.Type === BUCKET_NOTIFICATIONS_TYPE)
        .map((r) => getAttTarget(r.Properties?.ServiceToken))
        .filter((id): id is string => id !== undefined),
    );
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const props = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable':
          app.tables.push(tableModel(resolver, stackName, logicalId, props));
          break;
        case 'AWS::Lambda::Function':
          if (!notificationHandlers.has(logicalId))
            app.functions.push(functionModel(resolver, dir, stackName, logicalId, resource));
          break;
        case 'AWS::S3::Bucket':
          app.buckets.push({
            stackName,
            logicalId,
            name: resolver.physicalName(stackName, logicalId),
            arn: resolver.arn(stackName, logicalId),
            eventBridgeEnabled: false,
          });
          if (props.NotificationConfiguration !== undefined)
            notificationResources.push({ stackName, logicalId, props });
          break;
        case BUCKET_NOTIFICATIONS_TYPE:
          notificationResources.push({ stackName, logicalId, props });
          break;
        case 'AWS::StepFunctions::StateMachine':
          app.stateMachines.push(stateMachineModel(resolver, stackName, logicalId, props));
          break;
        case 'AWS::ApiGatewayV2::Route':
          routeResources.push({ stackName, logicalId, props });
          break;
        case 'AWS::Events::Rule':
          ruleResources.push({ stackName, logicalId, props });
          break;
        case 'AWS::SecretsManager::Secret':
          app.secrets.push({
            stackName,
            logicalId,
            name: resolver.physicalName(stackName, logicalId),
            arn: resolver.arn(stackName, logicalId),
            ...(props.GenerateSecretString
              ? { generate: resolver.resolve(props.GenerateSecretString, stackName) as GenerateSecretString }
              : {}),
            ...(props.SecretString !== undefined
              ? {
                  secretString: resolver.resolveString(
                    props.SecretString,
                    stackName,
                    `${logicalId}.SecretString`,
                  ),
                }
              : {}),
          });
          break;
        case 'AWS::SNS::Topic': {
          const arn = resolver.arn(stackName, logicalId);
          app.topics.push({
            stackName,
            logicalId,
            name: resolver.physicalName(stackName, logicalId),
            arn,
            emailSubscribers: [],
            subscriptions: [],
          });
          for (const s of (resolver.resolve(props.Subscription, stackName) as
            | SubscriptionProps[]
            | undefined) ?? []) {
            const subscription = emailSubscription(s, `topic ${logicalId}`);
            if (subscription) subscriptions.push({ topicArn: arn, subscription });
          }
          break;
        }
        case 'AWS::SNS::Subscription': {
          const s = resolver.resolve(props, stackName) as SubscriptionProps & { TopicArn?: string };
          const subscription = emailSubscription(s, `subscription ${logicalId}`);
          if (subscription && s.TopicArn) subscriptions.push({ topicArn: s.TopicArn, subscription });
          break;
        }
      }
    }
    const outputs: Record<string, string> = {};
    for (const [key, output] of Object.entries(template.Outputs ?? {})) {
      // An output the local runtime cannot resolve (a custom resource attribute) is simply not listed.
      try {
        outputs[key] = resolver.resolveString(output.Value, stackName, `output ${key}`);
      } catch (error) {
        if (!(error instanceof UnsupportedIntrinsicError)) throw error;
      }
    }
    app.outputs[stackName] = outputs;
  }

  for (const topic of app.topics) {
    // TopicArn may also be the topic's name when a template was written by hand.
    const own = subscriptions.filter((s) => s.topicArn === topic.arn || s.topicArn === topic.name);
    topic.subscriptions.push(...own.map((s) => s.subscription));
    topic.emailSubscribers.push(...own.map((s) => s.subscription.endpoint));
  }
  for (const route of routeResources) {
    const model = routeModel(resolver, app.functions, route.stackName, route.logicalId, route.props);
    if (model) app.routes.push(model);
  }
  const eventBridgeBuckets = new Set<string>();
  for (const source of notificationResources) {
    const { bucketName, eventBridgeEnabled, notifications } = bucketNotificationModels(
      resolver,
      app.functions,
      source.stackName,
      source.logicalId,
      source.props,
    );
    app.bucketNotifications.push(...notifications);
    if (eventBridgeEnabled) eventBridgeBuckets.add(bucketName);
  }
  app.buckets.splice(
    0,
    app.buckets.length,
    ...app.buckets.map((b) => ({ ...b, eventBridgeEnabled: eventBridgeBuckets.has(b.name) })),
  );
  for (const rule of ruleResources) {
    const model = eventRuleModel(
      resolver,
      app.functions,
      app.warnings,
      rule.stackName,
      rule.logicalId,
      rule.props,
    );
    if (model) app.eventRules.push(model);
  }
  return app;
}

const BUCKET_NOTIFICATIONS_TYPE = 'Custom::S3BucketNotifications';

/** The logical id an `Fn::GetAtt` points at, if the value is one. */
function getAttTarget(value: unknown): string | undefined {
  const target = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(target) && typeof target[0] === 'string') return target[0];
  if (typeof target === 'string') return target.split('.')[0];
  return undefined;
}

interface FilterRule {
  Name?: string;
  Value?: string;
}

/**
 * Lambda destinations of a bucket's notifications, and whether it sends events to EventBridge: CDK's
 * `Custom::S3BucketNotifications` (NotificationConfiguration in the S3 API's shape, with
 * `EventBridgeConfiguration: {}` when enabled) or a bucket's own CloudFormation NotificationConfiguration
 * (`EventBridgeConfiguration: { EventBridgeEnabled: true }`). Queue and topic destinations are not
 * served locally.
 */
function bucketNotificationModels(
  resolver: IntrinsicResolver,
  functions: readonly LocalFunction[],
  stackName: string,
  logicalId: string,
  rawProps: Record<string, unknown>,
): { bucketName: string; eventBridgeEnabled: boolean; notifications: LocalBucketNotification[] } {
  const isBucket = resolver.resource(stackName, logicalId).Type === 'AWS::S3::Bucket';
  const bucketName = isBucket
    ? resolver.physicalName(stackName, logicalId)
    : resolver.resolveString(rawProps.BucketName, stackName, `${logicalId}.BucketName`);
  const configuration = resolver.resolve(rawProps.NotificationConfiguration, stackName) as
    | {
        EventBridgeConfiguration?: { EventBridgeEnabled?: boolean | string };
        LambdaFunctionConfigurations?: {
          Id?: string;
          Events?: string[];
          LambdaFunctionArn?: string;
          Filter?: { Key?: { FilterRules?: FilterRule[] } };
        }[];
        LambdaConfigurations?: {
          Event?: string;
          Function?: string;
          Filter?: { S3Key?: { Rules?: FilterRule[] } };
        }[];
      }
    | undefined;
  const destinations = [
    ...(configuration?.LambdaFunctionConfigurations ?? []).map((c) => ({
      id: c.Id,
      events: c.Events ?? [],
      functionArn: c.LambdaFunctionArn ?? '',
      rules: c.Filter?.Key?.FilterRules ?? [],
    })),
    ...(configuration?.LambdaConfigurations ?? []).map((c) => ({
      id: undefined,
      events: c.Event ? [c.Event] : [],
      functionArn: c.Function ?? '',
      rules: c.Filter?.S3Key?.Rules ?? [],
    })),
  ];
  const eventBridge = configuration?.EventBridgeConfiguration;
  const eventBridgeEnabled =
    eventBridge !== undefined &&
    eventBridge.EventBridgeEnabled !== false &&
    eventBridge.EventBridgeEnabled !== 'false';
  const notifications = destinations.map((d, index) => {
    const fn = functions.find((f) => f.arn === d.functionArn || f.name === d.functionArn);
    if (!fn) {
      throw new AssemblyError(
        `notifications of bucket ${bucketName} (${logicalId}) go to ${d.functionArn}, not a function of this app`,
      );
    }
    const rule = (name: string) => d.rules.find((r) => r.Name?.toLowerCase() === name)?.Value;
    const prefix = rule('prefix');
    const suffix = rule('suffix');
    return {
      bucketName,
      id: d.id ?? `${logicalId}-${index}`,
      events: d.events,
      functionArn: fn.arn,
      functionName: fn.name,
      ...(prefix !== undefined ? { prefix } : {}),
      ...(suffix !== undefined ? { suffix } : {}),
    };
  });
  return { bucketName, eventBridgeEnabled, notifications };
}

interface RuleTargetProps {
  Id?: string;
  Arn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: unknown;
}

/**
 * An event rule with its Lambda targets. Scheduled rules and targets other than this app's functions
 * (queues, state machines, input transformers) are not run locally: they become warnings, not errors,
 * so an app that has them still starts. A pattern the local matcher cannot serve is an error.
 */
function eventRuleModel(
  resolver: IntrinsicResolver,
  functions: readonly LocalFunction[],
  warnings: string[],
  stackName: string,
  logicalId: string,
  rawProps: Record<string, unknown>,
): LocalEventRule | undefined {
  const props = resolver.resolve(rawProps, stackName) as {
    EventPattern?: unknown;
    ScheduleExpression?: string;
    State?: string;
    EventBusName?: string;
    Targets?: RuleTargetProps[];
  };
  const name = resolver.physicalName(stackName, logicalId);
  if (props.EventPattern === undefined) {
    warnings.push(
      `event rule ${name}: only rules with an event pattern run locally (not ${props.ScheduleExpression ?? 'this one'})`,
    );
    return undefined;
  }
  const eventPattern =
    typeof props.EventPattern === 'string' ? JSON.parse(props.EventPattern) : props.EventPattern;
  try {
    validateEventPattern(eventPattern);
  } catch (error) {
    if (error instanceof EventPatternError)
      throw new AssemblyError(`event rule ${name} (${logicalId}): ${error.message}`);
    throw error;
  }
  const targets: LocalEventRuleTarget[] = [];
  for (const target of props.Targets ?? []) {
    const id = target.Id ?? String(targets.length);
    const arn = target.Arn ?? '';
    // A qualified ARN (version or alias) runs the same local function.
    const fn = functions.find((f) => f.arn === arn || f.name === arn || arn.startsWith(`${f.arn}:`));
    if (!fn) {
      warnings.push(
        `event rule ${name}: target ${id} (${arn}) is not a function of this app; it is not run locally`,
      );
      continue;
    }
    if (target.InputTransformer !== undefined) {
      warnings.push(`event rule ${name}: target ${id} uses an input transformer, which is not run locally`);
      continue;
    }
    targets.push({
      id,
      functionArn: fn.arn,
      functionName: fn.name,
      ...(target.Input !== undefined ? { input: JSON.parse(target.Input) as unknown } : {}),
      ...(target.InputPath !== undefined ? { inputPath: target.InputPath } : {}),
    });
  }
  const busName = props.EventBusName ?? 'default';
  return {
    stackName,
    logicalId,
    name,
    arn: resolver.arn(stackName, logicalId),
    // An event bus may be given by ARN: its name is what follows 'event-bus/'.
    eventBusName: busName.replace(/^arn:[^:]*:events:[^:]*:[^:]*:event-bus\//, ''),
    // CloudFormation's default is ENABLED; ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled too.
    enabled: props.State === undefined || props.State.startsWith('ENABLED'),
    eventPattern: eventPattern as Record<string, unknown>,
    targets,
  };
}

interface SubscriptionProps {
  Protocol?: string;
  Endpoint?: string;
  FilterPolicy?: unknown;
  FilterPolicyScope?: string;
}

/** The e-mail subscription of a template's subscription properties; other protocols are not served. */
function emailSubscription(s: SubscriptionProps, where: string): LocalTopicSubscription | undefined {
  if ((s.Protocol !== 'email' && s.Protocol !== 'email-json') || !s.Endpoint) return undefined;
  const filterPolicy = (typeof s.FilterPolicy === 'string' ? JSON.parse(s.FilterPolicy) : s.FilterPolicy) as
    | Record<string, unknown>
    | undefined;
  if (filterPolicy !== undefined) {
    try {
      validateEventPattern(filterPolicy);
    } catch (error) {
      if (error instanceof EventPatternError)
        throw new AssemblyError(
          `${where}: filter policy: ${error.message.replace('event pattern', 'policy')}`,
        );
      throw error;
    }
  }
  return {
    protocol: s.Protocol,
    endpoint: s.Endpoint,
    ...(filterPolicy !== undefined ? { filterPolicy } : {}),
    ...(s.FilterPolicyScope === 'MessageBody' || s.FilterPolicyScope === 'MessageAttributes'
      ? { filterPolicyScope: s.FilterPolicyScope }
      : {}),
  };
}

function tableModel(
  resolver: IntrinsicResolver,
  stackName: string,
  logicalId: string,
  rawProps: Record<string, unknown>,
): LocalTable {
  const props = resolver.resolve(rawProps, stackName) as {
    KeySchema: CreateTableCommandInput['KeySchema'];
    AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
    GlobalSecondaryIndexes?: { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    LocalSecondaryIndexes?: { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    TimeToLiveSpecification?: { AttributeName?: string; Enabled?: boolean };
  };
  const tableName = resolver.physicalName(stackName, logicalId);
  // Only keys and indexes: DynamoDB Local may reject the production-only settings.
  const createTable: CreateTableCommandInput = {
    TableName: tableName,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    BillingMode: 'PAY_PER_REQUEST',
  };
  if (props.GlobalSecondaryIndexes?.length) {
    createTable.GlobalSecondaryIndexes = props.GlobalSecondaryIndexes.map((gsi) => ({
      IndexName: gsi.IndexName,
      KeySchema: gsi.KeySchema,
      Projection: gsi.Projection,
    })) as CreateTableCommandInput['GlobalSecondaryIndexes'];
  }
  if (props.LocalSecondaryIndexes?.length) {
    createTable.LocalSecondaryIndexes = props.LocalSecondaryIndexes.map((lsi) => ({
      IndexName: lsi.IndexName,
      KeySchema: lsi.KeySchema,
      Projection: lsi.Projection,
    })) as CreateTableCommandInput['LocalSecondaryIndexes'];
  }
  const ttl = props.TimeToLiveSpecification;
  return {
    stackName,
    logicalId,
    tableName,
    createTable,
    ...(ttl?.Enabled !== false && ttl?.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
  };
}

function functionModel(
  resolver: IntrinsicResolver,
  assemblyDir: string,
  stackName: string,
  logicalId: string,
  resource: CfnResource,
): LocalFunction {
  const props = resource.Properties ?? {};
  const assetPath = bundleFolder(assemblyDir, resource);
  if (!assetPath) {
    throw new AssemblyError(
      `function ${logicalId}: no bundle folder in the assembly (inline code is not supported)`,
    );
  }
  const handler = resolver.resolveString(props.Handler ?? 'index.handler', stackName, `${logicalId}.Handler`);
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new AssemblyError(`function ${logicalId} has an invalid handler ${handler}`);
  const variables =
    (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    environment[key] = resolver.resolveString(value, stackName, `${logicalId} environment ${key}`);
  }
  return {
    stackName,
    logicalId,
    name: resolver.physicalName(stackName, logicalId),
    arn: resolver.arn(stackName, logicalId),
    bundleDir: resolve(assemblyDir, assetPath),
    handlerModule: handler.slice(0, dot),
    handlerExport: handler.slice(dot + 1),
    environment,
    timeoutSeconds: Number(resolver.resolve(props.Timeout, stackName) ?? 3),
    memoryMb: Number(resolver.resolve(props.MemorySize, stackName) ?? 128),
  };
}

/**
 * The function's bundle folder: `aws:asset:path` metadata when synthesis recorded it (the CLI does;
 * an in-process App only with context `aws:cdk:enable-asset-metadata`), else `asset.<hash>` named by
 * the code's S3 key.
 */
function bundleFolder(assemblyDir: string, resource: CfnResource): string | undefined {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return assetPath;
  const s3Key = (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
  const hash = typeof s3Key === 'string' ? /^([0-9a-f]{64})\.zip$/.exec(s3Key)?.[1] : undefined;
  if (hash && existsSync(join(assemblyDir, `asset.${hash}`))) return `asset.${hash}`;
  return undefined;
}

function stateMachineModel(
  resolver: IntrinsicResolver,
  stackName: string,
  logicalId: string,
  props: Record<string, unknown>,
): LocalStateMachine {
  let text: string;
  if (props.DefinitionString !== undefined) {
    text = resolver.resolveString(props.DefinitionString, stackName, `${logicalId}.DefinitionString`);
  } else if (props.Definition !== undefined) {
    text = JSON.stringify(resolver.resolve(props.Definition, stackName));
  } else {
    throw new AssemblyError(
      `state machine ${logicalId} has no inline definition (S3 definitions are not supported)`,
    );
  }
  if (props.DefinitionSubstitutions !== undefined) {
    const substitutions = resolver.resolve(props.DefinitionSubstitutions, stackName) as Record<
      string,
      unknown
    >;
    text = applyDefinitionSubstitutions(text, substitutions);
  }
  return {
    stackName,
    logicalId,
    name: resolver.physicalName(stackName, logicalId),
    arn: resolver.arn(stackName, logicalId),
    definition: JSON.parse(text),
  };
}

function routeModel(
  resolver: IntrinsicResolver,
  functions: readonly LocalFunction[],
  stackName: string,
  logicalId: string,
  rawProps: Record<string, unknown>,
): LocalHttpRoute | undefined {
  const props = resolver.resolve(rawProps, stackName) as {
    ApiId: string;
    RouteKey: string;
    Target?: string;
    AuthorizationType?: string;
    AuthorizerId?: string;
    AuthorizationScopes?: string[];
  };
  const integrationId = props.Target?.replace(/^integrations\//, '');
  if (!integrationId) return undefined;
  const integration = resolver.resource(stackName, integrationId);
  const uri = resolver.resolve(integration.Properties?.IntegrationUri, stackName);
  const fn = functions.find((f) => typeof uri === 'string' && (f.arn === uri || uri.includes(`${f.arn}/`)));
  if (!fn) {
    throw new AssemblyError(
      `route ${props.RouteKey} (${logicalId}) does not integrate a function of this app`,
    );
  }
  let authorizer: RouteAuthorizer = { kind: 'none' };
  if (props.AuthorizationType === 'JWT' && props.AuthorizerId) {
    const resource = resolver.resource(stackName, props.AuthorizerId);
    const config = resolver.resolve(resource.Properties?.JwtConfiguration, stackName) as
      | { Audience?: string[]; Issuer?: string }
      | undefined;
    authorizer = {
      kind: 'jwt',
      issuer: config?.Issuer ?? '',
      audience: config?.Audience ?? [],
      scopes: props.AuthorizationScopes ?? [],
    };
  } else if (props.AuthorizationType && props.AuthorizationType !== 'NONE') {
    throw new AssemblyError(
      `route ${props.RouteKey}: authorization ${props.AuthorizationType} is not supported locally`,
    );
  }
  const [method, path] =
    props.RouteKey === '$default' ? ['ANY', '/{proxy+}'] : (props.RouteKey.split(' ') as [string, string]);
  return { apiId: props.ApiId, method, path, routeKey: props.RouteKey, functionName: fn.name, authorizer };
}

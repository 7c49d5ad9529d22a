import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { ScheduleExpression } from '../services/schedule-expressions.js';

/**
 * The model of a loaded app, the part of a cloud assembly the local runtime runs: tables to create,
 * functions to load, state machines to register, HTTP routes to serve, secrets to answer, topics,
 * buckets and their notifications, and event rules.
 */

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
  /**
   * The identity policy statements of the function's role, resolved to local ARNs (role-permissions.ts):
   * what the local services that check IAM let it do. Absent for a function whose role the
   * template does not give.
   */
  readonly permissions?: readonly LocalPolicyStatement[];
}

/** One statement of a role's policy, as the local IAM check evaluates it. */
export interface LocalPolicyStatement {
  readonly effect: 'Allow' | 'Deny';
  /** Action patterns (`service:Action`, `*` and `?` wildcards). */
  readonly actions: readonly string[];
  /** Resource ARN patterns; one the runtime could not resolve is left out (it then matches nothing). */
  readonly resources: readonly string[];
  /** A statement with a Condition is not evaluated locally: an Allow of it grants nothing, a Deny of it refuses nothing. */
  readonly conditional: boolean;
}

/** A function the deploy invokes once (CDK's `triggers.Trigger`), e.g. to seed the reference data. */
export interface LocalTrigger {
  readonly stackName: string;
  readonly logicalId: string;
  readonly functionLogicalId: string;
}

export interface LocalStateMachine {
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly definition: unknown;
  /** The execution role (`RoleArn`), resolved to its local ARN. */
  readonly roleArn?: string;
  readonly type: 'STANDARD' | 'EXPRESS';
}

/** A version the template publishes (`AWS::StepFunctions::StateMachineVersion`): numbered as it is published. */
export interface LocalStateMachineVersion {
  readonly logicalId: string;
  readonly stateMachineArn: string;
  readonly description?: string;
}

/** An alias of the template (`AWS::StepFunctions::StateMachineAlias`), routing to versions by their logical ids. */
export interface LocalStateMachineAlias {
  readonly logicalId: string;
  readonly name: string;
  readonly description?: string;
  readonly routes: { readonly versionLogicalId: string; readonly weight: number }[];
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
  /** The stage's throttling of the route (its RouteSettings, else DefaultRouteSettings); none: not throttled. */
  readonly throttle?: RouteThrottle;
}

/** Requests a second in the steady state, and how many may come at once (API Gateway's token bucket). */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
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
  /** Whether versioning is enabled (`VersioningConfiguration.Status: Enabled`, CDK's `versioned: true`). */
  readonly versioned: boolean;
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

/**
 * An AWS::Events::Rule with an event pattern, a schedule or both; only its Lambda targets are served
 * locally.
 */
export interface LocalEventRule {
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** 'default' unless the rule names another bus (events the local runtime makes go to 'default'). */
  readonly eventBusName: string;
  readonly enabled: boolean;
  /** Events on the bus that this rule matches; absent for a rule that only runs on a schedule. */
  readonly eventPattern?: Record<string, unknown>;
  /** When the rule fires by itself (its ScheduleExpression, UTC), on the local engine's clock. */
  readonly schedule?: ScheduleExpression;
  readonly targets: LocalEventRuleTarget[];
}

/**
 * A CloudFront distribution serving a bucket deployment's files, with some paths routed to the
 * app's HTTP API (the staff console).
 */
export interface LocalConsoleDistribution {
  /** The deployed files: the deployment's source asset folder in the assembly. */
  readonly siteDir: string;
  /** Path patterns of the behaviours whose origin is the HTTP API. */
  readonly apiPathPatterns: readonly string[];
  /** The response headers policy's headers (security headers and custom headers). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface LocalApp {
  readonly assemblyDir: string;
  readonly stackNames: string[];
  readonly tables: LocalTable[];
  readonly functions: LocalFunction[];
  readonly stateMachines: LocalStateMachine[];
  /** Published in template order once the state machines are registered, then the aliases created. */
  readonly stateMachineVersions: LocalStateMachineVersion[];
  readonly stateMachineAliases: LocalStateMachineAlias[];
  readonly routes: LocalHttpRoute[];
  readonly secrets: LocalSecret[];
  readonly topics: LocalTopic[];
  readonly buckets: LocalBucket[];
  readonly bucketNotifications: LocalBucketNotification[];
  readonly eventRules: LocalEventRule[];
  /** Invoked in template order once the tables are deployed, before anything else runs. */
  readonly triggers: LocalTrigger[];
  /** The staff console's CloudFront distribution, when the app has one. */
  readonly consoleDistribution?: LocalConsoleDistribution;
  /** Parts of the templates the local runtime reads but does not run (the runtime logs them at start). */
  readonly warnings: string[];
  /** Stack name -> output key -> resolved value. */
  readonly outputs: Record<string, Record<string, string>>;
}

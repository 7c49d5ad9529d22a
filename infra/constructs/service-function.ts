import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arn, ArnFormat, type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { GSI1, GSI2 } from '../../shared/adapters/dynamodb/table-design.js';
import type { LifecycleSettings } from '../../shared/domain/lifecycle-settings.js';
import type { PolicySettings } from '../../shared/domain/policy-settings.js';
import { deployedLifecycle, deployedPolicy, type ReferenceData } from '../../shared/domain/reference-data.js';
import { ENV } from '../../shared/lambda/environment.js';
import { acknowledge, findingResource, REASONS } from '../nag.js';
import { functionBundle } from './function-bundle.js';

const functionsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'functions');

/** What a function does with the table: only read it, or read and (conditionally) write it. */
export type TableAccess = 'read' | 'readWrite';

export interface ServiceFunctionProps {
  /** Folder under `functions/` holding `handler.ts`. */
  readonly name: string;
  readonly description: string;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 256 MB */
  readonly memorySize?: number;
}

/**
 * The one way this product makes a Lambda function: Node.js on ARM, its code bundled by the
 * local esbuild (`functionBundle`), X-Ray tracing, JSON logs kept for a year. Permissions are granted only
 * through the intent methods below, each naming what the function does.
 */
export class ServiceFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.name} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      code: functionBundle(join(functionsDir, props.name, 'handler.ts')),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
    });
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledge(policy, 'IAM5[Resource::*]', REASONS.xray);
      acknowledge(
        policy,
        `IAM5[Resource::<${Stack.of(this).getLogicalId(logGroup.node.defaultChild as CfnElement)}.Arn>:*]`,
        REASONS.logStreams,
      );
    }
  }

  /**
   * Reads (GetItem, BatchGetItem, Query) and, unless `access` is 'read', conditionally writes the
   * system-of-record table and its indexes. There is deliberately no DeleteItem: nothing a user
   * submitted is ever deleted by the system. A function that only reads gets 'read', so a flaw in
   * it cannot change a record.
   */
  useTable(table: ITable, access: TableAccess = 'readWrite'): this {
    const read = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
    const write = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: access === 'read' ? read : [...read, ...write],
        resources: [
          table.tableArn,
          ...[GSI1, GSI2].map((index) => `${table.tableArn}/index/${index.indexName}`),
        ],
      }),
    );
    this.addEnvironment(ENV.tableName, table.tableName);
    return this;
  }

  /**
   * Gets the policy settings it enforces: the thresholds. The reference data (budget lines,
   * benchmarks, approvers) is in the table, read with `loadReferenceData()`.
   */
  usePolicySettings(settings: PolicySettings): this {
    this.addEnvironment(ENV.policySettings, JSON.stringify(deployedPolicy(settings)));
    return this;
  }

  /** Gets the reference data the deploy seeds the table with (the seeding function only). */
  seedsReferenceData(seed: ReferenceData): this {
    this.addEnvironment(ENV.referenceSeed, JSON.stringify(seed));
    return this;
  }

  /** Gets the settings of the stages after approval (uploads, contract, payments, evaluation), without the agency roster the table holds. */
  useLifecycleSettings(settings: LifecycleSettings): this {
    this.addEnvironment(ENV.lifecycleSettings, JSON.stringify(deployedLifecycle(settings)));
    return this;
  }

  /**
   * Works with objects under `prefix` of the documents bucket: `read` them, `write` new ones
   * (or sign POST policies that let a browser write them), `tag` them (quarantine). Never delete.
   */
  useDocuments(bucket: IBucket, prefix: string, access: ReadonlyArray<'read' | 'write' | 'tag'>): this {
    const actions = access.flatMap((a) =>
      // A read or a tag is pinned to a version (the one checked) in the versioned documents bucket.
      a === 'read'
        ? ['s3:GetObject', 's3:GetObjectVersion']
        : a === 'write'
          ? ['s3:PutObject']
          : ['s3:PutObjectTagging', 's3:PutObjectVersionTagging'],
    );
    this.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
    this.addEnvironment(ENV.documentsBucket, bucket.bucketName);
    const policy = this.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledge(
        policy,
        `IAM5[Resource::${findingResource(this, bucket.arnForObjects(`${prefix}*`))}]`,
        `Object keys under ${prefix} are made per purchase and upload at run time; access is limited to that prefix.`,
      );
    }
    return this;
  }

  /** Publishes finance notifications to the topic. */
  publishTo(topic: ITopic): this {
    topic.grantPublish(this);
    this.addEnvironment(ENV.paymentsTopicArn, topic.topicArn);
    return this;
  }

  /** Signs or checks task links (the e-mailed decision links) with the task-link keys. */
  useTaskLinkKeys(secret: ISecret): this {
    secret.grantRead(this);
    this.addEnvironment(ENV.taskLinkKeysSecretArn, secret.secretArn);
    return this;
  }

  /** Signs or checks NGO page links with the NGO-link keys, which can sign no task link. */
  useNgoLinkKeys(secret: ISecret): this {
    secret.grantRead(this);
    this.addEnvironment(ENV.ngoLinkKeysSecretArn, secret.secretArn);
    return this;
  }

  /**
   * Rotates the keys of both kinds of link: reads and rewrites both secrets (GetSecretValue,
   * PutSecretValue), nothing else with them. The operators' RotateLinkKeys function only.
   */
  rotatesLinkKeys(taskLinkKeys: ISecret, ngoLinkKeys: ISecret): this {
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: [taskLinkKeys.secretArn, ngoLinkKeys.secretArn],
      }),
    );
    this.addEnvironment(ENV.taskLinkKeysSecretArn, taskLinkKeys.secretArn);
    this.addEnvironment(ENV.ngoLinkKeysSecretArn, ngoLinkKeys.secretArn);
    return this;
  }

  /** Sends e-mail from the configured identity. */
  sendMailAs(identityArn: string, from: string, configurationSetArn?: string): this {
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail'],
        resources: configurationSetArn ? [identityArn, configurationSetArn] : [identityArn],
      }),
    );
    this.addEnvironment(ENV.mailFrom, from);
    return this;
  }

  /**
   * Hands answers back to the state machine's waiting steps (SendTaskSuccess/Failure). The ARN is
   * built from the state machine's fixed name, so the steps it invokes may be granted it too.
   */
  completeTasksOf(stateMachineArn: string): this {
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [stateMachineArn],
      }),
    );
    return this;
  }

  /**
   * Starts executions of the purchase lifecycle through its alias, and only through it (so every
   * execution runs a published version). The alias ARN is built from the state machine's fixed
   * name: no reference cycle, so the state machine's own hand-over step can be granted it too.
   */
  startExecutionsThrough(aliasArn: string): this {
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['states:StartExecution'],
        resources: [aliasArn],
      }),
    );
    this.addEnvironment(ENV.stateMachineArn, aliasArn);
    return this;
  }

  /** Reads the status of the state machine's executions (DescribeExecution only); `aliasArn` as above. */
  readExecutionsOf(stateMachineName: string, aliasArn: string): this {
    // Built from the fixed name, not a reference: the hand-over step, which the state machine
    // invokes, reads executions too, and a reference would be a cycle.
    const executions = Arn.format(
      {
        service: 'states',
        resource: 'execution',
        resourceName: `${stateMachineName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      Stack.of(this),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['states:DescribeExecution'],
        resources: [executions],
      }),
    );
    this.addEnvironment(ENV.stateMachineArn, aliasArn);
    const policy = this.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledge(
        policy,
        `IAM5[Resource::${findingResource(this, executions)}]`,
        'Executions are named per purchase at run time; only DescribeExecution, only on executions of this one state machine.',
      );
    }
    return this;
  }

  /** Writes e-mailed links (task pages, the NGO page) on this base URL. */
  linksOn(publicBaseUrl: string): this {
    this.addEnvironment(ENV.publicBaseUrl, publicBaseUrl);
    return this;
  }
}

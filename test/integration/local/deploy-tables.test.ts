import {
  CreateTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalTable } from '../../../infra/local/assembly/model.js';
import { deployTables, localDynamoDbClient } from '../../../infra/local/services/dynamodb.js';
import { GSI2 } from '../../../shared/adapters/dynamodb/table-design.js';
import { type DynamoDbLocal, startDynamoDbLocal, tableDefinition } from '../../support/dynamodb-local.js';

/**
 * A data folder from an earlier version of the app has the table but not the indexes added since:
 * the runtime adds them, as a CloudFormation update would, and they index what is already stored.
 */

const TABLE = 'EarlierRecords';
let db: DynamoDbLocal;

beforeAll(async () => {
  db = await startDynamoDbLocal();
}, 60_000);
afterAll(async () => db?.stop());

describe('deploying the tables onto an earlier data folder', () => {
  it('adds a missing index, waits until it is active, and the index holds the items stored before', async () => {
    const current = tableDefinition(TABLE);
    const earlier = {
      ...current,
      AttributeDefinitions: current.AttributeDefinitions?.filter((a) => !a.AttributeName?.startsWith('GSI2')),
      GlobalSecondaryIndexes: current.GlobalSecondaryIndexes?.filter((i) => i.IndexName !== GSI2.indexName),
    };
    const client = localDynamoDbClient(db.endpoint);
    await client.send(new CreateTableCommand(earlier));
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          PK: { S: 'PURCHASE#P1' },
          SK: { S: 'META' },
          GSI2PK: { S: 'YEAR#2026' },
          GSI2SK: { S: 'a#P1' },
        },
      }),
    );

    const table: LocalTable = {
      stackName: 'S',
      logicalId: 'Records',
      tableName: TABLE,
      createTable: current,
    };
    const first = await deployTables(db.endpoint, [table]);
    expect(first).toEqual({ created: [], indexesAdded: [`${TABLE}/${GSI2.indexName}`] });
    const described = await client.send(new DescribeTableCommand({ TableName: TABLE }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus]).sort()).toEqual([
      ['GSI1', 'ACTIVE'],
      ['GSI2', 'ACTIVE'],
    ]);
    const found = await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: GSI2.indexName,
        KeyConditionExpression: 'GSI2PK = :y',
        ExpressionAttributeValues: { ':y': { S: 'YEAR#2026' } },
      }),
    );
    expect(found.Items?.map((i) => i.PK?.S)).toEqual(['PURCHASE#P1']);

    // A second start has nothing left to do.
    expect(await deployTables(db.endpoint, [table])).toEqual({ created: [], indexesAdded: [] });
    client.destroy();
  });
});

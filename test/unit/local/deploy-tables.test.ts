import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  ResourceInUseException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalTable } from '../../../infra/local/assembly/model.js';
import { deployTables } from '../../../infra/local/services/dynamodb.js';

/**
 * Adding an index to a table from an earlier version, on a mocked client: the poll for the index
 * takes DynamoDB Local's passing 500s (seen on a busy machine while the index backfills) as "not
 * yet", and still fails on a client error. The real backfill runs against DynamoDB Local in
 * test/integration/local/deploy-tables.test.ts.
 */

const ddb = mockClient(DynamoDBClient);
afterEach(() => ddb.reset());

const table: LocalTable = {
  stackName: 'Application',
  logicalId: 'Table',
  tableName: 'purchases',
  createTable: {
    TableName: 'purchases',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'GSI1PK', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [
      {
        IndexName: 'GSI1',
        KeySchema: [{ AttributeName: 'GSI1PK', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  },
};

const fault = (status: number, name: string) =>
  new DynamoDBServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} from DynamoDB Local`,
  });

function anEarlierTable() {
  ddb.on(CreateTableCommand).rejects(new ResourceInUseException({ message: 'exists', $metadata: {} }));
  ddb.on(UpdateTableCommand).resolves({});
}

describe('deployTables adding an index to an earlier table', () => {
  it('polls through InternalFailure answers until the index is ACTIVE', async () => {
    anEarlierTable();
    ddb
      .on(DescribeTableCommand)
      .resolvesOnce({ Table: { GlobalSecondaryIndexes: [] } })
      .rejectsOnce(fault(500, 'InternalFailure'))
      .resolvesOnce({ Table: { GlobalSecondaryIndexes: [{ IndexName: 'GSI1', IndexStatus: 'CREATING' }] } })
      .rejectsOnce(fault(500, 'InternalFailure'))
      .resolves({ Table: { GlobalSecondaryIndexes: [{ IndexName: 'GSI1', IndexStatus: 'ACTIVE' }] } });

    const deployed = await deployTables('http://127.0.0.1:1', [table]);

    expect(deployed).toEqual({ created: [], indexesAdded: ['purchases/GSI1'] });
    expect(ddb.commandCalls(DescribeTableCommand)).toHaveLength(5);
  });

  it('fails at once on a client error while polling', async () => {
    anEarlierTable();
    ddb
      .on(DescribeTableCommand)
      .resolvesOnce({ Table: { GlobalSecondaryIndexes: [] } })
      .rejects(fault(400, 'ResourceNotFoundException'));

    await expect(deployTables('http://127.0.0.1:1', [table])).rejects.toThrow(
      'ResourceNotFoundException from DynamoDB Local',
    );
    expect(ddb.commandCalls(DescribeTableCommand)).toHaveLength(2);
  });
});

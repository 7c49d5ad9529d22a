import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { IntrinsicResolver } from './intrinsics.js';
import type { LocalTable } from './model.js';

/** A DynamoDB table of the template, as DynamoDB Local creates it. */
export function tableModel(
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

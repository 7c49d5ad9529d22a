import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRepositories } from '../adapters/dynamodb/index.js';
import type { Repositories } from '../ports/repositories.js';
import { ENV, requireEnv } from './environment.js';

let repositories: Repositories | undefined;

/** The repositories on the function's table; one client per execution environment. */
export function tableRepositories(): Repositories {
  repositories ??= createRepositories({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    tableName: requireEnv(ENV.tableName),
  });
  return repositories;
}

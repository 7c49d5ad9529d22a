import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parsePolicySettings } from '../config/settings.js';
import { createRepositories, type Repositories } from '../persistence/dynamo/index.js';
import { TABLE_NAME_ENV } from '../persistence/table-design.js';
import { requireEnv } from './env.js';

let repositories: Repositories | undefined;

/** The repositories on the function's table; one client per execution environment. */
export function tableRepositories(): Repositories {
  repositories ??= createRepositories({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    tableName: requireEnv(TABLE_NAME_ENV),
  });
  return repositories;
}

let settings: ReturnType<typeof parsePolicySettings> | undefined;

/** The policy settings the CDK app handed this function, validated once. */
export function policySettings() {
  settings ??= parsePolicySettings(process.env.POLICY_SETTINGS);
  return settings;
}

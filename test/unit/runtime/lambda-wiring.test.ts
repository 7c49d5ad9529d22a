import { readdirSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentObjectsIfGranted, documentStore } from '../../../shared/lambda/documents-bucket.js';
import { ngoLinkKeys, sesMailer, taskLinkKeys } from '../../../shared/lambda/mail-and-links.js';
import { paymentPublisher } from '../../../shared/lambda/payments-topic.js';
import { tableRepositories } from '../../../shared/lambda/repositories.js';
import { taskCallbacks, workflowExecutions, workflowStarter } from '../../../shared/lambda/step-functions.js';
import { stubFunctionEnv } from '../../support/events.js';
import { LIFECYCLE_SETTINGS_JSON } from '../../support/settings.js';

/**
 * What shared/lambda wires the handlers' default deps to: the AWS client of each port, on the
 * resource the CDK app names in the function's environment. (The handler tests give
 * `createHandler` in-memory fakes instead; the adapters' own tests check what each one sends.)
 */

const env = stubFunctionEnv();
const DOCUMENTS_BUCKET = 'documents-unit';
const PAYMENTS_TOPIC_ARN = 'arn:aws-cn:sns:cn-north-1:123456789012:payments';
const TASK_LINK_SECRET = 'generated-task-link-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const NGO_LINK_SECRET = 'generated-ngo-link-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';

/** The environment a function gets from the CDK app with every grant (bucket, topic, lifecycle). */
function stubEveryGrant(): void {
  stubFunctionEnv();
  vi.stubEnv('LIFECYCLE_SETTINGS', LIFECYCLE_SETTINGS_JSON);
  vi.stubEnv('DOCUMENTS_BUCKET', DOCUMENTS_BUCKET);
  vi.stubEnv('PAYMENTS_TOPIC_ARN', PAYMENTS_TOPIC_ARN);
}

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const secrets = mockClient(SecretsManagerClient);
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

beforeEach(() => {
  for (const mock of [ddb, ses, secrets, sfn, sns, s3]) mock.reset();
  stubEveryGrant();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the default ports of the handlers', () => {
  it('the repositories work on TABLE_NAME', async () => {
    ddb.on(GetCommand).resolves({});

    await tableRepositories().purchases.getPurchase(PURCHASE_ID);

    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: env.TABLE_NAME });
  });

  it('mail goes out through SES from MAIL_FROM', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });

    await sesMailer().send({ to: 'a@example.gov.cn', subject: 's', html: '<p>h</p>', text: 't' });

    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, { FromEmailAddress: env.MAIL_FROM });
  });

  it('the task-link keys are the secret TASK_LINK_KEYS_SECRET_ARN names, the NGO-link keys NGO_LINK_KEYS_SECRET_ARN, each read once per execution environment', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: env.TASK_LINK_KEYS_SECRET_ARN })
      .resolves({ SecretString: TASK_LINK_SECRET })
      .on(GetSecretValueCommand, { SecretId: env.NGO_LINK_KEYS_SECRET_ARN })
      .resolves({ SecretString: NGO_LINK_SECRET });

    const task = await taskLinkKeys()();
    const ngo = await ngoLinkKeys()();
    await taskLinkKeys()();
    await ngoLinkKeys()();

    expect(task.keys.get('k0')?.toString()).toBe(TASK_LINK_SECRET);
    expect(ngo.keys.get('k0')?.toString()).toBe(NGO_LINK_SECRET);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('a function not given a kind of link key fails plainly when it asks for it', async () => {
    vi.stubEnv('NGO_LINK_KEYS_SECRET_ARN', '');
    vi.resetModules();
    // A fresh module: as in a function whose environment never named the NGO-link keys.
    const fresh = await import('../../../shared/lambda/mail-and-links.js');

    expect(() => fresh.ngoLinkKeys()).toThrow(/NGO_LINK_KEYS_SECRET_ARN is not set/);
  });

  it('executions start on STATE_MACHINE_ARN and decisions go back through SendTaskSuccess', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution', startDate: new Date() });
    sfn.on(SendTaskSuccessCommand).resolves({});

    await workflowStarter().start({ purchaseId: PURCHASE_ID });
    await taskCallbacks().succeed('token-1', { decision: 'APPROVE' });

    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: env.STATE_MACHINE_ARN,
      name: PURCHASE_ID,
    });
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-1' });
  });

  it('executions are described as executions of STATE_MACHINE_ARN', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', startDate: new Date() });

    await workflowExecutions().describe(PURCHASE_ID);

    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: `${env.STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${PURCHASE_ID}`,
    });
  });

  it('finance notices are published to PAYMENTS_TOPIC_ARN', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-message-1' });

    await paymentPublisher().publish({ subject: 's', message: 'm', attributes: { tranche: '1' } });

    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: PAYMENTS_TOPIC_ARN });
  });

  it('documents are written to and read from DOCUMENTS_BUCKET, which is there only for a function granted it', async () => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand).resolves({ Body: (async function* () {})() as never });

    await documentStore().putDocument('contracts/x.html', '<p>x</p>', 'text/html');
    await documentObjectsIfGranted()?.sha256('contracts/x.html');

    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: DOCUMENTS_BUCKET });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: DOCUMENTS_BUCKET,
      Key: 'contracts/x.html',
    });
    vi.stubEnv('DOCUMENTS_BUCKET', '');
    expect(documentObjectsIfGranted()).toBeUndefined();
  });
});

describe('the default handler of every function', () => {
  const functions = readdirSync(new URL('../../../functions/', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

  it('there is one per function folder', () => {
    expect(functions.length).toBeGreaterThanOrEqual(26);
  });

  it.each(functions)(
    '%s builds its handler from the environment, and has the createHandler seam',
    async (name) => {
      // A variable import is resolved against the files as they are: the source's .ts name.
      const module = (await import(`../../../functions/${name}/handler.ts`)) as Record<string, unknown>;

      expect(typeof module.handler).toBe('function');
      expect(typeof module.createHandler).toBe('function');
    },
  );

  it('validates the settings when the module loads (at cold start), before any event', async () => {
    vi.resetModules();
    vi.stubEnv('POLICY_SETTINGS', JSON.stringify({ approval: {} }));

    await expect(import('../../../functions/plan-approval/handler.js')).rejects.toMatchObject({
      name: 'SettingsError',
    });
    vi.resetModules();
  });

  it('says which variable a broken deployment lacks when the module loads', async () => {
    vi.resetModules();
    vi.stubEnv('PUBLIC_BASE_URL', '');

    await expect(import('../../../functions/request-decision/handler.js')).rejects.toMatchObject({
      name: 'MissingConfigurationError',
      message: 'environment variable PUBLIC_BASE_URL is not set',
    });
    vi.resetModules();
  });
});

import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentStore } from '../../../shared/adapters/s3-storage.js';
import { createSnsPaymentPublisher } from '../../../shared/adapters/sns-payment-publisher.js';
import {
  createStepFunctionsCallbacks,
  createStepFunctionsExecutions,
  createStepFunctionsStarter,
} from '../../../shared/adapters/step-functions.js';
import { TaskClosedError } from '../../../shared/ports/workflow.js';

/**
 * The AWS adapters the handlers are wired with, where the AWS call itself is the behaviour:
 * which command goes out with which parameters, and what an AWS answer becomes. The handler
 * tests run over the in-memory fakes and rely on these promises.
 */

const STATE_MACHINE_ARN = 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:purchase-lifecycle';
const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';

const TOKEN = 'AQCEAAAAKgAAAA-task-token-of-the-execution';

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

beforeEach(() => {
  sfn.reset();
  sns.reset();
  s3.reset();
});

describe('createStepFunctionsStarter', () => {
  const starter = () =>
    createStepFunctionsStarter({ client: new SFNClient({}), stateMachineArn: STATE_MACHINE_ARN });

  it('starts the execution on the state machine, named after the purchase id, with the purchase id as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution', startDate: new Date() });

    await starter().start({ purchaseId: PURCHASE_ID });

    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: PURCHASE_ID,
      input: JSON.stringify({ purchaseId: PURCHASE_ID }),
    });
  });

  it('treats ExecutionAlreadyExists as success: the execution runs already', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    await expect(starter().start({ purchaseId: PURCHASE_ID })).resolves.toBeUndefined();
  });

  it('lets any other failure to start through to the caller', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} }));

    await expect(starter().start({ purchaseId: PURCHASE_ID })).rejects.toBeInstanceOf(
      StateMachineDoesNotExist,
    );
  });

  it('starts a resumed execution under its own name, with the resume point in the input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution', startDate: new Date() });
    const executionName = `${PURCHASE_ID}-r20260302080000000`;

    await starter().start({ purchaseId: PURCHASE_ID, resumeAt: 'APPROVAL', executionName });

    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: executionName,
      input: JSON.stringify({ purchaseId: PURCHASE_ID, resumeAt: 'APPROVAL' }),
    });
  });
});

describe('createStepFunctionsExecutions', () => {
  const executions = () =>
    createStepFunctionsExecutions({ client: new SFNClient({}), stateMachineArn: STATE_MACHINE_ARN });

  it('names an execution after the bare state machine when the functions hold its alias ARN', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'RUNNING', startDate: new Date('2026-03-02T08:00:00.000Z') });
    const throughAlias = createStepFunctionsExecutions({
      client: new SFNClient({}),
      stateMachineArn: `${STATE_MACHINE_ARN}:live`,
    });

    await throughAlias.describe(`${PURCHASE_ID}-CONTRACTING-1`);

    expect(sfn).toHaveReceivedCommandExactlyOnceWith(DescribeExecutionCommand, {
      executionArn: `arn:aws-cn:states:cn-north-1:123456789012:execution:purchase-lifecycle:${PURCHASE_ID}-CONTRACTING-1`,
    });
  });

  it('describes an execution of the state machine by its name, with ISO dates', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'SUCCEEDED',
      startDate: new Date('2026-03-02T08:00:00.000Z'),
      stopDate: new Date('2026-03-09T08:00:00.000Z'),
    });

    const found = await executions().describe(`${PURCHASE_ID}-r20260302080000000`);

    expect(sfn).toHaveReceivedCommandExactlyOnceWith(DescribeExecutionCommand, {
      executionArn: `arn:aws-cn:states:cn-north-1:123456789012:execution:purchase-lifecycle:${PURCHASE_ID}-r20260302080000000`,
    });
    expect(found).toEqual({
      name: `${PURCHASE_ID}-r20260302080000000`,
      status: 'SUCCEEDED',
      startDate: '2026-03-02T08:00:00.000Z',
      stopDate: '2026-03-09T08:00:00.000Z',
    });
  });

  it('answers undefined for a name no execution has, and passes other errors on', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejectsOnce(new ExecutionDoesNotExist({ message: 'no such execution', $metadata: {} }))
      .rejects(new InvalidToken({ message: 'throttled?', $metadata: {} }));

    expect(await executions().describe(PURCHASE_ID)).toBeUndefined();
    await expect(executions().describe(PURCHASE_ID)).rejects.toBeInstanceOf(InvalidToken);
  });
});

describe('createStepFunctionsCallbacks', () => {
  const callbacks = () => createStepFunctionsCallbacks(new SFNClient({}));

  it('hands the output back to the waiting execution as JSON through SendTaskSuccess', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});

    await callbacks().succeed(TOKEN, { uploadId: 'VXBsb2FkSWRPZk9uZUZpbGU', kind: 'SIGNED_CONTRACT' });

    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: JSON.stringify({ uploadId: 'VXBsb2FkSWRPZk9uZUZpbGU', kind: 'SIGNED_CONTRACT' }),
    });
  });

  it.each([
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['InvalidToken', new InvalidToken({ message: 'Invalid Token', $metadata: {} })],
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'Task Does Not Exist', $metadata: {} })],
  ])('takes %s as a closed task (TaskClosedError): the execution no longer waits', async (_, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);

    await expect(callbacks().succeed(TOKEN, {})).rejects.toBeInstanceOf(TaskClosedError);
  });

  it('lets any other failure through, to be retried', async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(callbacks().succeed(TOKEN, {})).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('createSnsPaymentPublisher', () => {
  it('publishes the notice to the topic with each attribute as a String message attribute', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-message-1' });
    const topicArn = 'arn:aws-cn:sns:cn-north-1:123456789012:payments';
    const publisher = createSnsPaymentPublisher({ client: new SNSClient({}), topicArn });

    await publisher.publish({
      subject: 'Payment due',
      message: 'Tranche 1 falls due on 2026-04-02',
      attributes: { amountFen: '14400000', tranche: '1' },
    });

    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: topicArn,
      Subject: 'Payment due',
      Message: 'Tranche 1 falls due on 2026-04-02',
      MessageAttributes: {
        amountFen: { DataType: 'String', StringValue: '14400000' },
        tranche: { DataType: 'String', StringValue: '1' },
      },
    });
  });
});

describe('createDocumentStore', () => {
  it('puts the document into the bucket with a SHA-256 checksum and returns the hash of exactly those bytes', async () => {
    s3.on(PutObjectCommand).resolves({});
    const store = createDocumentStore({ client: new S3Client({}), bucket: 'documents-unit' });
    const html = '<!doctype html><p>合同 contract</p>';

    const { sha256 } = await store.putDocument(
      `contracts/${PURCHASE_ID}/contract.html`,
      html,
      'text/html; charset=utf-8',
    );

    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'documents-unit',
      Key: `contracts/${PURCHASE_ID}/contract.html`,
      ChecksumAlgorithm: 'SHA256',
      ContentType: 'text/html; charset=utf-8',
    });
    const body = Buffer.from(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as Uint8Array);
    expect(body.toString('utf8')).toBe(html);
    expect(sha256).toBe(createHash('sha256').update(body).digest('hex'));
  });
});

import {
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStepFunctionsStarter } from '../../../shared/adapters/step-functions.js';

/**
 * The AWS adapters the handlers are wired with, where the AWS call itself is the behaviour:
 * which command goes out with which parameters, and what an AWS answer becomes. The handler
 * tests run over the in-memory fakes and rely on these promises.
 */

const STATE_MACHINE_ARN = 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:purchase-lifecycle';
const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';

const sfn = mockClient(SFNClient);

beforeEach(() => {
  sfn.reset();
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

  it("finds a purchase's first or resumed execution among the RUNNING ones, page by page", async () => {
    const running = (name: string) => ({
      name,
      executionArn: `arn:${name}`,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'RUNNING' as const,
      startDate: new Date(),
    });
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: [running('PUR-2026-AAAAAAAAAAAAAAA1')], nextToken: 'page-2' })
      .resolves({ executions: [running('PUR-2026-AAAAAAAAAAAAAAA3-r20260302080000000')] });

    expect(await starter().isRunning('PUR-2026-AAAAAAAAAAAAAAA3')).toBe(true);
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      statusFilter: 'RUNNING',
    });
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, { nextToken: 'page-2' });
    expect(await starter().isRunning('PUR-2026-AAAAAAAAAAAAAAA2')).toBe(false);
  });
});

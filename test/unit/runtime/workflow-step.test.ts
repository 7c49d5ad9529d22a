import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { TaskTimedOut } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { isTransientAwsError } from '../../../shared/adapters/aws-errors.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import { PurchaseRefused, TransientError } from '../../../shared/domain/workflow-errors.js';
import { asWorkflowError, workflowStep } from '../../../shared/lambda/workflow-step.js';

/** An SDK error as the client raises it after its own attempts. */
function sdkError(name: string, status: number, retryable?: { throttling?: boolean }): Error {
  const error = new SESv2ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 3 },
    message: `${name} (test)`,
  });
  // Modelled retryable exceptions carry $retryable as a class field.
  return retryable ? Object.assign(error, { $retryable: retryable }) : error;
}

const context = {} as never;

describe('workflowStep', () => {
  it('turns an SDK error that exhausted its retries on a 503 into a TransientError the state machine retries', async () => {
    const step = workflowStep(z.object({ purchaseId: z.string() }), async () => {
      throw sdkError('ServiceUnavailable', 503);
    });
    const error = await step({ purchaseId: 'p' }, context).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.name).toBe('TransientError');
    expect(error.message).toBe('ServiceUnavailable: ServiceUnavailable (test)');
    expect((error as Error & { cause: unknown }).cause).toMatchObject({ name: 'ServiceUnavailable' });
  });

  it('keeps domain errors and non-transient AWS answers under their own names', async () => {
    const refusal = new PurchaseRefused('BUDGET', { zh: '预算不足', en: 'no money left' });
    const refusing = workflowStep(z.object({}), async () => {
      throw refusal;
    });
    await expect(refusing({}, context)).rejects.toBe(refusal);
    const closed = new TaskTimedOut({ message: 'Task Timed Out', $metadata: { httpStatusCode: 400 } });
    const late = workflowStep(z.object({}), async () => {
      throw closed;
    });
    await expect(late({}, context)).rejects.toBe(closed);
  });

  it('refuses a malformed input with a ValidationError before running the step', async () => {
    let ran = false;
    const step = workflowStep(z.object({ purchaseId: z.string() }), async () => {
      ran = true;
    });
    await expect(step({ purchaseId: 7 }, context)).rejects.toBeInstanceOf(ValidationError);
    expect(ran).toBe(false);
  });

  it('returns the step result unchanged', async () => {
    const step = workflowStep(z.object({ n: z.number() }), async ({ n }) => ({ twice: n * 2 }));
    expect(await step({ n: 21 }, context)).toEqual({ twice: 42 });
  });
});

describe('isTransientAwsError', () => {
  it.each([
    ['a 5xx answer', sdkError('InternalFailure', 500)],
    ['a 429 answer', sdkError('TooManyRequestsException', 429)],
    ['a throttling code on a 400', sdkError('ThrottlingException', 400)],
    ['S3 slowing down', sdkError('SlowDown', 503)],
    ['an error the SDK marked retryable', sdkError('Whatever', 400, { throttling: false })],
  ])('takes %s as transient', (_, error) => {
    expect(isTransientAwsError(error)).toBe(true);
    expect(asWorkflowError(error)).toBeInstanceOf(TransientError);
  });

  it('takes a refused connection as transient, directly or as the cause of a fetch failure', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(isTransientAwsError(refused)).toBe(true);
    expect(isTransientAwsError(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }))).toBe(true);
  });

  it('does not take a failed condition, a closed task, a plain error or a code-less 400 as transient', () => {
    const condition = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400 },
    });
    expect(isTransientAwsError(condition)).toBe(false);
    expect(isTransientAwsError(new TaskTimedOut({ message: 'x', $metadata: { httpStatusCode: 400 } }))).toBe(
      false,
    );
    expect(isTransientAwsError(new Error('ServiceUnavailable'))).toBe(false);
    expect(isTransientAwsError(sdkError('BadRequestException', 400))).toBe(false);
    expect(isTransientAwsError(undefined)).toBe(false);
  });
});

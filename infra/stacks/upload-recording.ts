import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { contractFunction, type StackWiring } from './stack-wiring.js';

/**
 * Every object created under uploads/ is checked by its bytes and recorded, then resumes the
 * waiting step. Returns the queue where an upload event waits when it cannot be recorded.
 */
export function uploadRecording(wiring: StackWiring): Queue {
  const { stack, documents } = wiring;
  // It streams the whole file (up to 25 MB) through SHA-256: more memory (and so CPU) and time
  // than the other steps, or a large upload on a busy moment would time out and be retried.
  const recordUpload = contractFunction(
    wiring,
    'RecordUpload',
    'record-upload',
    'Records an NGO upload from its S3 event',
    { memorySize: 512, timeout: Duration.seconds(60) },
  )
    .useDocuments(documents, 'uploads/', ['read', 'tag'])
    .completeTasksOf(wiring.stateMachine.arn);
  // An upload event is never dropped: what EventBridge cannot deliver, and what the recorder still
  // fails on after Lambda's own retries of an asynchronous call, waits here (alarmed) to be replayed.
  const deadLetters = new Queue(stack, 'UploadDeadLetters', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(
    deadLetters.node.defaultChild as Construct,
    'SQS3',
    'This queue is itself the dead-letter queue of the upload rule and the recorder (an EventBridge target DLQ and a Lambda on-failure destination, which the check does not see).',
  );
  recordUpload.configureAsyncInvoke({ onFailure: new SqsDestination(deadLetters), retryAttempts: 2 });
  new Rule(stack, 'UploadCreated', {
    description: 'An NGO upload arrived in the documents bucket',
    eventPattern: {
      source: ['aws.s3'],
      detailType: ['Object Created'],
      detail: { bucket: { name: [documents.bucketName] }, object: { key: [{ prefix: 'uploads/' }] } },
    },
    targets: [new LambdaFunction(recordUpload, { retryAttempts: 8, deadLetterQueue: deadLetters })],
  });
  return deadLetters;
}

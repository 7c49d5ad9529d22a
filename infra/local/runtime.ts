import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RESUME_FUNCTION_OUTPUT } from '../stacks/outputs.js';
import { loadAssembly } from './assembly/load-assembly.js';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './assembly/local-account.js';
import type { LocalApp, LocalBucketNotification } from './assembly/model.js';
import { deployStateMachines } from './deploy-state-machines.js';
import type { DevAccount } from './dev-accounts.js';
import type { DevIssuer } from './dev-auth.js';
import { LocalHttpApi } from './http-api.js';
import { asyncInvoker, type LambdaInvoker, LambdaRunner, sdkAppIdOf } from './lambda-runner.js';
import { AwsCallLog, type AwsService } from './services/aws-calls.js';
import { startAwsFront } from './services/aws-front.js';
import { deployTables, startDynamoDbLocal } from './services/dynamodb.js';
import { startDynamoDbGate } from './services/dynamodb-gate.js';
import { putEvent, s3ObjectCreatedEvent } from './services/eventbridge.js';
import { startLambdaApi } from './services/lambda-api.js';
import { LocalFaults } from './services/local-faults.js';
import { localAuthorizer } from './services/local-iam.js';
import { snsToMailbox, startMailbox, startSnsService } from './services/mail.js';
import { decodeEventKey, type LocalS3, type S3EventRecord, startLocalS3 } from './services/s3.js';
import { startScheduledRules } from './services/scheduled-rules.js';
import { startSecretsService } from './services/secrets.js';
import { startStaffSignIn } from './staff-sign-in.js';
import { type LocalClock, LocalStepFunctions } from './stepfunctions/index.js';

/**
 * The embedded local runtime: runs a synthesized cloud assembly on this machine against local,
 * API-compatible services (DynamoDB Local, the Step Functions engine, a mailbox, Secrets Manager, SNS,
 * S3 when the app has buckets), with the app's HTTP API in front of its functions.
 */

export interface LocalPorts {
  readonly api?: number;
  readonly mailbox?: number;
  readonly dynamodb?: number;
  readonly stepfunctions?: number;
  readonly secrets?: number;
  readonly sns?: number;
  readonly s3?: number;
  readonly lambda?: number;
  /** The OpenID provider the console signs in with. */
  readonly signin?: number;
  /** The console (its CloudFront distribution on AWS). */
  readonly console?: number;
}

export interface LocalUrls {
  readonly api: string;
  readonly mailbox: string;
  readonly dynamodb: string;
  readonly stepfunctions: string;
  readonly secrets: string;
  readonly sns: string;
  /** The local S3 (path-style), only when the app has buckets. */
  readonly s3?: string;
  /** The Lambda Invoke API on the app's functions (for tools such as `npm run ops`). */
  readonly lambda: string;
  /** The local OpenID provider (issuer of every staff token here). */
  readonly signin: string;
  /** The staff console, when the app has one. */
  readonly console?: string;
}

export interface StartLocalRuntimeOptions {
  readonly assemblyDir: string;
  /** Where DynamoDB Local's files, generated secrets, the dev issuer key and endpoints.json live. */
  readonly dataDir: string;
  /** 0 or undefined: any free port. */
  readonly ports?: LocalPorts;
  readonly clock: LocalClock;
  readonly log?: (line: string) => void;
  /** More variables for every function, e.g. `AWS_ENDPOINT_URL_S3` of a storage service run elsewhere. */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
}

export interface LocalRuntime {
  readonly urls: LocalUrls;
  readonly app: LocalApp;
  readonly stepFunctions: LocalStepFunctions;
  readonly lambdas: LambdaRunner;
  readonly devIssuer: DevIssuer;
  /** The development accounts of the local sign-in page. */
  readonly accounts: readonly DevAccount[];
  /** Path of `<dataDir>/endpoints.json`. */
  readonly endpointsFile: string;
  /** Process id of DynamoDB Local (Java), the one child process the runtime starts. */
  readonly dynamoDbPid: number | undefined;
  /** The local S3 when the app has buckets (`deliver` re-delivers an event record, for tests). */
  readonly s3: LocalS3 | undefined;
  /**
   * Faults for tests: `arm({ caller, service, operation, failures })` answers that function's calls
   * with a retryable AWS error; `arm({ mode: 'duplicate', function })` invokes it twice per payload.
   */
  readonly faults: LocalFaults;
  /** Every call functions made to SES, SNS, Step Functions and S3, and every Lambda invocation. */
  readonly calls: AwsCallLog;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: StartLocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const ports = options.ports ?? {};
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // Closed in reverse order of opening, also when the start fails halfway.
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        log(`local runtime: error while stopping: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  // DynamoDB Local takes seconds to start: start it first and do the rest meanwhile.
  const dynamoStarting = startDynamoDbLocal({ dataDir, port: ports.dynamodb, log });
  dynamoStarting.catch(() => {}); // awaited below; a failure surfaces there
  try {
    const httpApi = new LocalHttpApi(log);
    const apiUrl = await httpApi.listen(ports.api ?? 0);
    closers.push(() => httpApi.close());

    const app = loadAssembly(options.assemblyDir, { apiBaseUrl: apiUrl });
    for (const warning of app.warnings) log(`local runtime: ${warning}`);

    // Every call a function makes to SES, SNS, Step Functions or S3 goes through a front that logs it
    // and can fail it; the front listens where the service was asked to, the service behind it anywhere.
    const calls = new AwsCallLog();
    const faults = new LocalFaults(app.functions);
    const byAppId = new Map(app.functions.map((f) => [sdkAppIdOf(f), f.logicalId]));
    const front = async (service: AwsService, target: string, port: number | undefined) => {
      const started = await startAwsFront({
        service,
        target,
        port: port ?? 0,
        faults,
        calls,
        callerOf: (appId) => (appId === undefined ? undefined : byAppId.get(appId)),
        log,
      });
      closers.push(started.close);
      return started.url;
    };

    const mailbox = await startMailbox({ port: ports.mailbox ?? 0, dataDir });
    closers.push(mailbox.close);
    const publishSns = snsToMailbox(mailbox.url, app.topics);
    const sns = await startSnsService({ publish: publishSns, port: 0 });
    closers.push(sns.close);
    const snsUrl = await front('sns', sns.url, ports.sns);
    // The mailbox page stays where it is; only the functions' SES calls go through a front.
    const sesUrl = await front('sesv2', mailbox.url, undefined);

    // DynamoDB and Secrets Manager hold each function to its role's policies, as AWS would.
    const authorize = localAuthorizer(app.functions, sdkAppIdOf);
    const secrets = await startSecretsService({
      dataDir,
      secrets: app.secrets,
      port: ports.secrets ?? 0,
      authorize,
    });
    closers.push(secrets.close);

    let lambdas: LambdaRunner | undefined;
    const invokerFor =
      (source: string): LambdaInvoker =>
      (name, payload) =>
        lambdas
          ? lambdas.invokerFor(source)(name, payload)
          : Promise.resolve({ errorType: 'ServiceException', errorMessage: 'functions are not started yet' });
    // EventBridge and S3 notifications invoke asynchronously: Lambda retries a failure twice.
    const invokeAsync = (source: string) => asyncInvoker(invokerFor(source), { log });
    const stepFunctions = new LocalStepFunctions({
      invokeLambda: invokerFor('states'),
      publishSns,
      clock: options.clock,
      log,
    });
    await deployStateMachines(stepFunctions, app);
    const sfn = await stepFunctions.listen(0);
    closers.push(() => sfn.close());
    const sfnUrl = await front('sfn', sfn.url, ports.stepfunctions);

    /** S3 event records to the bucket's subscribers and EventBridge; an armed fault delivers one twice. */
    const deliverObjectEvents = async (records: S3EventRecord[], redelivery: boolean): Promise<void> => {
      // Kept in the S3 outbox and delivered by deliverPending once the functions run.
      if (!lambdas) throw new Error('an object was created before the functions started');
      for (const record of records) {
        calls.record({
          at: new Date().toISOString(),
          service: 's3-events',
          operation: record.eventName,
          caller: 's3',
          target: decodeEventKey(record.s3.object.key),
          outcome: 'ok',
          status: 200,
          ...(redelivery ? { duplicate: true } : {}),
          ms: 0,
        });
      }
      await Promise.all([
        notifySubscribers(app.bucketNotifications, records, invokeAsync('s3'), log),
        sendToEventBridge(app, records, invokeAsync('events'), log),
      ]);
      if (redelivery) return;
      const again = records.filter(() => faults.takeRedelivery('s3') !== undefined);
      if (again.length > 0) await deliverObjectEvents(again, true);
    };

    let s3: LocalS3 | undefined;
    if (app.buckets.length > 0) {
      const started = await startLocalS3({
        dataDir,
        port: 0,
        buckets: app.buckets.map((b) => b.name),
        versionedBuckets: app.buckets.filter((b) => b.versioned).map((b) => b.name),
        // The functions' own credentials: a presigned POST made inside a function verifies here.
        credentials: LOCAL_CREDENTIALS,
        region: LOCAL_REGION,
        onObjectCreated: (records) => deliverObjectEvents(records, false),
        log,
      });
      closers.push(() => started.close());
      // Presigned URLs name the front too: browser uploads and downloads pass through it untouched.
      s3 = { ...started, url: await front('s3', started.url, ports.s3) };
    }

    const lambdaApi = await startLambdaApi({
      invoke: invokerFor('lambda-api'),
      functionNames: app.functions.map((f) => f.name),
      port: ports.lambda ?? 0,
    });
    closers.push(lambdaApi.close);

    const db = await dynamoStarting;
    closers.push(db.stop);
    // The functions reach DynamoDB Local through the IAM check; tools and tests reach it directly.
    const dynamoDbGate = await startDynamoDbGate({ target: db.url, authorize });
    closers.push(dynamoDbGate.close);
    const { created, indexesAdded } = await deployTables(db.url, app.tables);
    if (created.length > 0) log(`created tables: ${created.join(', ')}`);
    if (indexesAdded.length > 0)
      log(
        `added indexes: ${indexesAdded.join(', ')} (purchases stored before are listed after \`npm run ops -- backfill-listing\`)`,
      );

    const { devIssuer, signIn, site, accounts } = await startStaffSignIn(app, { dataDir, ports, apiUrl });
    closers.push(signIn.close);
    if (site) closers.push(site.close);

    const urls: LocalUrls = {
      api: apiUrl,
      signin: signIn.issuer,
      ...(site ? { console: site.url } : {}),
      mailbox: mailbox.url,
      dynamodb: db.url,
      stepfunctions: sfnUrl,
      secrets: secrets.url,
      sns: snsUrl,
      ...(s3 ? { s3: s3.url } : {}),
      lambda: lambdaApi.url,
    };

    lambdas = new LambdaRunner({
      functions: app.functions,
      log: (line) => log(line),
      hooks: {
        duplicate: (fn) => faults.takeDuplicate(fn.logicalId) !== undefined,
        invoked: ({
          fn,
          source,
          duplicate,
          result,
          startedAt,
          ms,
          coldStart,
          initMs,
          queuedMs,
          dynamoDbCalls,
        }) => {
          const at = new Date(startedAt).toISOString();
          for (const call of dynamoDbCalls) {
            calls.record({
              at,
              service: 'dynamodb',
              operation: call.operation,
              caller: fn.logicalId,
              outcome: call.errorType === undefined ? 'ok' : 'error',
              status: call.status,
              ...(call.errorType === undefined ? {} : { errorCode: call.errorType }),
              ms: call.ms,
            });
          }
          const failed = 'errorType' in result;
          calls.record({
            at,
            service: 'lambda',
            operation: 'Invoke',
            caller: source,
            target: fn.logicalId,
            outcome: failed ? 'error' : 'ok',
            status: failed ? 500 : 200,
            ...(failed ? { errorCode: result.errorType } : {}),
            ...(duplicate ? { duplicate } : {}),
            ms,
            coldStart,
            ...(initMs === undefined ? {} : { initMs }),
            queuedMs,
          });
        },
      },
      runtimeEnvironment: {
        ...options.extraEnvironment,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoDbGate.url,
        AWS_ENDPOINT_URL_SFN: urls.stepfunctions,
        AWS_ENDPOINT_URL_SESV2: sesUrl,
        AWS_ENDPOINT_URL_SES: sesUrl,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: urls.secrets,
        AWS_ENDPOINT_URL_SNS: urls.sns,
        // An endpoint on an IP address makes the SDK address buckets path-style, as s3rver needs.
        ...(urls.s3 ? { AWS_ENDPOINT_URL_S3: urls.s3 } : {}),
      },
    });
    const runner = lambdas;
    closers.push(() => runner.close());

    httpApi.serve({ routes: app.routes, invoke: runner.invokerFor('apigateway'), devIssuer });
    // Stopping begins here: no new requests, and executions are stopped before their functions are,
    // so a task cut off by the shutdown never runs a workflow's error path.
    closers.push(async () => {
      await httpApi.close();
      await stepFunctions.stopAllExecutions();
    });

    const endpointsFile = join(dataDir, 'endpoints.json');
    writeFileSync(
      endpointsFile,
      `${JSON.stringify(
        {
          ...urls,
          devToken: `${urls.api}/dev/token`,
          devIssuer: devIssuer.issuer,
          region: LOCAL_REGION,
          tables: Object.fromEntries(app.tables.map((t) => [t.logicalId, t.tableName])),
          stateMachines: Object.fromEntries(app.stateMachines.map((s) => [s.logicalId, s.arn])),
          functions: Object.fromEntries(app.functions.map((f) => [f.logicalId, f.name])),
          secretArns: Object.fromEntries(app.secrets.map((s) => [s.logicalId, s.arn])),
          buckets: Object.fromEntries(app.buckets.map((b) => [b.logicalId, b.name])),
          outputs: app.outputs,
        },
        null,
        2,
      )}\n`,
    );

    await runTriggers(app, runner, log);
    await resumeOpenPurchases(app, runner, log);
    // ObjectCreated events a kill (or the start) kept from their functions, as S3 delivers at least once.
    const pending = await s3?.deliverPending();
    if (pending) log(`delivered ${pending} pending S3 event(s)`);
    // Scheduled rules keep the engine's time: a fast clock plays the daily chase as fast as the waits.
    const schedules = startScheduledRules({
      rules: app.eventRules,
      timers: stepFunctions,
      invoke: invokeAsync('events'),
      where: { account: LOCAL_ACCOUNT, region: LOCAL_REGION },
      log,
    });
    closers.push(async () => schedules.stop());

    return {
      urls,
      app,
      stepFunctions,
      lambdas: runner,
      devIssuer,
      accounts,
      endpointsFile,
      dynamoDbPid: db.pid,
      s3,
      faults,
      calls,
      stop,
    };
  } catch (error) {
    await stop();
    // Java may still be starting when another part fails: it must not outlive the failed start.
    await dynamoStarting.then((db) => db.stop()).catch(() => {});
    throw error;
  }
}

/**
 * What CloudFormation does with a `triggers.Trigger` at every deploy: invokes its function (the
 * reference data's seeding). A failure fails the start, as it fails a deploy on AWS.
 */
async function runTriggers(app: LocalApp, lambdas: LambdaRunner, log: (line: string) => void) {
  for (const trigger of app.triggers) {
    const fn = app.functions.find(
      (f) => f.stackName === trigger.stackName && f.logicalId === trigger.functionLogicalId,
    );
    if (!fn)
      throw new Error(
        `trigger ${trigger.logicalId} names no function of the app (${trigger.functionLogicalId})`,
      );
    const result = await lambdas.invoke(fn.name, {});
    if ('errorType' in result)
      throw new Error(`trigger ${trigger.logicalId} failed: ${result.errorType}: ${result.errorMessage}`);
    log(`ran ${trigger.logicalId}: ${JSON.stringify(result.payload)}`);
  }
}

/** How often the start tries to resume the open purchases before it says it could not. */
const RESUME_ATTEMPTS = 3;

/**
 * Executions live only in memory: after a restart the product restarts them from DynamoDB. A
 * failed resume (a busy machine timing the function out) is tried again: a purchase left without
 * its execution would wait for the operator.
 */
async function resumeOpenPurchases(app: LocalApp, lambdas: LambdaRunner, log: (line: string) => void) {
  const names = Object.values(app.outputs).flatMap((outputs) => outputs[RESUME_FUNCTION_OUTPUT] ?? []);
  for (const name of names) {
    for (let attempt = 1; attempt <= RESUME_ATTEMPTS; attempt++) {
      const result = await lambdas.invoke(name, {});
      if (!('errorType' in result)) {
        log(`resumed open purchases: ${JSON.stringify(result.payload)}`);
        break;
      }
      log(
        `resuming open purchases failed (attempt ${attempt} of ${RESUME_ATTEMPTS}): ${result.errorType}: ${result.errorMessage}`,
      );
    }
  }
}

/** Whether a bucket notification asks for this record: its bucket, event type and key filter. */
export function notificationMatches(notification: LocalBucketNotification, record: S3EventRecord): boolean {
  if (notification.bucketName !== record.s3.bucket.name) return false;
  const event = `s3:${record.eventName}`;
  const wanted = notification.events.some((e) =>
    e.endsWith('*') ? event.startsWith(e.slice(0, -1)) : e === event,
  );
  if (!wanted) return false;
  // Filters apply to the object's key; records carry it form-encoded.
  const key = decodeEventKey(record.s3.object.key);
  return key.startsWith(notification.prefix ?? '') && key.endsWith(notification.suffix ?? '');
}

/**
 * Invokes every function subscribed to each record, one invocation per record and function, with
 * the event `{ Records: [record] }`, asynchronously (retried by `invoke`); a failure left is logged.
 */
async function notifySubscribers(
  notifications: readonly LocalBucketNotification[],
  records: readonly S3EventRecord[],
  invoke: LambdaInvoker,
  log: (line: string) => void,
): Promise<void> {
  const invocations = records.flatMap((record) =>
    notifications
      .filter((n) => notificationMatches(n, record))
      .map(async (n) => {
        const event = { Records: [{ ...record, s3: { ...record.s3, configurationId: n.id } }] };
        const result = await invoke(n.functionName, event);
        if ('errorType' in result) {
          log(
            `S3 ${record.eventName} ${record.s3.object.key} -> ${n.functionName} failed: ${result.errorType}: ${result.errorMessage}`,
          );
        }
      }),
  );
  await Promise.all(invocations);
}

/**
 * Buckets with EventBridge enabled also put an "Object Created" event on the default bus; its rules'
 * targets are invoked asynchronously (`invoke` retries a failure as Lambda does).
 */
async function sendToEventBridge(
  app: LocalApp,
  records: readonly S3EventRecord[],
  invoke: LambdaInvoker,
  log: (line: string) => void,
): Promise<void> {
  const enabled = new Set(app.buckets.filter((b) => b.eventBridgeEnabled).map((b) => b.name));
  await Promise.all(
    records
      .filter((record) => enabled.has(record.s3.bucket.name))
      .map((record) =>
        putEvent(
          s3ObjectCreatedEvent(record, { account: LOCAL_ACCOUNT, region: LOCAL_REGION }),
          app.eventRules,
          invoke,
          log,
        ),
      ),
  );
}

// One worker thread per function: loads the function's bundle from the cloud assembly and runs its
// handler with a Lambda-like context. Plain JavaScript so it runs in a Worker without a TS loader.
import diagnostics from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ bundleDir: string, handlerModule: string, handlerExport: string, functionName: string,
 *  functionArn: string, memoryMb: number, sourceMaps: boolean }} */
const config = workerData;

if (config.sourceMaps) process.setSourceMapsEnabled(true);

/** @type {Promise<Function> | undefined} */
let handlerPromise;

class ImportModuleError extends Error {
  name = 'Runtime.ImportModuleError';
}

class HandlerNotFoundError extends Error {
  name = 'Runtime.HandlerNotFound';
}

function loadHandler() {
  handlerPromise ??= (async () => {
    const candidates = ['.mjs', '.js', '.cjs'].map((ext) =>
      join(config.bundleDir, `${config.handlerModule}${ext}`),
    );
    const file = candidates.find((c) => existsSync(c));
    if (!file)
      throw new ImportModuleError(`Cannot find module '${config.handlerModule}' in ${config.bundleDir}`);
    let mod;
    try {
      mod = await import(pathToFileURL(file).href);
    } catch (error) {
      throw new ImportModuleError(`${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`);
    }
    const handler = mod[config.handlerExport] ?? mod.default?.[config.handlerExport];
    if (typeof handler !== 'function') {
      throw new HandlerNotFoundError(
        `${config.handlerModule}.${config.handlerExport} is undefined or not exported`,
      );
    }
    return handler;
  })();
  return handlerPromise;
}

/**
 * The DynamoDB calls of the running invocation, as the runtime's call log and the bench report them
 * (DynamoDB Local is reached directly, not through a front): operation, time, status and error type.
 * Seen on Node's HTTP client diagnostics channels, so the bundle is run as it is.
 * @type {{ operation: string, ms: number, status: number, errorType?: string }[] | undefined}
 */
let dynamoDbCalls;
const dynamoDbHost = hostOf(process.env.AWS_ENDPOINT_URL_DYNAMODB);
/** @type {WeakMap<object, number>} */
const requestStarted = new WeakMap();

function hostOf(url) {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

function dynamoDbOperation(request) {
  if (!dynamoDbCalls || !dynamoDbHost || request.getHeader('host') !== dynamoDbHost) return undefined;
  const target = String(request.getHeader('x-amz-target') ?? '');
  return target.slice(target.lastIndexOf('.') + 1) || 'unknown';
}

/** The operation and time of a traced request, which is forgotten once taken. */
function takeTraced(request) {
  const started = requestStarted.get(request);
  const operation = dynamoDbOperation(request);
  if (started === undefined || !operation) return undefined;
  requestStarted.delete(request);
  return { operation, ms: performance.now() - started };
}

diagnostics.subscribe('http.client.request.start', ({ request }) => {
  if (dynamoDbOperation(request)) requestStarted.set(request, performance.now());
});
diagnostics.subscribe('http.client.response.finish', ({ request, response }) => {
  const traced = takeTraced(request);
  if (!traced) return;
  const status = response.statusCode ?? 0;
  const header = response.headers['x-amzn-errortype'];
  const errorType = typeof header === 'string' ? header.split(':')[0] : undefined;
  dynamoDbCalls.push({
    ...traced,
    status,
    ...(status >= 400 ? { errorType: errorType || `HTTP ${status}` } : {}),
  });
});
diagnostics.subscribe('http.client.request.error', ({ request, error }) => {
  const traced = takeTraced(request);
  if (traced) dynamoDbCalls.push({ ...traced, status: 0, errorType: error?.code ?? 'NetworkError' });
});

function lambdaContext(requestId, deadline) {
  return {
    awsRequestId: requestId,
    functionName: config.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: config.functionArn,
    memoryLimitInMB: String(config.memoryMb),
    logGroupName: `/aws/lambda/${config.functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

async function run(handler, event, context) {
  // Callback-style handlers (three parameters) finish when they call back.
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const result = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
      if (result && typeof result.then === 'function') result.then(resolve, reject);
    });
  }
  return handler(event, context);
}

function errorResult(error) {
  const isError = error instanceof Error;
  return {
    errorType: isError ? error.name || 'Error' : 'Error',
    errorMessage: isError ? error.message : typeof error === 'string' ? error : JSON.stringify(error),
    trace: isError && error.stack ? error.stack.split('\n') : [],
  };
}

// The INIT phase, as on Lambda: the bundle is loaded when the sandbox starts, before (and
// outside the timeout of) its first invocation. The runner hears when it is ready; a failed load
// is reported to every invocation as Lambda does.
loadHandler().then(
  () => parentPort.postMessage({ ready: true }),
  () => parentPort.postMessage({ ready: false }),
);

parentPort.on('message', async ({ id, requestId, deadline, event }) => {
  const calls = [];
  dynamoDbCalls = calls;
  try {
    const handler = await loadHandler();
    const result = await run(handler, event, lambdaContext(requestId, deadline));
    // Lambda returns the JSON serialization of the result: undefined becomes null, Dates strings.
    const json = JSON.stringify(result === undefined ? null : result);
    parentPort.postMessage({ id, ok: true, json, dynamoDbCalls: calls });
  } catch (error) {
    const failure = errorResult(error);
    console.error(`ERROR\t${requestId}\t${failure.errorType}: ${failure.errorMessage}`);
    parentPort.postMessage({ id, ok: false, ...failure, dynamoDbCalls: calls });
  } finally {
    dynamoDbCalls = undefined;
  }
});

// An unhandled rejection would crash a real Lambda sandbox; here it is reported and the worker goes on.
process.on('unhandledRejection', (reason) => {
  console.error('Unhandled rejection:', reason);
});

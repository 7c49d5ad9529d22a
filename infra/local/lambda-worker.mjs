// One worker thread per function: loads the function's bundle from the cloud assembly and runs its
// handler with a Lambda-like context. Plain JavaScript so it runs in a Worker without a TS loader.
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
  try {
    const handler = await loadHandler();
    const result = await run(handler, event, lambdaContext(requestId, deadline));
    // Lambda returns the JSON serialization of the result: undefined becomes null, Dates strings.
    const json = JSON.stringify(result === undefined ? null : result);
    parentPort.postMessage({ id, ok: true, json });
  } catch (error) {
    const failure = errorResult(error);
    console.error(`ERROR\t${requestId}\t${failure.errorType}: ${failure.errorMessage}`);
    parentPort.postMessage({ id, ok: false, ...failure });
  }
});

// An unhandled rejection would crash a real Lambda sandbox; here it is reported and the worker goes on.
process.on('unhandledRejection', (reason) => {
  console.error('Unhandled rejection:', reason);
});

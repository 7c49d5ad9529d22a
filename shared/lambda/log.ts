import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

/**
 * The functions' log: Powertools Logger, one JSON object per line with the level, message and
 * time, the function's name and request id (`injectLambdaContext` in the handlers' middy chain),
 * and the purchase and execution of the invocation as top-level keys (`logInvocation`). Written
 * straight to stdout, so under Lambda's JSON log format `purchaseId` is a field Logs Insights
 * queries, not text inside `message`. Callers pass ids and outcomes, never events, tokens,
 * nonces or signatures.
 */
export function createLogger(): Logger {
  return new Logger({ serviceName: 'ngo-service-purchase' });
}

export const logger = createLogger();

type Detail = Record<string, unknown>;

export const log = {
  info: (message: string, detail: Detail = {}) => logger.info(message, detail),
  warn: (message: string, detail: Detail = {}) => logger.warn(message, detail),
  error: (message: string, detail: Detail = {}) => logger.error(message, detail),
};

/** The purchase and execution this invocation works on, on every line it logs (until it ends). */
export function logInvocation(keys: { purchaseId?: string; execution?: string }): void {
  logger.appendKeys(Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined)));
}

/** The handlers' middy middleware: the function's name and request id on every line, keys reset per invocation. */
export function withLogContext() {
  return injectLambdaContext(logger, { resetKeys: true });
}

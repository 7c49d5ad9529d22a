import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { JsonReply } from '../usecases/upload-grants.js';
import { json, rawBody } from './http.js';
import { log } from './log.js';

/**
 * The HTTP edge of an upload grant (the NGO's, the evaluation agency's): a small JSON request in,
 * JSON out, whatever happens, because a page's script reads the answer.
 */

/** The request is four or five short fields; anything bigger is not one. */
const MAX_JSON_BYTES = 4 * 1024;

/** The page's script reads JSON even when the request fails: never an HTML error page here. */
export function uploadGrantErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const error = request.error as Error;
      log.error('unhandled error', { error: error.name, message: error.message });
      request.response = json(500, {
        message: '系统暂时出错，请稍后重试。 Something went wrong; try again later.',
      });
    },
  };
}

/** The grant's answer, with Retry-After when the refusal passes with time. */
export function grantResponse({ statusCode, body, retryAfterSeconds }: JsonReply) {
  const response = json(statusCode, body);
  if (retryAfterSeconds === undefined) return response;
  return { ...response, headers: { ...response.headers, 'Retry-After': String(retryAfterSeconds) } };
}

/** The request's JSON, or undefined when it is not a small JSON document. */
export function smallJsonBody(event: APIGatewayProxyEventV2): unknown {
  const text = rawBody(event);
  if (text.length > MAX_JSON_BYTES) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What a grant answers to a request that is not a small JSON document. */
export function notJson() {
  return json(400, { message: '请求须为 JSON。 The request must be a small JSON object.' });
}

/** What a grant answers to any method but POST. */
export function postOnly() {
  return json(405, { message: 'POST a JSON upload request here.' });
}

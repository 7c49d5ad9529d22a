import { describe, expect, it } from 'vitest';
import type { LocalHttpRoute } from '../../../infra/local/assembly/model.js';
import { flattenClaims, matchRoute, toHttpResponse } from '../../../infra/local/http-api.js';

const route = (routeKey: string): LocalHttpRoute => {
  const [method, path] =
    routeKey === '$default' ? ['ANY', '/{proxy+}'] : (routeKey.split(' ') as [string, string]);
  return { apiId: 'api', method, path, routeKey, functionName: routeKey, authorizer: { kind: 'none' } };
};

const routes = [
  route('POST /purchases'),
  route('GET /purchases/{id}'),
  route('GET /purchases/open'),
  route('GET /tasks/{taskId}'),
  route('POST /tasks/{taskId}'),
  route('ANY /files/{key+}'),
  route('GET /files/{key+}'),
];

describe('route matching', () => {
  it('extracts a decoded path parameter', () => {
    const match = matchRoute(routes, 'GET', '/tasks/abc%20def');
    expect(match?.route.routeKey).toBe('GET /tasks/{taskId}');
    expect(match?.pathParameters).toEqual({ taskId: 'abc def' });
  });

  it('prefers an exact path over a path variable', () => {
    expect(matchRoute(routes, 'GET', '/purchases/open')?.route.routeKey).toBe('GET /purchases/open');
    expect(matchRoute(routes, 'GET', '/purchases/p-1')?.route.routeKey).toBe('GET /purchases/{id}');
  });

  it('chooses the route by method', () => {
    expect(matchRoute(routes, 'POST', '/tasks/t1')?.route.routeKey).toBe('POST /tasks/{taskId}');
    expect(matchRoute(routes, 'DELETE', '/tasks/t1')).toBeUndefined();
  });

  it('matches a greedy variable across segments and prefers the method-specific route over ANY', () => {
    const match = matchRoute(routes, 'GET', '/files/a/b/c.pdf');
    expect(match?.route.routeKey).toBe('GET /files/{key+}');
    expect(match?.pathParameters).toEqual({ key: 'a/b/c.pdf' });
    expect(matchRoute(routes, 'PUT', '/files/a')?.route.routeKey).toBe('ANY /files/{key+}');
  });

  it('serves HEAD with the GET route, unless the API has a HEAD route of its own', () => {
    expect(matchRoute(routes, 'HEAD', '/tasks/t1')?.route.routeKey).toBe('GET /tasks/{taskId}');
    const withHead = [...routes, route('HEAD /tasks/{taskId}')];
    expect(matchRoute(withHead, 'HEAD', '/tasks/t1')?.route.routeKey).toBe('HEAD /tasks/{taskId}');
  });

  it('does not match a missing or extra segment', () => {
    expect(matchRoute(routes, 'GET', '/tasks/')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/tasks/t1/extra')).toBeUndefined();
  });

  it('falls back to $default only when nothing else matches', () => {
    const withDefault = [...routes, route('$default')];
    expect(matchRoute(withDefault, 'GET', '/tasks/t1')?.route.routeKey).toBe('GET /tasks/{taskId}');
    expect(matchRoute(withDefault, 'GET', '/elsewhere')?.route.routeKey).toBe('$default');
  });
});

describe('response mapping', () => {
  it('treats a result without statusCode as a 200 JSON body', () => {
    const response = toHttpResponse({ ok: true });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body.toString()).toBe('{"ok":true}');
  });

  it('keeps status, headers and cookies and decodes a base64 body', () => {
    const response = toHttpResponse({
      statusCode: 303,
      headers: { Location: '/tasks/t1', 'Content-Type': 'text/html' },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('<p>ok</p>').toString('base64'),
      isBase64Encoded: true,
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers).toMatchObject({
      location: '/tasks/t1',
      'content-type': 'text/html',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(response.body.toString()).toBe('<p>ok</p>');
  });

  it('answers 500 for an invalid status code', () => {
    expect(toHttpResponse({ statusCode: 'soon' }).statusCode).toBe(500);
  });
});

describe('JWT claims as API Gateway passes them', () => {
  it('are strings, arrays written as [a b]', () => {
    expect(
      flattenClaims({ sub: 'alice', roles: ['officer', 'finance'], exp: 1700000000, admin: false }),
    ).toEqual({
      sub: 'alice',
      roles: '[officer finance]',
      exp: '1700000000',
      admin: 'false',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { withStageThrottling } from '../../../infra/local/assembly/http-routes.js';
import type { LocalHttpRoute } from '../../../infra/local/assembly/model.js';
import { RouteThrottling } from '../../../infra/local/route-throttling.js';

describe('RouteThrottling', () => {
  it('lets a burst through, refuses the request after it, and refills at the rate', () => {
    let now = 0;
    const throttling = new RouteThrottling(() => now);
    const throttle = { rateLimit: 2, burstLimit: 3 };
    const burst = Array.from({ length: 4 }, () => throttling.admit('GET /ngo/{purchaseId}', throttle));
    expect(burst).toEqual([true, true, true, false]);
    now += 499;
    expect(throttling.admit('GET /ngo/{purchaseId}', throttle)).toBe(false);
    now += 1;
    expect(throttling.admit('GET /ngo/{purchaseId}', throttle)).toBe(true);
    // Another route has its own bucket; an unthrottled route is never refused.
    expect(throttling.admit('POST /tasks/{taskId}', throttle)).toBe(true);
    expect(
      Array.from({ length: 50 }, () => throttling.admit('GET /purchases', undefined)).every(Boolean),
    ).toBe(true);
  });
});

describe('withStageThrottling', () => {
  const route = (routeKey: string, apiId = 'api-1'): LocalHttpRoute => ({
    apiId,
    method: routeKey.split(' ')[0] ?? 'GET',
    path: routeKey.split(' ')[1] ?? '/',
    routeKey,
    functionName: 'fn',
    authorizer: { kind: 'none' },
  });

  it("takes a route's own settings, else the stage default, and nothing from another API's stage", () => {
    const routes = withStageThrottling(
      [route('GET /tasks/{taskId}'), route('GET /purchases'), route('GET /other', 'api-2')],
      [
        {
          apiId: 'api-1',
          props: {
            DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
            RouteSettings: { 'GET /tasks/{taskId}': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } },
          },
        },
      ],
    );
    expect(routes.map((r) => r.throttle)).toEqual([
      { rateLimit: 5, burstLimit: 10 },
      { rateLimit: 100, burstLimit: 200 },
      undefined,
    ]);
  });
});

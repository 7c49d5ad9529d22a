import type { RouteThrottle } from './assembly/model.js';

/**
 * API Gateway's throttling of a route, locally: a token bucket per route key that holds at most
 * `burstLimit` tokens and refills at `rateLimit` a second. A request takes one token; with none
 * left API Gateway answers 429 before the function is invoked.
 */
export class RouteThrottling {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Whether a request on the route may go through now (and takes its token when it may). */
  admit(routeKey: string, throttle: RouteThrottle | undefined): boolean {
    if (!throttle) return true;
    const now = this.now();
    const bucket = this.#buckets.get(routeKey) ?? { tokens: throttle.burstLimit, at: now };
    const refilled = Math.min(
      throttle.burstLimit,
      bucket.tokens + ((now - bucket.at) / 1000) * throttle.rateLimit,
    );
    const admitted = refilled >= 1;
    this.#buckets.set(routeKey, { tokens: admitted ? refilled - 1 : refilled, at: now });
    return admitted;
  }
}

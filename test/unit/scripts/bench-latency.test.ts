import { describe, expect, it } from 'vitest';
import { latencyTable, overBudget, summarizeLatency } from '../../../scripts/bench/latency.js';
import { spreadSample } from '../../../scripts/bench/sample.js';

describe('the latency figures of the benches', () => {
  it('summarizes requests by nearest-rank percentiles, whatever order they were measured in', () => {
    // 1..200 ms, shuffled: p50 is the 100th, p95 the 190th, p99 the 198th.
    const ms = Array.from({ length: 200 }, (_, i) => ((i * 37) % 200) + 1);

    expect(summarizeLatency(ms)).toEqual({ count: 200, p50Ms: 100, p95Ms: 190, p99Ms: 198, maxMs: 200 });
    expect(summarizeLatency([42])).toEqual({ count: 1, p50Ms: 42, p95Ms: 42, p99Ms: 42, maxMs: 42 });
  });

  it('has no figures for no requests, and counts that as over a budget', () => {
    const none = summarizeLatency([]);

    expect(none.count).toBe(0);
    expect(none.p95Ms).toBeNaN();
    expect(overBudget({ request: 'GET /x', summary: none, budgetP95Ms: 200 })).toBe(true);
  });

  it('judges the p95 against the budget: equal is within, above is over, no budget is never over', () => {
    const at = (p95Ms: number) => ({ count: 1, p50Ms: 1, p95Ms, p99Ms: p95Ms, maxMs: p95Ms });

    expect(overBudget({ request: 'a', summary: at(200), budgetP95Ms: 200 })).toBe(false);
    expect(overBudget({ request: 'a', summary: at(200.4), budgetP95Ms: 200 })).toBe(true);
    expect(overBudget({ request: 'a', summary: at(9_999) })).toBe(false);
  });

  it('prints a row per request with its count, percentiles, budget and verdict', () => {
    const table = latencyTable([
      { request: 'GET /purchases', summary: summarizeLatency([10, 20, 30]), budgetP95Ms: 200 },
      { request: 'GET /purchases/{id}', summary: summarizeLatency([310, 320]), budgetP95Ms: 300 },
      { request: 'GET /me', summary: summarizeLatency([5]) },
    ]);

    expect(table.split('\n')).toEqual([
      'request              count  p50 ms  p95 ms  p99 ms  max ms  budget',
      'GET /purchases           3      20      30      30      30  p95 ≤ 200 ms: within',
      'GET /purchases/{id}      2     310     320     320     320  p95 ≤ 300 ms: OVER BUDGET',
      'GET /me                  1       5       5       5       5  (no budget)',
    ]);
  });

  it('samples evenly over the items, a second sample between the first one’s, repeating items when short', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `P${i}`);

    expect(spreadSample(ids, 5)).toEqual(['P0', 'P2', 'P4', 'P6', 'P8']);
    expect(spreadSample(ids, 5, 0.5)).toEqual(['P1', 'P3', 'P5', 'P7', 'P9']);
    expect(spreadSample(['A', 'B'], 4)).toEqual(['A', 'A', 'B', 'B']);
    expect(spreadSample([], 3)).toEqual([]);
  });
});

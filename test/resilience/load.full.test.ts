import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposal } from '../../infra/local/samples/proposals.js';
import {
  figuresBlock,
  figuresLine,
  type LoadRun,
  playConcurrently,
  settingsForLoad,
} from '../../scripts/bench/load-run.js';
import { midtermDueSoon } from '../support/journey.js';
import { type LocalAppUnderTest, startLocalApp } from '../support/local-app.js';
import { recordCase } from './case.js';

/**
 * Case 13 (load) of the resilience suite: 200 purchases played through their whole lifecycle at
 * once on this machine, over HTTP as their users would (test/support/journey.ts), with the small
 * sample (one approval level) so the run stays within minutes on two CPUs. It proves nobody fails
 * under load; the figures it prints (throughput, link latency) are measured, never asserted: timing
 * on a shared machine is no pass/fail criterion. A second case plays the load twice more on the same
 * runtime (warm, and on the data the first run left), so a runtime that only holds when fresh fails.
 * `npm run bench` prints the same figures for any N.
 */

const PURCHASES = 200;
// Room on the budget line for both rounds of the second case.
const settings = settingsForLoad(3 * PURCHASES, midtermDueSoon(smallMinorProtectionProposal()));
let app: LocalAppUnderTest;

beforeAll(async () => {
  app = await startLocalApp({ settings });
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

/** Every purchase of the run closed, once each, with a valid audit chain and every tranche paid. */
function expectAllClosed(run: LoadRun): void {
  expect(run.errors).toEqual([]);
  expect(run.closed.map((v) => v?.stage)).toEqual(Array(PURCHASES).fill('CLOSED'));
  expect(new Set(run.closed.map((v) => v?.purchaseId)).size).toBe(PURCHASES);
  for (const view of run.closed) {
    expect(view?.auditChain.valid, `audit chain of ${view?.purchaseId}`).toBe(true);
    expect(
      view?.payments?.map((p) => p.status),
      `payments of ${view?.purchaseId}`,
    ).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED']);
  }
}

describe('case 13: load', () => {
  it('200 purchases played at once all close, with no failed journey, no failed Lambda invocation and a valid audit chain each', {
    timeout: 900_000,
  }, async (context) => {
    const run = await playConcurrently(app, settings, PURCHASES);
    console.log(figuresBlock(run));
    expectAllClosed(run);
    recordCase(context, {
      case: '13 Load (200 purchases)',
      attempts: PURCHASES,
      expected: 'all CLOSED, zero errors, audit chains valid; throughput and link latency printed',
      observed: figuresLine(run),
    });
  });

  it("the same load twice more on the same runtime, warm and on the first runs' data, all close both times", {
    timeout: 1_800_000,
  }, async (context) => {
    const runs: LoadRun[] = [];
    for (const round of [1, 2]) {
      const run = await playConcurrently(app, settings, PURCHASES);
      console.log(`round ${round}\n${figuresBlock(run)}`);
      expectAllClosed(run);
      runs.push(run);
    }
    recordCase(context, {
      case: '13b Load twice more on one runtime',
      attempts: 2 * PURCHASES,
      expected: 'both rounds all CLOSED, zero errors, audit chains valid',
      observed: runs.map((run, i) => `round ${i + 1}: ${figuresLine(run)}`).join('; '),
    });
  });
});

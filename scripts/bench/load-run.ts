import { smallMinorProtectionProposal } from '../../infra/local/samples/proposals.js';
import type { PurchaseView } from '../../infra/local/users.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import {
  Inboxes,
  type JourneyContext,
  latencyTrace,
  midtermDueSoon,
  playPurchase,
  withBudgetLine,
} from '../../test/support/journey.js';
import type { LocalAppUnderTest } from '../../test/support/local-app.js';
import { TEST_SETTINGS } from '../../test/support/settings.js';
import { percentile } from './percentile.js';

/**
 * N whole purchases played at once over HTTP on the local runtime, as their users would
 * (test/support/journey.ts), and what it came to: purchases closed per minute, link requests per
 * second, p50/p99 latency of the link endpoints (task links GET/POST, NGO page and upload grant).
 * `npm run bench` and the resilience suite's load case both play it.
 */

export interface LoadRun {
  readonly purchases: number;
  /** The purchases as they ended, in the order they were started (undefined: the journey failed). */
  readonly closed: (PurchaseView | undefined)[];
  /** What went wrong, one line each: failed journeys and Lambda invocations that ended in an error. */
  readonly errors: string[];
  readonly figures: LoadFigures;
}

export interface LoadFigures {
  readonly wallSeconds: number;
  readonly closedPerMinute: number;
  readonly linkRequests: number;
  readonly linkRequestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The default settings with the proposal's budget line large enough for `purchases` of it. */
export function settingsForLoad(purchases: number, proposal: Proposal): DeploymentSettings {
  return withBudgetLine(TEST_SETTINGS, proposal, purchases * proposal.totalFen, 'Load run');
}

/** Plays `purchases` whole purchases at once on a running app and measures them. */
export async function playConcurrently(
  app: LocalAppUnderTest,
  settings: DeploymentSettings,
  purchases: number,
  options: {
    /** Told each time a purchase closes or its journey fails. */
    readonly onProgress?: (progress: { readonly closed: number; readonly failed: number }) => void;
  } = {},
): Promise<LoadRun> {
  const officer = await app.users.devToken(
    'officer-load',
    ['officer'],
    'load.officer@civil-affairs.example.gov.cn',
  );
  const inboxes = new Inboxes(() => app.runtime.urls.mailbox);
  // Link latencies only: the thousands of pages a load run receives are not kept.
  const trace = latencyTrace();
  const ctx: JourneyContext = { users: () => app.users, inboxes, officer, settings, trace };
  const invocationsBefore = app.runtime.calls.all.length;
  inboxes.start();
  const started = performance.now();
  const errors: string[] = [];
  let closedCount = 0;
  try {
    const closed = await Promise.all(
      Array.from({ length: purchases }, async (_, i) => {
        try {
          const view = await playPurchase(ctx, midtermDueSoon(smallMinorProtectionProposal()));
          closedCount++;
          options.onProgress?.({ closed: closedCount, failed: errors.length });
          return view;
        } catch (error) {
          errors.push(`purchase ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
          options.onProgress?.({ closed: closedCount, failed: errors.length });
          return undefined;
        }
      }),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    for (const call of app.runtime.calls.all.slice(invocationsBefore)) {
      if (call.service === 'lambda' && call.outcome !== 'ok') {
        errors.push(`Lambda ${call.target} invoked by ${call.caller}: ${call.errorCode ?? call.status}`);
      }
    }
    const latencies = trace.linkRequests.map((r) => r.ms).sort((a, b) => a - b);
    const figures: LoadFigures = {
      wallSeconds,
      closedPerMinute: closedCount / (wallSeconds / 60),
      linkRequests: latencies.length,
      linkRequestsPerSecond: latencies.length / wallSeconds,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: latencies.at(-1) ?? Number.NaN,
    };
    return { purchases, closed, errors, figures };
  } finally {
    inboxes.stop();
  }
}

/** The figures as a block for the console. */
export function figuresBlock(run: LoadRun): string {
  const f = run.figures;
  const closed = run.closed.filter((v) => v?.stage === 'CLOSED').length;
  return [
    `── ${run.purchases} purchases played at once ──`,
    `closed                 ${closed} of ${run.purchases} in ${f.wallSeconds.toFixed(1)} s, ${run.errors.length} errors`,
    `throughput             ${f.closedPerMinute.toFixed(1)} purchases closed per minute`,
    `link requests          ${f.linkRequests} (${f.linkRequestsPerSecond.toFixed(1)} per second)`,
    `link latency           p50 ${f.p50Ms.toFixed(0)} ms, p99 ${f.p99Ms.toFixed(0)} ms, max ${f.maxMs.toFixed(0)} ms`,
  ].join('\n');
}

/** One line for the resilience table. */
export function figuresLine(run: LoadRun): string {
  const f = run.figures;
  const closed = run.closed.filter((v) => v?.stage === 'CLOSED').length;
  return (
    `${closed} CLOSED, ${run.errors.length} errors in ${f.wallSeconds.toFixed(0)} s; ` +
    `${f.closedPerMinute.toFixed(1)} closed/min, ${f.linkRequestsPerSecond.toFixed(1)} link req/s ` +
    `(${f.linkRequests}), link p50 ${f.p50Ms.toFixed(0)} ms, p99 ${f.p99Ms.toFixed(0)} ms`
  );
}

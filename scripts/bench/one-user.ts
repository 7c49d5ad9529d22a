import { smallMinorProtectionProposal } from '../../infra/local/samples/proposals.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import {
  Inboxes,
  type JourneyContext,
  type LinkRequest,
  midtermDueSoon,
  newTrace,
  playPurchase,
} from '../../test/support/journey.js';
import type { LocalAppUnderTest } from '../../test/support/local-app.js';
import { percentile } from './percentile.js';

/**
 * What one person waits for on an idle runtime: purchases played one after another (after one
 * that warms the sandboxes up, not measured), and the latency of each link request they make,
 * GET (opening an e-mailed link's page) apart from POST (deciding, asking for an upload grant).
 */

export interface OneUserFigures {
  readonly purchases: number;
  readonly get: LatencyFigures;
  readonly post: LatencyFigures;
}

export interface LatencyFigures {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The slowest requests, what they asked and how long they took: where a p99 comes from. */
  readonly slowest: readonly LinkRequest[];
}

export async function playOneUser(
  app: LocalAppUnderTest,
  settings: DeploymentSettings,
  purchases: number,
): Promise<OneUserFigures> {
  const officer = await app.users.devToken(
    'officer-one',
    ['officer'],
    'one.officer@civil-affairs.example.gov.cn',
  );
  const inboxes = new Inboxes(() => app.runtime.urls.mailbox);
  const trace = newTrace();
  const ctx: JourneyContext = { users: () => app.users, inboxes, officer, settings };
  inboxes.start();
  try {
    await playPurchase(ctx, midtermDueSoon(smallMinorProtectionProposal()));
    const measured = { ...ctx, trace };
    for (let i = 0; i < purchases; i++) {
      await playPurchase(measured, midtermDueSoon(smallMinorProtectionProposal()));
    }
  } finally {
    inboxes.stop();
  }
  return {
    purchases,
    get: latencies(trace.linkRequests, 'GET'),
    post: latencies(trace.linkRequests, 'POST'),
  };
}

function latencies(requests: readonly LinkRequest[], method: LinkRequest['method']): LatencyFigures {
  const sorted = requests.filter((r) => r.method === method).sort((a, b) => a.ms - b.ms);
  const ms = sorted.map((r) => r.ms);
  return {
    requests: sorted.length,
    p50Ms: percentile(ms, 0.5),
    p99Ms: percentile(ms, 0.99),
    slowest: sorted.slice(-SLOWEST_SHOWN).reverse(),
  };
}

const SLOWEST_SHOWN = 3;

export function oneUserBlock(figures: OneUserFigures): string {
  const line = (name: string, f: LatencyFigures) =>
    `${name.padEnd(23)}p50 ${f.p50Ms.toFixed(0)} ms, p99 ${f.p99Ms.toFixed(0)} ms (${f.requests} requests; ` +
    `slowest ${f.slowest.map((r) => `${r.what} ${r.ms.toFixed(0)} ms`).join(', ')})`;
  return [
    `── one user on an idle runtime, ${figures.purchases} purchases one after another ──`,
    line('link GET (open)', figures.get),
    line('link POST (decide)', figures.post),
  ].join('\n');
}

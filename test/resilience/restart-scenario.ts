import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  largeElderlyCareProposal,
  smallMinorProtectionProposal,
} from '../../infra/local/samples/proposals.js';
import { type MailboxMail, type PurchaseView, sleep, UsersClient } from '../../infra/local/users.js';
import {
  DynamoDeliverableRepository,
  DynamoPaymentRepository,
  DynamoPurchaseRepository,
} from '../../shared/adapters/dynamodb/index.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import type { AuditEntry, ChainVerification } from '../../shared/domain/audit.js';
import type { DeliverableRecord } from '../../shared/domain/deliverables.js';
import type { PaymentRecord } from '../../shared/domain/payment-records.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import { cachedAssembly } from '../support/assembly-cache.js';
import {
  Inboxes,
  type JourneyContext,
  midtermDueSoon,
  playPurchase,
  waitFor,
  withBudgetLine,
} from '../support/journey.js';
import { localDocumentClient } from '../support/local-app.js';
import { type RuntimePorts, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process.js';
import { TEST_SETTINGS } from '../support/settings.js';

/**
 * Case 12 (restart): many purchases played at once over HTTP while the runtime process is killed
 * with SIGKILL at seeded random moments and started again on the same data folder. Afterwards
 * the system of record is read directly (DynamoDB Local on its fixed port) to count what a
 * restart could lose or double: deliverables, payment steps, audit entries, payment notices.
 */

/** The samples a run can play: the large one (three approval levels) or the small one (one). */
export const RESTART_SAMPLES = {
  large: () => midtermDueSoon(largeElderlyCareProposal()),
  small: () => midtermDueSoon(smallMinorProtectionProposal()),
} as const satisfies Record<string, () => Proposal>;

export interface RestartScenarioOptions {
  readonly purchases: number;
  /** Which sample every purchase plays; `large` by default. */
  readonly sample?: keyof typeof RESTART_SAMPLES;
  /**
   * Kills to make. Each falls at a random point of the run's progress (measured by the mails the
   * users have received, between 10% and 85% of what the whole run sends), so a kill lands
   * mid-lifecycle however fast or busy the machine is, and at least `minGapMs` after a start.
   */
  readonly kills: number;
  readonly minGapMs: number;
  /** Downtime after a kill before the start, drawn from [0, maxPauseMs]. */
  readonly maxPauseMs: number;
  readonly seed: number;
  /** How long one purchase may take from its proposal to CLOSED, restarts included. */
  readonly journeyTimeoutMs: number;
  readonly log?: (line: string) => void;
}

/** Mails one purchase sends from its proposal to CLOSED (approvals, NGO, countersign, payments, evaluation). */
const MAILS_PER_PURCHASE = { large: 13, small: 11 } as const satisfies Record<
  keyof typeof RESTART_SAMPLES,
  number
>;

export const UPLOADED_KINDS = ['SIGNED_CONTRACT', 'MIDTERM_REPORT', 'FINAL_REPORT'] as const;

/** What the system of record holds for one purchase after the run. */
export interface PurchaseOutcome {
  readonly purchaseId: string;
  readonly view: PurchaseView;
  readonly deliverables: DeliverableRecord[];
  readonly payments: PaymentRecord[];
  readonly audit: AuditEntry[];
  readonly chain: ChainVerification;
  /** Finance's payment notices about this purchase, by tranche. */
  readonly notices: Map<number, MailboxMail[]>;
}

export interface RestartScenarioResult {
  readonly seed: number;
  readonly kills: number;
  /** When each kill happened, ms after the first start. */
  readonly killedAtMs: number[];
  readonly outcomes: PurchaseOutcome[];
  /** Journeys that threw, with their error (none expected). */
  readonly failures: string[];
  readonly elapsedMs: number;
}

/** A small, fast, seedable generator (mulberry32), so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed: RESTART_SEED from the environment (to repeat a run), else a fresh one. */
export function restartSeed(): number {
  const fromEnv = process.env.RESTART_SEED;
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * Settings whose budget line for the sample holds `purchases` of it (and two spare): the
 * configured settings when their line is large enough (the default app, already built), else
 * those with the line enlarged (an assembly of its own).
 */
export function settingsFor(
  purchases: number,
  proposal: () => Proposal = RESTART_SAMPLES.large,
): DeploymentSettings {
  const sample = proposal();
  const settings = TEST_SETTINGS;
  const needed = (purchases + 2) * sample.totalFen;
  const line = settings.policy.budgetLines.find((l) => l.lineId === sample.budgetLineRef);
  if (line && line.totalFen >= needed) return settings;
  return withBudgetLine(settings, sample, needed, 'Restart run');
}

export async function runRestartScenario(options: RestartScenarioOptions): Promise<RestartScenarioResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const random = seededRandom(options.seed);
  const proposal = RESTART_SAMPLES[options.sample ?? 'large'];
  const settings = settingsFor(options.purchases, proposal);
  const work = mkdtempSync(join(tmpdir(), 'ngo-restart-'));
  const assemblyDir = cachedAssembly(settings);
  const dataDir = join(work, 'data');
  const logFile = join(work, 'runtime.log');
  // Free ports on the first start, the same ones on every restart after it.
  let pinned: RuntimePorts | undefined;
  const start = async () => {
    const started = await startRuntimeProcess({ assemblyDir, dataDir, ports: pinned, logFile });
    pinned ??= started.ports;
    return started;
  };

  const began = Date.now();
  let runtime: RuntimeProcess | undefined = await start();
  const ports = runtime.ports;
  const users = new UsersClient(runtime.urls);
  const inboxes = new Inboxes(() => `http://127.0.0.1:${ports.mailbox}`);
  inboxes.start();
  let failed = false;
  try {
    const officer = await users.devToken(
      'officer-restart',
      ['officer'],
      'restart.officer@civil-affairs.example.gov.cn',
    );
    const ctx: JourneyContext = { users: () => users, inboxes, officer, settings };

    const ids: (string | undefined)[] = [];
    const failures: string[] = [];
    let settled = 0;
    const journeys = Array.from({ length: options.purchases }, (_, i) =>
      withTimeout(
        playPurchase(ctx, proposal(), {
          onSubmitted: (purchaseId) => {
            ids[i] = purchaseId;
          },
        }),
        options.journeyTimeoutMs,
        `purchase ${i + 1}`,
      )
        .then(
          (view) => {
            ids[i] = view.purchaseId;
          },
          (error: unknown) => {
            failures.push(`purchase ${i + 1} (${ids[i] ?? 'not submitted'}): ${messageOf(error)}`);
          },
        )
        .finally(() => {
          settled++;
        }),
    );

    const killedAtMs: number[] = [];
    const expectedMails = options.purchases * MAILS_PER_PURCHASE[options.sample ?? 'large'];
    const killPoints = Array.from({ length: options.kills }, () =>
      Math.ceil(expectedMails * (0.1 + random() * 0.75)),
    ).sort((a, b) => a - b);
    for (const [k, mailsSeen] of killPoints.entries()) {
      const pause = random() * options.maxPauseMs;
      const notBefore = Date.now() + options.minGapMs;
      while ((Date.now() < notBefore || inboxes.all.length < mailsSeen) && settled < options.purchases)
        await sleep(100);
      if (settled >= options.purchases) break;
      const at = Date.now() - began;
      await runtime.kill();
      runtime = undefined;
      killedAtMs.push(at);
      log(
        `restart case: kill ${k + 1} at ${(at / 1000).toFixed(1)} s (${settled} purchases done), down ${Math.round(pause)} ms`,
      );
      await sleep(pause);
      runtime = await start();
      log(`restart case: running again after ${((Date.now() - began - at) / 1000).toFixed(1)} s`);
    }
    await Promise.all(journeys);
    if (failures.length > 0) {
      failed = true;
      return {
        seed: options.seed,
        kills: killedAtMs.length,
        killedAtMs,
        outcomes: [],
        failures,
        elapsedMs: Date.now() - began,
      };
    }

    // Nothing may still be on its way: give the last steps a moment, then read what is stored.
    const purchaseIds = ids.filter((id): id is string => id !== undefined);
    const outcomes = await readOutcomes(ctx, dataDir, ports, purchaseIds, inboxes);
    return {
      seed: options.seed,
      kills: killedAtMs.length,
      killedAtMs,
      outcomes,
      failures,
      elapsedMs: Date.now() - began,
    };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    inboxes.stop();
    await runtime?.stop().catch(() => runtime?.kill());
    if (failed) log(`restart case: the runtime's output is kept in ${logFile}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

async function readOutcomes(
  ctx: JourneyContext,
  dataDir: string,
  ports: RuntimePorts,
  purchaseIds: string[],
  inboxes: Inboxes,
): Promise<PurchaseOutcome[]> {
  const endpoints = JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8')) as {
    tables: Record<string, string>;
  };
  const [tableName] = Object.values(endpoints.tables);
  if (!tableName) throw new Error('the app has no table');
  const client = localDocumentClient(`http://127.0.0.1:${ports.dynamodb}`);
  const options = { client, tableName };
  const purchases = new DynamoPurchaseRepository(options);
  const deliverables = new DynamoDeliverableRepository(options);
  const payments = new DynamoPaymentRepository(options);
  // The mailbox itself (not the journeys' deduplicated view): a doubled notice is counted.
  const mails = (
    (await (await fetch(`http://127.0.0.1:${ports.mailbox}/store`)).json()) as {
      emails: MailboxMail[];
    }
  ).emails;
  void inboxes;
  try {
    const outcomes: PurchaseOutcome[] = [];
    for (const purchaseId of purchaseIds) {
      const view = await waitFor(ctx, purchaseId, (v) => v.stage === 'CLOSED', { timeoutMs: 30_000 });
      const notices = new Map<number, MailboxMail[]>();
      for (const mail of mails) {
        const match = /^Payment due \S+: tranche (\d+) of (\S+),/.exec(mail.subject);
        if (match?.[2] !== purchaseId) continue;
        const tranche = Number(match[1]);
        notices.set(tranche, [...(notices.get(tranche) ?? []), mail]);
      }
      outcomes.push({
        purchaseId,
        view,
        deliverables: await deliverables.listDeliverables(purchaseId),
        payments: await payments.listPayments(purchaseId),
        audit: await purchases.listAudit(purchaseId),
        chain: await purchases.verifyAuditChain(purchaseId),
        notices,
      });
    }
    return outcomes;
  } finally {
    client.destroy();
  }
}

/** Entries that repeat an event: the product names each event by its eventId (once.ts, the repositories). */
export function repeatedEvents(audit: readonly AuditEntry[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const entry of audit) {
    if (seen.has(entry.eventId)) repeated.push(entry.eventId);
    seen.add(entry.eventId);
  }
  return repeated;
}

/** Whether the entries' seqs run 1, 2, 3, ... without a gap or a repeat. */
export function contiguousSeqs(audit: readonly AuditEntry[]): boolean {
  return [...audit]
    .map((e) => e.seq)
    .sort((a, b) => a - b)
    .every((seq, i) => seq === i + 1);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not close within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the table shows: counted from the outcomes, never a fixed text. */
export interface RestartFigures {
  readonly closed: number;
  readonly duplicateDeliverables: number;
  readonly missingDeliverables: number;
  readonly duplicatePayments: number;
  readonly unconfirmedPayments: number;
  readonly repeatedAuditEvents: number;
  readonly brokenChains: number;
  readonly duplicateNotices: number;
}

export function figuresOf(outcomes: readonly PurchaseOutcome[]): RestartFigures {
  let duplicateDeliverables = 0;
  let missingDeliverables = 0;
  let duplicatePayments = 0;
  let unconfirmedPayments = 0;
  let repeatedAuditEvents = 0;
  let brokenChains = 0;
  let duplicateNotices = 0;
  for (const o of outcomes) {
    for (const kind of UPLOADED_KINDS) {
      const accepted = o.deliverables.filter((d) => d.kind === kind && d.status === 'ACCEPTED').length;
      if (accepted === 0) missingDeliverables++;
      duplicateDeliverables += Math.max(0, accepted - 1);
    }
    const keys = o.deliverables.map((d) => d.key);
    duplicateDeliverables += keys.length - new Set(keys).size;
    for (const tranche of [1, 2, 3]) {
      const steps = o.payments.filter((p) => p.tranche === tranche);
      duplicatePayments += Math.max(0, steps.length - 1);
      if (steps.length === 0 || steps.some((p) => p.status !== 'CONFIRMED')) unconfirmedPayments++;
      duplicateNotices += Math.max(0, (o.notices.get(tranche)?.length ?? 0) - 1);
    }
    repeatedAuditEvents += repeatedEvents(o.audit).length;
    if (!o.chain.valid || !o.view.auditChain.valid || !contiguousSeqs(o.audit)) brokenChains++;
  }
  return {
    closed: outcomes.filter((o) => o.view.stage === 'CLOSED').length,
    duplicateDeliverables,
    missingDeliverables,
    duplicatePayments,
    unconfirmedPayments,
    repeatedAuditEvents,
    brokenChains,
    duplicateNotices,
  };
}

export function observedText(
  result: RestartScenarioResult,
  figures: RestartFigures,
  purchases: number,
): string {
  return [
    `${figures.closed}/${purchases} CLOSED after ${result.kills} SIGKILLs (seed ${result.seed})`,
    `duplicates: ${figures.duplicateDeliverables} deliverables, ${figures.duplicatePayments} payment steps, ${figures.repeatedAuditEvents} audit events, ${figures.duplicateNotices} repeated notices (same text, at least once)`,
    `lost: ${figures.missingDeliverables} deliverables, ${figures.unconfirmedPayments} payments`,
    `${purchases - figures.brokenChains}/${purchases} audit chains verify`,
  ].join('; ');
}

/**
 * Per purchase: CLOSED; one ACCEPTED deliverable per uploaded kind and one record per object;
 * tranches 1..3 each once and CONFIRMED; no event twice in the audit, seqs 1..n, the chain
 * verifies; every payment notice in the mailbox (a repeat after a kill is the same notice).
 */
export function expectNothingLostOrDoubled(outcomes: readonly PurchaseOutcome[]): void {
  for (const o of outcomes) {
    const about = `purchase ${o.purchaseId}`;
    expect(o.view.stage, about).toBe('CLOSED');
    for (const kind of UPLOADED_KINDS) {
      const accepted = o.deliverables.filter((d) => d.kind === kind && d.status === 'ACCEPTED');
      expect(accepted.length, `${about}: ACCEPTED ${kind} deliverables`).toBe(1);
    }
    const keys = o.deliverables.map((d) => d.key);
    expect(new Set(keys).size, `${about}: upload records per object`).toBe(keys.length);
    expect(
      [...o.payments].sort((a, b) => a.tranche - b.tranche).map((p) => [p.tranche, p.status]),
      `${about}: payment steps`,
    ).toEqual([
      [1, 'CONFIRMED'],
      [2, 'CONFIRMED'],
      [3, 'CONFIRMED'],
    ]);
    expect(repeatedEvents(o.audit), `${about}: audit events recorded twice`).toEqual([]);
    expect(contiguousSeqs(o.audit), `${about}: audit seqs 1..${o.audit.length}`).toBe(true);
    expect(o.chain, `${about}: audit chain`).toEqual({ valid: true, entries: o.audit.length });
    expect(o.view.auditChain.valid, `${about}: audit chain in the API`).toBe(true);
    // A notice is never lost. It may come twice, identical, when a kill fell between the publish
    // and its record (messages are at least once: SNS e-mail has no deduplication); the payment
    // step it announces is still one, checked above, and both carry the same confirmation link.
    for (const tranche of [1, 2, 3]) {
      const notices = o.notices.get(tranche) ?? [];
      expect(notices.length, `${about}: tranche ${tranche} notices`).toBeGreaterThanOrEqual(1);
      const bodies = new Set(notices.map((m) => m.body.text ?? ''));
      expect(bodies.size, `${about}: tranche ${tranche} notices are one notice`).toBe(1);
    }
  }
}

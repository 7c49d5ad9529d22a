import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../infra/local/runtime.js';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from '../../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../../infra/local/users.js';
import { fieldErrorText } from '../../../shared/presentation/field-error-messages.js';
import { cachedAssembly } from '../../support/assembly-cache.js';
import { portOf } from '../../support/local-app.js';
import { TEST_SETTINGS } from '../../support/settings.js';

/**
 * The synthesized app on the local runtime, driven over HTTP only: links come from the
 * mailbox, decisions are the page's form. One purchase is approved by three levels, one
 * is rejected, a link is double-clicked, and the runtime is restarted mid-approval.
 */

const settings = TEST_SETTINGS;
const approvers = settings.policy.approval.approvers;
let assemblyDir: string;
let dataDir: string;
let apiPort: number | undefined;
let runtime: LocalRuntime;
let users: UsersClient;
let officer: string;
const seen = new Set<string>();
/** The runtime's own log lines, shown when a case fails (they say what a restart resumed). */
const runtimeLog: string[] = [];

/** The first start takes any free API port; the restart binds the same one, which mailed links carry. */
async function start(): Promise<void> {
  runtime = await startLocalRuntime({
    assemblyDir,
    dataDir,
    ports: { api: apiPort ?? 0 },
    clock: { msPerSecond: 1000 },
    log: (line) => runtimeLog.push(line),
  });
  apiPort ??= portOf(runtime.urls.api);
  users = new UsersClient(runtime.urls);
  officer = await users.devToken('officer-li', ['officer'], 'li.officer@civil-affairs.example.gov.cn');
}

beforeAll(async () => {
  assemblyDir = cachedAssembly();
  dataDir = mkdtempSync(join(tmpdir(), 'ngo-data-'));
  await start();
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function linkFor(purchaseId: string, level: keyof typeof approvers): Promise<string> {
  const mail = await users.waitForMail(
    approvers[level].email,
    (m) => (m.body.text ?? '').includes(purchaseId),
    seen,
  );
  expect(mail.body.html).toContain(purchaseId);
  return UsersClient.linkIn(mail);
}

async function approve(purchaseId: string, level: keyof typeof approvers): Promise<void> {
  const { page, answer } = await users.decideAsPerson(await linkFor(purchaseId, level), {
    decision: 'APPROVE',
    comment: 'ok',
  });
  expect(page.status).toBe(200);
  expect(page.nonce).toBeDefined();
  expect(answer.status).toBe(200);
}

describe('local runtime: the synthesized app end to end over HTTP', () => {
  it('writes every local endpoint to endpoints.json', () => {
    const endpoints = JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(endpoints)).toContain(runtime.urls.api);
    expect(JSON.stringify(endpoints)).toContain(runtime.urls.mailbox);
  });

  it('refuses the staff API without a token (401), for a non-staff role (403), and bad input (400 with fields)', async () => {
    const anonymous = await fetch(`${runtime.urls.api}/purchases`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    const ngo = await users.devToken('ngo-1', ['ngo']);
    expect((await users.submit(ngo, largeElderlyCareProposalToday())).status).toBe(403);
    const bad = await users.submit(officer, {
      ...largeElderlyCareProposalToday(),
      totalFen: 12.5,
      colour: 'red',
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['totalFen', 'colour']));
  });

  it('drives a purchase above the threshold through three approvals to APPROVED', async () => {
    const submitted = await users.submit(officer, largeElderlyCareProposalToday());
    expect(submitted.status).toBe(201);
    const purchaseId = String(submitted.body.purchaseId);
    for (const level of ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'] as const)
      await approve(purchaseId, level);
    const view = await users.waitForStage(officer, purchaseId, ['CONTRACTING', 'REJECTED']);
    expect(view.stage).toBe('CONTRACTING');
    expect(view.outcome?.result).toBe('APPROVED');
    expect(Object.keys(view.approvals).sort()).toEqual([
      'BUREAU_DIRECTOR',
      'FINANCE_SECTION',
      'SECTION_CHIEF',
    ]);
    expect(view.auditChain.valid).toBe(true);
    expect(JSON.stringify(view)).not.toMatch(/taskToken|nonce/);
  });

  it('answers 400 on budgetLineRef to a proposal its line no longer holds, naming what is left in Chinese and English', async () => {
    const base = smallMinorProtectionProposalToday();
    const year = base.budgetLineRef.slice(0, 4);
    const options = await fetch(`${runtime.urls.api}/proposal-options?year=${year}`, {
      headers: { authorization: `Bearer ${officer}` },
    });
    const { budgetLines } = (await options.json()) as {
      budgetLines: { lineId: string; availableFen: number; availableYuan: string }[];
    };
    const line = budgetLines.find((l) => l.lineId === base.budgetLineRef);
    if (!line) throw new Error(`no line ${base.budgetLineRef} offered for ${year}`);
    // One fen more than the line holds, on the activities budget so every other rule still holds.
    const extraFen = line.availableFen + 1 - base.totalFen;
    const tooMuch = {
      ...base,
      totalFen: base.totalFen + extraFen,
      budgetLines: base.budgetLines.map((l, i) =>
        i === 1 ? { ...l, amountFen: l.amountFen + extraFen } : l,
      ),
    };

    const answer = await users.submit(officer, tooMuch);

    expect(answer.status).toBe(400);
    const errors = answer.body.errors as { field: string; rule: string; message: string; zh: string }[];
    expect(errors).toEqual([
      expect.objectContaining({ field: 'budgetLineRef', rule: 'budget-line-remaining', value: line.lineId }),
    ]);
    expect(errors[0]?.message).toContain(`has ${line.availableYuan} left`);
    expect(errors[0]?.zh).toContain(`剩余 ${line.availableYuan}`);
    // The console shows the same two sentences (its field-error machinery).
    expect(fieldErrorText(errors[0] as (typeof errors)[number])).toEqual({
      zh: errors[0]?.zh,
      en: expect.stringMatching(
        new RegExp(`^Budget line ${line.lineId} has .* left; .*Allowed: a total of at most`),
      ),
    });
  });

  it('ends REJECTED with the approver’s reason, and the link then shows who decided', async () => {
    const submitted = await users.submit(officer, smallMinorProtectionProposalToday());
    const purchaseId = String(submitted.body.purchaseId);
    const link = await linkFor(purchaseId, 'SECTION_CHIEF');
    const page = await users.open(link);
    const result = await users.decide(link, {
      nonce: page.nonce,
      decision: 'REJECT',
      comment: '人员配置不足',
    });
    expect(result.status).toBe(200);
    const view = await users.waitForStage(officer, purchaseId, ['REJECTED', 'CONTRACTING']);
    expect(view.stage).toBe('REJECTED');
    expect(view.outcome?.reason).toContain('人员配置不足');
    // The officer's mail gives the reason in both languages.
    const told = await users.waitForMail(
      'li.officer@civil-affairs.example.gov.cn',
      (m) => (m.body.text ?? '').includes(purchaseId),
      seen,
    );
    expect(told.subject).toContain('已驳回 Rejected');
    expect(told.body.text).toMatch(
      /驳回理由 Reason: .*（.*）驳回：人员配置不足 \/ rejected by .* \(.*\): 人员配置不足/,
    );
    expect(view.audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['budget.released', 'purchase.rejected']),
    );
    const later = await users.open(link);
    expect(later.status).toBe(410);
    expect(later.nonce).toBeUndefined();
    expect(later.html).toContain(approvers.SECTION_CHIEF.email);
  });

  it('two parallel POSTs on one link record one decision; HEAD, GET and a POST without nonce change nothing', async () => {
    const submitted = await users.submit(officer, smallMinorProtectionProposalToday());
    const purchaseId = String(submitted.body.purchaseId);
    const link = await linkFor(purchaseId, 'SECTION_CHIEF');
    const before = await users.purchase(officer, purchaseId);
    await users.open(link, 'HEAD', 'Mozilla/5.0 (compatible; SafeLinks scanner)');
    const page = await users.open(link);
    expect((await users.decide(link, { decision: 'APPROVE', confirmed: true })).status).toBe(400);
    expect((await users.purchase(officer, purchaseId)).version).toBe(before.version);

    const [a, b] = await Promise.all([
      users.decide(link, { nonce: page.nonce, decision: 'APPROVE', confirmed: true, comment: 'first tab' }),
      users.decide(link, { nonce: page.nonce, decision: 'REJECT', comment: 'second tab' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 410]);
    const view = await users.waitForStage(officer, purchaseId, ['CONTRACTING', 'REJECTED']);
    expect(view.audit.filter((e) => e.action === 'approval.decided')).toHaveLength(1);
    const winner = view.approvals.SECTION_CHIEF?.decision;
    expect(view.stage).toBe(winner === 'APPROVE' ? 'CONTRACTING' : 'REJECTED');
  });

  it('refuses tampered links with 403 and reveals nothing', async () => {
    const submitted = await users.submit(officer, smallMinorProtectionProposalToday());
    const link = await linkFor(String(submitted.body.purchaseId), 'SECTION_CHIEF');
    const tampered = link.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    const forged = await users.open(tampered);
    expect(forged.status).toBe(403);
    const otherId = link.replace(/tasks\/[A-Za-z0-9_-]{24}/, 'tasks/AAAAAAAAAAAAAAAAAAAAAAAA');
    const unknown = await users.open(otherId);
    expect(unknown.status).toBe(403);
    expect(unknown.html).toBe(forged.html);
  });

  it('continues a pending purchase after a restart, and the e-mailed link still works', async () => {
    const submitted = await users.submit(officer, largeElderlyCareProposalToday());
    const purchaseId = String(submitted.body.purchaseId);
    await approve(purchaseId, 'SECTION_CHIEF');
    const pendingLink = await linkFor(purchaseId, 'FINANCE_SECTION');

    await runtime.stop();
    await start();

    const { page, answer } = await users.decideAsPerson(pendingLink, {
      decision: 'APPROVE',
      comment: 'after restart',
    });
    expect(page.status).toBe(200);
    expect(answer.status).toBe(200);
    await approve(purchaseId, 'BUREAU_DIRECTOR').catch((error: unknown) => {
      const resumes = runtimeLog.filter((line) => line.includes('resum')).slice(-5);
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}; the runtime said: ${resumes.join(' | ')}`,
      );
    });
    const view = await users.waitForStage(officer, purchaseId, ['CONTRACTING', 'REJECTED']);
    expect(view.outcome?.result).toBe('APPROVED');
    expect(view.audit.filter((e) => e.action === 'approval.decided')).toHaveLength(3);
    expect(view.auditChain.valid).toBe(true);
  });
});

import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import { type MailboxMail, type PurchaseView, sleep } from '../../infra/local/users.js';
import { keys } from '../../shared/adapters/dynamodb/table-design.js';
import { budgetShortfall } from '../../shared/domain/budget.js';
import { formatYuan } from '../../shared/domain/money.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import { type LocalAppUnderTest, localDocumentClient, startLocalApp } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { recordCase } from './case.js';

/**
 * Case 11 (budget race) of the resilience suite: 50 proposals submitted over the app's HTTP API
 * at once, racing for a budget line that fits exactly 10 of them. The repository-level race is
 * proven in test/integration/persistence; this one goes through the whole product: the staff
 * API, the workflow's reserve step in its Lambda, the refusal path and the officer's mail.
 */

const RACERS = 50;
const FITS = 10;
const OFFICER_EMAIL = 'race.officer@civil-affairs.example.gov.cn';

const settings = TEST_SETTINGS;
const sample = smallMinorProtectionProposalToday();
const lineId = sample.budgetLineRef;
const lineTotalFen = settings.policy.budgetLines.find((line) => line.lineId === lineId)?.totalFen ?? 0;

/**
 * The configured line (the default app: no assembly of its own) is raced by proposals of a
 * tenth of it each: the small sample with the difference added to its activities budget, which
 * keeps every policy rule (the submissions would be refused otherwise, failing the case).
 */
function tenthOfTheLine(): Proposal {
  const extraFen = lineTotalFen / FITS - sample.totalFen;
  if (!Number.isSafeInteger(extraFen) || extraFen < 0) {
    throw new Error(
      `line ${lineId} (${lineTotalFen} fen) is not ten times a proposal of at least the sample`,
    );
  }
  return {
    ...sample,
    totalFen: sample.totalFen + extraFen,
    budgetLines: sample.budgetLines.map((line, i) =>
      i === 1 ? { ...line, amountFen: line.amountFen + extraFen } : line,
    ),
  };
}

const proposal = tenthOfTheLine();
const chief = settings.policy.approval.approvers.SECTION_CHIEF.email;

let app: LocalAppUnderTest;
let db: DynamoDBDocumentClient;
let officer: string;

beforeAll(async () => {
  app = await startLocalApp();
  officer = await app.users.devToken('officer-race', ['officer'], OFFICER_EMAIL);
  db = localDocumentClient(app.runtime.urls.dynamodb);
}, 180_000);

afterAll(async () => {
  db?.destroy();
  await app?.stop();
});

const tableName = () => {
  const [table] = app.runtime.app.tables;
  if (!table) throw new Error('the app has no table');
  return table.tableName;
};

/** What the product stores for the line: its remaining amount (undefined before the first reserve). */
async function storedLine(): Promise<{ totalFen: number; availableFen: number } | undefined> {
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName(), Key: keys.budgetLine(lineId), ConsistentRead: true }),
  );
  return Item ? { totalFen: Item.totalFen as number, availableFen: Item.availableFen as number } : undefined;
}

async function storedReservations(): Promise<{ purchaseId: string; status: string; amountFen: number }[]> {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :reservation)',
      ExpressionAttributeValues: { ':pk': keys.budgetLine(lineId).PK, ':reservation': 'RESERVATION#' },
      ConsistentRead: true,
    }),
  );
  return Items.map((i) => ({
    purchaseId: i.purchaseId as string,
    status: i.status as string,
    amountFen: i.amountFen as number,
  }));
}

/** A purchase has settled once it is refused, or is waiting for its first approver with a live task. */
const settled = (v: PurchaseView) =>
  v.stage === 'REJECTED' || (v.stage === 'APPROVAL' && v.pendingTasks.some((t) => t.status === 'PENDING'));

describe('case 11: budget race over the HTTP API', () => {
  it('50 proposals racing for a line that fits 10: exactly 10 reserve and go to approval, the line is never overdrawn, 40 are refused naming the line, the amount and what was left', {
    timeout: 120_000,
  }, async (context) => {
    // Watches what the product stores for the line during the whole race, not only at the end.
    const samples: number[] = [];
    let racing = true;
    const watcher = (async () => {
      while (racing) {
        const line = await storedLine();
        if (line) samples.push(line.availableFen);
        await sleep(20);
      }
    })();

    const started = performance.now();
    let resubmitted = 0;
    const submitOnce = async () => {
      const key = `race-${randomUUID()}`;
      let answer = await app.users.submit(officer, proposal, key);
      // A 5xx leaves the officer's client unsure whether the purchase exists: it sends the same
      // request again with the same Idempotency-Key, which returns the first purchase, never a second.
      while (answer.status >= 500) {
        resubmitted++;
        await sleep(500);
        answer = await app.users.submit(officer, proposal, key);
      }
      return answer;
    };
    const submissions = await Promise.all(Array.from({ length: RACERS }, submitOnce));
    expect(submissions.map((s) => s.status).filter((s) => ![200, 201, 400].includes(s))).toEqual([]);
    // A submission that arrives once the line is spent is refused at once, naming what is left;
    // the others race in the workflow, whose reservation is the gate.
    const refusedAtOnce = submissions.filter((s) => s.status === 400);
    for (const answer of refusedAtOnce)
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ field: 'budgetLineRef', rule: 'budget-line-remaining' }),
      ]);
    const ids = submissions.filter((s) => s.status !== 400).map((s) => String(s.body.purchaseId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(FITS);

    // Each settlement is checked against the line as it is stored at that moment.
    const views = new Map<string, PurchaseView>();
    const deadline = Date.now() + 50_000;
    while (views.size < ids.length) {
      const open = ids.filter((id) => !views.has(id));
      for (const view of await Promise.all(open.map((id) => app.users.purchase(officer, id)))) {
        if (!settled(view)) continue;
        views.set(view.purchaseId, view);
        const line = await storedLine();
        expect(line?.availableFen).toBeGreaterThanOrEqual(0);
        expect(lineTotalFen - (line?.availableFen ?? 0)).toBeLessThanOrEqual(lineTotalFen);
      }
      if (views.size < ids.length && Date.now() > deadline) {
        throw new Error(`${ids.length - views.size} purchases still unsettled: ${open.join(', ')}`);
      }
      if (views.size < ids.length) await sleep(250);
    }
    const settledMs = performance.now() - started;
    racing = false;
    await watcher;

    const reserved = [...views.values()].filter((v) => v.stage === 'APPROVAL');
    const refused = [...views.values()].filter((v) => v.stage === 'REJECTED');
    expect(reserved).toHaveLength(FITS);
    expect(refused).toHaveLength(ids.length - FITS);

    // The stored line: never negative while racing, spent to the fen at the end, and its
    // reservations are exactly the ten purchases that went on to approval.
    expect(samples.length).toBeGreaterThan(0);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    const line = await storedLine();
    expect(line).toEqual({ totalFen: lineTotalFen, availableFen: 0 });
    const reservations = await storedReservations();
    expect(reservations.every((r) => r.status === 'RESERVED')).toBe(true);
    expect(reservations.map((r) => r.purchaseId).sort()).toEqual(reserved.map((v) => v.purchaseId).sort());
    const heldFen = reservations.reduce((sum, r) => sum + r.amountFen, 0);
    expect(heldFen).toBe(lineTotalFen);

    for (const view of reserved) {
      expect(
        view.audit.filter((a) => a.action === 'budget.reserved'),
        `${view.purchaseId} budget.reserved entries`,
      ).toHaveLength(1);
      expect(view.pendingTasks).toMatchObject([{ purpose: 'APPROVAL', level: 'SECTION_CHIEF' }]);
    }

    // The refusal the officer reads, in both languages: the line, the amount asked and what was left on it.
    const refusal = budgetShortfall(lineId, 0, proposal.totalFen);
    for (const view of refused) {
      expect(view.outcome?.result).toBe('REJECTED');
      expect(view.outcome?.reason).toContain(`BUDGET: ${refusal.en}`);
      expect(view.outcome?.reasonText).toEqual(refusal);
      // Nothing half-done: no reservation, no approval task, no budget movement in the audit trail.
      expect(view.pendingTasks).toEqual([]);
      expect((view as PurchaseView & { tasks?: unknown[] }).tasks).toEqual([]);
      expect(view.approvalLevels).toEqual([]);
      expect(view.audit.some((a) => a.action.startsWith('budget.'))).toBe(false);
      expect(
        view.audit.filter((a) => a.action === 'purchase.rejected'),
        `${view.purchaseId} purchase.rejected entries`,
      ).toHaveLength(1);
      expect(view.auditChain.valid).toBe(true);
    }

    // Mail: one rejection to the officer per refused purchase, carrying the same reason; one
    // approval request to the section chief per reserved purchase, none for a refused one.
    const about = (m: MailboxMail, id: string) => (m.body.text ?? '').includes(id);
    let mails: MailboxMail[] = [];
    const mailDeadline = Date.now() + 30_000;
    for (;;) {
      mails = await app.users.mails();
      const toOfficer = mails.filter((m) => m.destination.to.includes(OFFICER_EMAIL));
      const toChief = mails.filter((m) => m.destination.to.includes(chief));
      if (toOfficer.length >= refused.length && toChief.length >= reserved.length) break;
      if (Date.now() > mailDeadline) break;
      await sleep(250);
    }
    for (const view of refused) {
      const rejections = mails.filter(
        (m) => m.destination.to.includes(OFFICER_EMAIL) && about(m, view.purchaseId),
      );
      expect(rejections, `rejection mails to the officer about ${view.purchaseId}`).toHaveLength(1);
      expect(rejections[0]?.body.text).toContain(refusal.zh);
      expect(rejections[0]?.body.text).toContain(refusal.en);
      expect(mails.filter((m) => m.destination.to.includes(chief) && about(m, view.purchaseId))).toEqual([]);
    }
    for (const view of reserved) {
      const requests = mails.filter((m) => m.destination.to.includes(chief) && about(m, view.purchaseId));
      expect(requests, `approval requests to the section chief about ${view.purchaseId}`).toHaveLength(1);
      expect(
        mails.filter((m) => m.destination.to.includes(OFFICER_EMAIL) && about(m, view.purchaseId)),
      ).toEqual([]);
    }

    // The refusal's code as the reason names it ('PurchaseRefused: BUDGET: ...').
    const reasons = new Set(refused.map((v) => /\b([A-Z_]{3,}):/.exec(v.outcome?.reason ?? '')?.[1]));
    recordCase(context, {
      case: '11 Budget race',
      attempts: RACERS,
      expected: `${FITS} reserved, the line never overdrawn, the rest refused naming line, amount and what is left`,
      observed:
        `${reserved.length} reserved, ${refusedAtOnce.length} refused at submission (400 on budgetLineRef), ` +
        `${refused.length} refused by the workflow with reason ${[...reasons].join('/')}, ` +
        `${formatYuan(heldFen)} of ${formatYuan(lineTotalFen)} reserved, lowest stored remainder ` +
        `${formatYuan(Math.min(...samples))} over ${samples.length} reads, settled in ${(settledMs / 1000).toFixed(1)} s` +
        (resubmitted > 0 ? `, ${resubmitted} submissions answered 5xx and were resent with their key` : ''),
    });
  });
});

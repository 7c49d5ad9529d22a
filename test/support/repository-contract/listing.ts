import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Stage } from '../../../shared/domain/lifecycle.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import {
  emptyStageCounts,
  type PurchaseListFilter,
  type PurchaseListQuery,
  searchTerms,
} from '../../../shared/domain/purchase-listing.js';
import type { RevisionRecord } from '../../../shared/domain/revision.js';
import { chief, deputy, EXPIRES, proposal, type Subject } from './subject.js';

/**
 * Each case lists a budget year of its own (the store is shared with every other case), so what
 * it counts is only what it wrote.
 */
let lastYear = 4000 + Math.floor(Math.random() * 4000);
const ownYear = () => ++lastYear;

/** A proposal of `year` (its budget line and term), with the fields the list shows changed as given. */
function proposalOf(year: number, change: Partial<Proposal> = {}): Proposal {
  return {
    ...proposal,
    budgetLineRef: `${year}-MZ-ELDER-01`,
    term: { start: `${year}-01-01`, end: `${year}-12-31` },
    ...change,
  };
}

/** A stage reached from PROPOSAL along allowed moves. */
const PATHS: Partial<Record<Stage, Stage[]>> = {
  PROPOSAL: [],
  APPROVAL: ['APPROVAL'],
  CONTRACTING: ['APPROVAL', 'CONTRACTING'],
  REJECTED: ['APPROVAL', 'REJECTED'],
  TERMINATED: ['APPROVAL', 'CONTRACTING', 'TERMINATED'],
  CLOSED: ['APPROVAL', 'CONTRACTING', 'MIDTERM_REVIEW', 'EVALUATION', 'CLOSED'],
};

export function listingContract(s: Subject): void {
  /** Registers a purchase at `createdAt` and moves it to `stage` (each move a minute later). */
  async function stored(
    year: number,
    options: { createdAt: string; stage?: Stage; change?: Partial<Proposal>; purchaseId?: string },
  ): Promise<string> {
    const purchaseId = options.purchaseId ?? `PUR-${year}-${randomUUID().slice(0, 8).toUpperCase()}`;
    await s.repos.purchases.createPurchase({
      purchaseId,
      proposal: proposalOf(year, options.change),
      createdBy: 'officer-1',
      now: options.createdAt,
    });
    let at = Date.parse(options.createdAt);
    let from: Stage = 'PROPOSAL';
    for (const to of PATHS[options.stage ?? 'PROPOSAL'] ?? []) {
      at += 60_000;
      await s.repos.purchases.change({
        purchaseId,
        from,
        to,
        audit: { actor: 'system:test', action: 'stage.moved' },
        eventId: `move:${to}`,
        now: new Date(at).toISOString(),
      });
      from = to;
    }
    return purchaseId;
  }

  const list = (filter: PurchaseListFilter, options: Partial<Omit<PurchaseListQuery, 'filter'>> = {}) =>
    s.repos.purchases.listPurchases({ filter, sort: 'newest', limit: 25, ...options });

  const ids = async (filter: PurchaseListFilter, options: Partial<Omit<PurchaseListQuery, 'filter'>> = {}) =>
    (await list(filter, options)).items.map((row) => row.purchaseId);

  describe('the purchases list', () => {
    it('lists the budget year’s purchases newest first, final ones included, with their rows and counts per stage', async () => {
      const year = ownYear();
      const older = await stored(year, { createdAt: '2026-01-05T02:00:00.000Z' });
      const rejected = await stored(year, { createdAt: '2026-01-06T02:00:00.000Z', stage: 'REJECTED' });
      const newer = await stored(year, { createdAt: '2026-01-07T02:00:00.000Z', stage: 'APPROVAL' });
      await stored(ownYear(), { createdAt: '2026-01-08T02:00:00.000Z' });

      const page = await list({ budgetYear: year });

      expect(page.items.map((row) => row.purchaseId)).toEqual([newer, rejected, older]);
      expect(page.items[1]).toEqual({
        purchaseId: rejected,
        title: proposal.title,
        ngo: { name: proposal.ngo.name, creditCode: proposal.ngo.creditCode },
        serviceArea: 'ELDERLY_CARE',
        serviceItem: proposal.serviceItem,
        district: proposal.district,
        stage: 'REJECTED',
        totalFen: proposal.totalFen,
        budgetYear: year,
        createdAt: '2026-01-06T02:00:00.000Z',
        updatedAt: '2026-01-06T02:02:00.000Z',
      });
      expect(page.countsByStage).toEqual({ ...emptyStageCounts(), PROPOSAL: 1, APPROVAL: 1, REJECTED: 1 });
      expect(page.next).toBeUndefined();
    });

    it('the year is the budget year of the proposal, not the year the purchase was registered', async () => {
      const yearBefore = ownYear();
      const year = ownYear();
      const registeredTheYearBefore = await stored(year, { createdAt: `${yearBefore}-12-20T02:00:00.000Z` });
      expect(await ids({ budgetYear: year })).toEqual([registeredTheYearBefore]);
      expect(await ids({ budgetYear: yearBefore })).toEqual([]);
    });

    it('a stage narrows the rows, while the counts still say what every stage would list', async () => {
      const year = ownYear();
      await stored(year, { createdAt: '2026-02-01T00:00:00.000Z' });
      const approval = await stored(year, { createdAt: '2026-02-02T00:00:00.000Z', stage: 'APPROVAL' });
      const closed = await stored(year, { createdAt: '2026-02-03T00:00:00.000Z', stage: 'CLOSED' });
      const terminated = await stored(year, { createdAt: '2026-02-04T00:00:00.000Z', stage: 'TERMINATED' });

      const page = await list({ budgetYear: year, stage: 'APPROVAL' });
      expect(page.items.map((row) => row.purchaseId)).toEqual([approval]);
      expect(page.countsByStage).toEqual({
        ...emptyStageCounts(),
        PROPOSAL: 1,
        APPROVAL: 1,
        CLOSED: 1,
        TERMINATED: 1,
      });
      expect(await ids({ budgetYear: year, stage: 'CLOSED' })).toEqual([closed]);
      expect(await ids({ budgetYear: year, stage: 'TERMINATED' })).toEqual([terminated]);
      expect(await ids({ budgetYear: year, stage: 'EVALUATION' })).toEqual([]);
    });

    it('filters by service area, district in any letter case, and NGO credit code, the counts following', async () => {
      const year = ownYear();
      const otherNgo = {
        name: '湖里区启航青少年服务中心',
        creditCode: '52350206MJ00000001',
        contactEmail: 'a@b.org',
      };
      const siming = await stored(year, { createdAt: '2026-03-01T00:00:00.000Z' });
      const huli = await stored(year, {
        createdAt: '2026-03-02T00:00:00.000Z',
        change: { district: 'Huli', serviceArea: 'MINOR_PROTECTION', ngo: otherNgo },
        stage: 'APPROVAL',
      });
      const huliElderly = await stored(year, {
        createdAt: '2026-03-03T00:00:00.000Z',
        change: { district: 'Huli' },
      });

      expect(await ids({ budgetYear: year, serviceArea: 'MINOR_PROTECTION' })).toEqual([huli]);
      expect(await ids({ budgetYear: year, district: 'huli' })).toEqual([huliElderly, huli]);
      expect(await ids({ budgetYear: year, district: 'SIMING' })).toEqual([siming]);
      expect(await ids({ budgetYear: year, ngoCreditCode: otherNgo.creditCode })).toEqual([huli]);
      expect(await ids({ budgetYear: year, district: 'Huli', serviceArea: 'ELDERLY_CARE' })).toEqual([
        huliElderly,
      ]);
      expect((await list({ budgetYear: year, district: 'Huli' })).countsByStage).toEqual({
        ...emptyStageCounts(),
        PROPOSAL: 1,
        APPROVAL: 1,
      });
    });

    it('finds text in the title, the NGO name and the purchase id: any letter case, full-width forms, Chinese, every word', async () => {
      const year = ownYear();
      const chinese = await stored(year, {
        createdAt: '2026-04-01T00:00:00.000Z',
        change: {
          title: '思明区独居老人居家照护服务',
          ngo: {
            name: '厦门市鹭江社会工作服务中心',
            creditCode: '52350200MJ0000000X',
            contactEmail: 'a@b.org',
          },
        },
      });
      const english = await stored(year, {
        createdAt: '2026-04-02T00:00:00.000Z',
        change: { title: 'Home Care Visits for Elders' },
      });
      const find = (q: string) => ids({ budgetYear: year, terms: searchTerms(q) });

      expect(await find('居家照护')).toEqual([chinese]);
      expect(await find('鹭江')).toEqual([chinese]);
      expect(await find('HOME care')).toEqual([english]);
      expect(await find('ｈｏｍｅ')).toEqual([english]);
      expect(await find('lujiang')).toEqual([english]);
      expect(await find(chinese.toLowerCase())).toEqual([chinese]);
      expect(await find('home 居家')).toEqual([]);
      expect(await find('care')).toEqual([english]);
    });

    it('a revised proposal is listed and found by what it says now, and its revision is kept', async () => {
      const year = ownYear();
      const purchaseId = await stored(year, {
        createdAt: '2026-04-03T00:00:00.000Z',
        stage: 'APPROVAL',
        change: { title: 'Home Care Visits for Elders' },
      });
      const revision: RevisionRecord = {
        round: 1,
        level: 'SECTION_CHIEF',
        returned: {
          decision: 'RETURN',
          by: 'chief@x.gov.cn',
          byName: 'Chief',
          comment: 'name the meals',
          at: '2026-04-03T01:00:00.000Z',
          taskId: 't-1',
        },
        revisedBy: 'officer-1',
        revisedAt: '2026-04-03T02:00:00.000Z',
        note: 'renamed',
        changed: ['title', 'totalFen'],
      };
      await s.repos.purchases.change({
        purchaseId,
        from: 'APPROVAL',
        set: {
          proposal: proposalOf(year, { title: 'Community Meals for Elders', totalFen: 777 }),
          revisions: [revision],
        },
        audit: { actor: 'officer-1', action: 'proposal.revised' },
        eventId: 'proposal.revised:1',
        now: '2026-04-03T02:00:00.000Z',
      });
      const find = (q: string) => ids({ budgetYear: year, terms: searchTerms(q) });

      expect(await find('meals')).toEqual([purchaseId]);
      expect(await find('home care')).toEqual([]);
      const row = (await list({ budgetYear: year })).items.find((r) => r.purchaseId === purchaseId);
      expect(row).toMatchObject({ title: 'Community Meals for Elders', totalFen: 777 });
      expect((await s.repos.purchases.getPurchase(purchaseId))?.revisions).toEqual([revision]);
    });

    it('sorts oldest first, by amount either way and by the last change, ties broken by purchase id', async () => {
      const year = ownYear();
      const small = await stored(year, { createdAt: '2026-05-01T00:00:00.000Z', change: { totalFen: 100 } });
      const large = await stored(year, { createdAt: '2026-05-02T00:00:00.000Z', change: { totalFen: 900 } });
      const tieA = await stored(year, {
        createdAt: '2026-05-03T00:00:00.000Z',
        change: { totalFen: 500 },
        purchaseId: `PUR-${year}-A${randomUUID().slice(0, 6)}`,
      });
      const tieB = await stored(year, {
        createdAt: '2026-05-03T00:00:00.000Z',
        change: { totalFen: 500 },
        purchaseId: `PUR-${year}-B${randomUUID().slice(0, 6)}`,
      });
      await s.repos.purchases.change({
        purchaseId: small,
        audit: { actor: 'system:test', action: 'note.added' },
        eventId: 'touch',
        now: '2026-06-01T00:00:00.000Z',
      });

      const filter = { budgetYear: year };
      expect(await ids(filter, { sort: 'oldest' })).toEqual([small, large, tieA, tieB]);
      expect(await ids(filter, { sort: 'newest' })).toEqual([tieB, tieA, large, small]);
      expect(await ids(filter, { sort: 'amount-asc' })).toEqual([small, tieA, tieB, large]);
      expect(await ids(filter, { sort: 'amount-desc' })).toEqual([large, tieB, tieA, small]);
      expect((await ids(filter, { sort: 'updated' }))[0]).toBe(small);
    });

    it('pages after a position: every row once, none skipped, and a purchase added meanwhile moves no row', async () => {
      const year = ownYear();
      const written: string[] = [];
      for (let day = 10; day < 15; day++) {
        written.push(await stored(year, { createdAt: `2026-07-${day}T00:00:00.000Z` }));
      }
      const first = await list({ budgetYear: year }, { limit: 2 });
      expect(first.items.map((row) => row.purchaseId)).toEqual([written[4], written[3]]);
      expect(first.next).toEqual({ key: '2026-07-13T00:00:00.000Z', purchaseId: written[3] });

      const newest = await stored(year, { createdAt: '2026-07-20T00:00:00.000Z' });
      const second = await list({ budgetYear: year }, { limit: 2, after: first.next });
      const third = await list({ budgetYear: year }, { limit: 2, after: second.next });

      expect(second.items.map((row) => row.purchaseId)).toEqual([written[2], written[1]]);
      expect(third.items.map((row) => row.purchaseId)).toEqual([written[0]]);
      expect(third.next).toBeUndefined();
      expect(third.countsByStage.PROPOSAL).toBe(6);
      expect(await ids({ budgetYear: year }, { limit: 1 })).toEqual([newest]);

      const byAmount = await list({ budgetYear: year }, { sort: 'amount-desc', limit: 4 });
      expect(byAmount.next).toEqual({ key: proposal.totalFen, purchaseId: byAmount.items[3]?.purchaseId });
      const rest = await list({ budgetYear: year }, { sort: 'amount-desc', limit: 4, after: byAmount.next });
      expect([...byAmount.items, ...rest.items].map((row) => row.purchaseId).sort()).toEqual(
        [...written, newest].sort(),
      );
    });

    it('an assignee finds the purchases any task of theirs was on, in any letter case, escalated ones included', async () => {
      const year = ownYear();
      const escalated = await stored(year, { createdAt: '2026-08-01T00:00:00.000Z', stage: 'APPROVAL' });
      const decided = await stored(year, { createdAt: '2026-08-02T00:00:00.000Z', stage: 'APPROVAL' });
      const untouched = await stored(year, { createdAt: '2026-08-03T00:00:00.000Z', stage: 'APPROVAL' });
      await s.openApproval(escalated);
      await s.openTask(escalated, {
        stepKey: 'APPROVAL:SECTION_CHIEF:ESCALATED',
        level: 'SECTION_CHIEF',
        attempt: 'ESCALATION',
        assignee: { ...deputy, email: deputy.email.toUpperCase() },
        taskToken: 'token-2',
        expiresAt: EXPIRES,
      });
      const task = await s.openApproval(decided);
      await s.repos.tasks.decide({
        taskId: task.taskId,
        nonce: task.nonce,
        decision: 'APPROVE',
        comment: '',
        now: '2026-08-05T00:00:00.000Z',
      });

      expect(await ids({ budgetYear: year, assignedTo: chief.email })).toEqual([decided, escalated]);
      expect(await ids({ budgetYear: year, assignedTo: deputy.email })).toEqual([escalated]);
      expect(await ids({ budgetYear: year, assignedTo: 'someone@bureau.example' })).toEqual([]);
      expect((await list({ budgetYear: year, assignedTo: deputy.email })).countsByStage.APPROVAL).toBe(1);
      expect(await ids({ budgetYear: year })).toContain(untouched);
    });
  });
}

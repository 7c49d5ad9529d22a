import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Delegation } from '../../../shared/domain/delegation.js';
import { chief, LATER, NOW, type Subject } from './subject.js';

/**
 * The delegations are one set per store, not one per id: each case names delegations of its own
 * (fresh ids and e-mails) and reads the version it writes against, so the cases hold in any order.
 */
export function delegationContract(s: Subject): void {
  describe('delegations and their audit trail', () => {
    const delegationOf = (overrides: Partial<Delegation> = {}): Delegation => {
      const tag = randomUUID().slice(0, 8);
      return {
        id: `DEL-${tag}`,
        approverEmail: `chief.${tag}@bureau.example`,
        approverName: 'Zhang San',
        delegate: { name: 'Wang Wu', email: `wang.${tag}@bureau.example` },
        from: '2026-04-01',
        until: '2026-04-10',
        reason: 'annual leave',
        createdBy: `chief.${tag}@bureau.example`,
        createdAt: NOW,
        ...overrides,
      };
    };
    const add = async (delegation: Delegation) => {
      const { version } = await s.repos.delegations.list();
      return s.repos.delegations.add({ delegation, expectedVersion: version, now: NOW });
    };

    it('a delegation added at the current version is listed as given and appends delegation.named by whoever named it', async () => {
      const delegation = delegationOf();

      const added = await add(delegation);

      const { delegations, version } = await s.repos.delegations.list();
      expect(added).toEqual({ outcome: 'ADDED', version });
      expect(delegations.find((d) => d.id === delegation.id)).toEqual(delegation);
      const trail = await s.repos.delegations.changes();
      expect(trail.chain).toMatchObject({ valid: true });
      expect(trail.entries.at(-1)).toMatchObject({
        actor: delegation.createdBy,
        action: 'delegation.named',
        detail: {
          id: delegation.id,
          approverEmail: delegation.approverEmail,
          from: '2026-04-01',
          until: '2026-04-10',
        },
      });
    });

    it('a delegation added against a version another write moved past is refused STALE and not stored', async () => {
      const { version } = await s.repos.delegations.list();
      expect((await add(delegationOf())).outcome).toBe('ADDED');
      const late = delegationOf();

      const result = await s.repos.delegations.add({ delegation: late, expectedVersion: version, now: NOW });

      expect(result).toEqual({ outcome: 'STALE' });
      expect((await s.repos.delegations.list()).delegations.some((d) => d.id === late.id)).toBe(false);
    });

    it('of two delegations racing from the same version exactly one is added', async () => {
      const { version } = await s.repos.delegations.list();
      const [a, b] = [delegationOf(), delegationOf()];

      const results = await Promise.all(
        [a, b].map((delegation) =>
          s.repos.delegations.add({ delegation, expectedVersion: version, now: NOW }),
        ),
      );

      expect(results.map((r) => r.outcome).sort()).toEqual(['ADDED', 'STALE']);
    });

    it('ending a delegation keeps it with endedAt and endedBy and appends delegation.ended; ending it again changes nothing', async () => {
      const delegation = delegationOf();
      await add(delegation);

      const ended = await s.repos.delegations.end({
        id: delegation.id,
        by: 'admin@bureau.example',
        now: LATER,
      });
      const entries = (await s.repos.delegations.changes()).entries.length;
      const again = await s.repos.delegations.end({
        id: delegation.id,
        by: 'someone@bureau.example',
        now: LATER,
      });

      const expected = { ...delegation, endedAt: LATER, endedBy: 'admin@bureau.example' };
      expect(ended).toEqual({ outcome: 'ENDED', delegation: expected });
      expect(again).toEqual({ outcome: 'ALREADY_ENDED', delegation: expected });
      expect((await s.repos.delegations.list()).delegations.find((d) => d.id === delegation.id)).toEqual(
        expected,
      );
      const trail = await s.repos.delegations.changes();
      expect(trail.entries).toHaveLength(entries);
      expect(trail.entries.at(-1)).toMatchObject({
        actor: 'admin@bureau.example',
        action: 'delegation.ended',
      });
      expect(trail.chain).toMatchObject({ valid: true });
    });

    it("a delegate's task keeps whom they act for, and their decision and its audit entry say it", async () => {
      const purchaseId = await s.newPurchase();
      const onBehalfOf = { name: chief.name, email: chief.email, role: 'SECTION_CHIEF' };
      const assignee = {
        name: 'Wang Wu',
        email: 'wang.wu@bureau.example',
        role: 'SECTION_CHIEF',
        onBehalfOf,
      };
      const task = await s.openTask(purchaseId, {
        stepKey: 'APPROVAL:SECTION_CHIEF',
        level: 'SECTION_CHIEF',
        taskToken: 'token-d',
        assignee,
      });
      expect((await s.repos.tasks.getTask(task.taskId))?.assignee).toEqual(assignee);

      await s.repos.tasks.decide({
        taskId: task.taskId,
        nonce: task.nonce,
        decision: 'APPROVE',
        comment: 'ok',
        now: LATER,
      });

      const purchase = await s.repos.purchases.getPurchase(purchaseId);
      expect(purchase?.approvals.SECTION_CHIEF).toMatchObject({
        by: assignee.email,
        byName: 'Wang Wu',
        onBehalfOf,
      });
      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(audit.at(-1)).toMatchObject({
        actor: assignee.email,
        action: 'approval.decided',
        detail: { onBehalfOf: { name: chief.name, email: chief.email }, delegateName: 'Wang Wu' },
      });
    });

    it('ending a delegation nobody named answers NOT_FOUND', async () => {
      expect(await s.repos.delegations.end({ id: 'DEL-none', by: 'a@bureau.example', now: LATER })).toEqual({
        outcome: 'NOT_FOUND',
      });
    });
  });
}

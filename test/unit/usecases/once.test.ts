import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { onceForPurchase } from '../../../shared/usecases/once.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const AUDIT = { actor: 'system:workflow', action: 'ngo.asked', detail: { attempt: 'FIRST' } };
let fakes: Fakes;

const deps = () => ({ purchases: fakes.purchases, now: fakes.clock.now });
const eventsOf = async (eventId: string) =>
  (await fakes.purchases.listAudit(PURCHASE_ID)).filter((e) => e.eventId === eventId);

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'CONTRACTING' }));
});

describe('onceForPurchase', () => {
  it('runs the effect first and then records it under the eventId with the audit given', async () => {
    const order: string[] = [];
    const effect = async () => {
      order.push(`effect, recorded before: ${(await eventsOf('mail:1')).length}`);
    };

    const done = await onceForPurchase(deps(), { purchaseId: PURCHASE_ID }, 'mail:1', AUDIT, effect);

    expect(done).toBe(true);
    expect(order).toEqual(['effect, recorded before: 0']);
    const [entry, ...more] = await eventsOf('mail:1');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ ...AUDIT, eventId: 'mail:1', at: '2026-03-02T08:00:00.000Z' });
    expect(await fakes.purchases.verifyAuditChain(PURCHASE_ID)).toMatchObject({ valid: true });
  });

  it('skips the effect when the eventId is already recorded, and records nothing more', async () => {
    let runs = 0;
    const effect = async () => {
      runs += 1;
    };
    await onceForPurchase(deps(), { purchaseId: PURCHASE_ID }, 'mail:1', AUDIT, effect);
    const auditBefore = await fakes.purchases.listAudit(PURCHASE_ID);

    const again = await onceForPurchase(deps(), { purchaseId: PURCHASE_ID }, 'mail:1', AUDIT, effect);

    expect(again).toBe(false);
    expect(runs).toBe(1);
    expect(await fakes.purchases.listAudit(PURCHASE_ID)).toEqual(auditBefore);
  });

  it('a different eventId is a different effect and runs', async () => {
    let runs = 0;
    const effect = async () => {
      runs += 1;
    };
    await onceForPurchase(deps(), { purchaseId: PURCHASE_ID }, 'mail:1', AUDIT, effect);
    await onceForPurchase(deps(), { purchaseId: PURCHASE_ID }, 'mail:2', AUDIT, effect);

    expect(runs).toBe(2);
    expect(await eventsOf('mail:2')).toHaveLength(1);
  });

  it('a failing effect records nothing and rethrows, so the retry runs the effect again', async () => {
    const failing = async () => {
      throw Object.assign(new Error('Throttling: rate exceeded'), { name: 'TooManyRequestsException' });
    };

    await expect(
      onceForPurchase(deps(), { purchaseId: PURCHASE_ID }, 'mail:1', AUDIT, failing),
    ).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(await eventsOf('mail:1')).toEqual([]);

    let runs = 0;
    const retried = await onceForPurchase(deps(), { purchaseId: PURCHASE_ID }, 'mail:1', AUDIT, async () => {
      runs += 1;
    });
    expect(retried).toBe(true);
    expect(runs).toBe(1);
    expect(await eventsOf('mail:1')).toHaveLength(1);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposal,
  smallMinorProtectionProposal,
} from '../../../infra/local/samples/proposals.js';
import { NotPermittedError, type StaffMember } from '../../../shared/domain/staff-roles.js';
import { verifyTaskSignature } from '../../../shared/links/signing.js';
import { financeTranches } from '../../../shared/usecases/finance-tranches.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { testLinkKey } from '../../support/handler-harness.js';

const ELDERLY = 'PUR-2026-FINANCEELDERLYAA';
const MINOR = 'PUR-2026-FINANCEMINORAAAA';
const TASK_ID = 'AAAAAAAAAAAAAAAAAAAAAAAA';

let fakes: Fakes;
const deps = () => ({
  purchases: fakes.purchases,
  payments: fakes.payments,
  linkKey: testLinkKey,
  baseUrl: 'https://purchases.example.gov.cn',
  now: fakes.clock.now,
});
const clerk: StaffMember = {
  sub: 'chen',
  roles: ['finance'],
  email: 'finance.clerk@civil-affairs.example.gov.cn',
};

const notice = (purchaseId: string, tranche: number, dueDate: string) => ({
  purchaseId,
  tranche,
  milestone: 'CONTRACT_SIGNED' as const,
  amountFen: 100_000 * tranche,
  dueDate,
  notifiedAt: '2026-07-01T00:00:00.000Z',
  confirmTaskId: TASK_ID,
});

beforeEach(async () => {
  fakes = createFakes('2026-08-18T02:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(ELDERLY, largeElderlyCareProposal(), { stage: 'MIDTERM_REVIEW' }));
  fakes.purchases.seed(purchaseRecord(MINOR, smallMinorProtectionProposal(), { stage: 'CONTRACTING' }));
  await fakes.payments.openPayment(notice(ELDERLY, 1, '2026-08-15'), '2026-07-01T00:00:00.000Z');
  await fakes.payments.openPayment(notice(ELDERLY, 2, '2026-09-20'), '2026-07-01T00:00:00.000Z');
  await fakes.payments.openPayment(notice(MINOR, 1, '2026-08-18'), '2026-07-01T00:00:00.000Z');
  await fakes.payments.confirmPayment({
    purchaseId: ELDERLY,
    tranche: 2,
    by: clerk.email ?? '',
    reference: 'BANK-1',
    now: '2026-08-01T00:00:00.000Z',
  });
});

describe('financeTranches', () => {
  it('lists the unconfirmed tranches, soonest due first, marking those past their due day in China', async () => {
    const { today, tranches } = await financeTranches(deps(), clerk);
    expect(today).toBe('2026-08-18');
    expect(tranches.map((t) => [t.purchaseId, t.tranche, t.dueDate, t.overdue])).toEqual([
      [ELDERLY, 1, '2026-08-15', true],
      [MINOR, 1, '2026-08-18', false],
    ]);
    expect(tranches[0]).toMatchObject({ title: largeElderlyCareProposal().title, amountFen: 100_000 });
  });

  it('a tranche paid in part stays on the list with what was paid and what is left', async () => {
    await fakes.payments.confirmPayment({
      purchaseId: ELDERLY,
      tranche: 1,
      by: clerk.email ?? '',
      reference: 'BANK-2',
      amountFen: 40_000,
      taskId: TASK_ID,
      nextConfirmTaskId: 'BBBBBBBBBBBBBBBBBBBBBBBB',
      now: '2026-08-17T00:00:00.000Z',
    });

    const { tranches } = await financeTranches(deps(), clerk);

    expect(tranches[0]).toMatchObject({
      tranche: 1,
      amountFen: 100_000,
      paidFen: 40_000,
      outstandingFen: 60_000,
    });
    expect(new URL(tranches[0]?.confirmLink ?? '').pathname).toBe('/tasks/BBBBBBBBBBBBBBBBBBBBBBBB');
    expect(tranches[1]).toMatchObject({ paidFen: 0, outstandingFen: 100_000 });
  });

  it("gives a finance clerk each tranche's confirmation page, signed", async () => {
    const { tranches } = await financeTranches(deps(), clerk);
    const url = new URL(tranches[0]?.confirmLink ?? '');
    expect(url.pathname).toBe(`/tasks/${TASK_ID}`);
    expect(verifyTaskSignature(TASK_ID, url.searchParams.get('sig') ?? '', TEST_LINK_KEY)).toBe(true);
  });

  it('shows an auditor the same list without confirmation links, and refuses an approver', async () => {
    const { tranches } = await financeTranches(deps(), { sub: 'zhou', roles: ['auditor'] });
    expect(tranches).toHaveLength(2);
    expect(tranches.every((t) => t.confirmLink === undefined)).toBe(true);
    await expect(financeTranches(deps(), { sub: 'chief', roles: ['approver'] })).rejects.toThrow(
      NotPermittedError,
    );
  });
});

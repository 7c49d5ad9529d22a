import { beforeEach, describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { type InformNgoDeps, informNgo, thenInformNgo } from '../../../shared/usecases/inform-ngo.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

const ID = 'PUR-2026-INFORMAAAAAAAAAA';
const PROPOSAL = sampleProposal();
const CONTACT = PROPOSAL.ngo.contactEmail;
const SIGNED_AT = '2026-03-20T02:00:00.000Z';

let fakes: Fakes;
const deps = (): InformNgoDeps => ({
  purchases: fakes.purchases,
  payments: fakes.payments,
  mailer: fakes.mailer,
  now: fakes.clock.now,
});
const told = async () =>
  (await fakes.purchases.listAudit(ID)).filter((e) => e.action === 'ngo.told').map((e) => e.detail.id);

beforeEach(() => {
  fakes = createFakes('2026-03-21T00:00:00.000Z');
  fakes.purchases.seed(
    purchaseRecord(ID, PROPOSAL, {
      stage: 'MIDTERM_REVIEW',
      approvalLevels: ['SECTION_CHIEF'],
      outcome: { result: 'APPROVED', reason: 'approved', by: 'chief', at: '2026-03-02T02:00:00.000Z' },
      contract: {
        key: 'contracts/x',
        sha256: 'c'.repeat(64),
        issuedAt: '2026-03-03T02:00:00.000Z',
        signedUploadId: 'u1',
        signedAt: SIGNED_AT,
      },
    }),
  );
});

describe('informNgo', () => {
  it("mails the NGO's contact each notice of the kinds named, once however often it runs, and records it", async () => {
    expect(await informNgo(deps(), ID, ['CONTRACT_IN_FORCE'])).toEqual(['contract-in-force']);
    expect(await informNgo(deps(), ID, ['CONTRACT_IN_FORCE'])).toEqual([]);

    expect(fakes.mailer.sent).toHaveLength(1);
    const [mail] = fakes.mailer.sent;
    expect(mail?.to).toBe(CONTACT);
    expect(mail?.subject).toContain('合同已会签生效 The contract is in force');
    expect(mail?.text).not.toMatch(/https?:/);
    expect(await told()).toEqual(['contract-in-force']);
  });

  it('does not send the past: a notice of a kind the step did not name stays unsent', async () => {
    await informNgo(deps(), ID, ['CONTRACT_IN_FORCE']);

    // The approval of this purchase happened before; nobody asked to tell it now.
    expect(fakes.mailer.sent.map((m) => m.subject).join()).not.toContain('项目已获批准');
    expect(await told()).not.toContain('approved');
  });

  it('a mail that fails is not recorded, so the retried step sends it', async () => {
    fakes.mailer.failNext();
    await expect(informNgo(deps(), ID, ['CONTRACT_IN_FORCE'])).rejects.toThrow();
    expect(await told()).toEqual([]);

    await informNgo(deps(), ID, ['CONTRACT_IN_FORCE']);
    expect(fakes.mailer.sent).toHaveLength(1);
  });
});

describe('thenInformNgo', () => {
  it('runs the step first and tells the NGO of what the step decided, passing its result on', async () => {
    const step = thenInformNgo(deps(), ['TRANCHE_DUE'], async ({ purchaseId }: { purchaseId: string }) => {
      await fakes.payments.openPayment(
        {
          purchaseId,
          tranche: 1,
          milestone: 'CONTRACT_SIGNED',
          amountFen: 3_000_000,
          dueDate: '2026-04-20',
          notifiedAt: fakes.clock.now(),
        },
        fakes.clock.now(),
      );
      return 'notified';
    });

    expect(await step({ purchaseId: ID })).toBe('notified');
    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.mailer.sent[0]?.text).toContain('2026-04-20');
    expect(fakes.mailer.sent[0]?.text).toContain('30,000.00');
  });

  it('a step that fails tells the NGO nothing', async () => {
    const step = thenInformNgo(deps(), ['CONTRACT_IN_FORCE'], async () => {
      throw new Error('the step failed');
    });

    await expect(step({ purchaseId: ID })).rejects.toThrow('the step failed');
    expect(fakes.mailer.sent).toEqual([]);
  });
});

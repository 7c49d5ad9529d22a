import { beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../infra/local/samples/files.js';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import { ACTING_FINANCE_CLERK, UsersClient } from '../../infra/local/users.js';
import { DynamoPaymentRepository } from '../../shared/adapters/dynamodb/payment-repository.js';
import { approvedPurchase, decideOnce, type Inboxes, type JourneyContext } from '../support/journey.js';
import { useJourneyApp } from '../support/journey-app.js';
import { type LocalAppUnderTest, localDocumentClient } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { recordCase } from './case.js';

/**
 * Issue 12, the low findings: each an attempt over HTTP (and, where the product has no door for
 * it, a change made straight in the table) that the product must refuse.
 */

const officerEmail = 'hardening.officer@civil-affairs.example.gov.cn';
const chief = TEST_SETTINGS.policy.approval.approvers.SECTION_CHIEF;
const journeyApp = useJourneyApp({ sub: 'officer-hardening', email: officerEmail });
let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;
beforeAll(() => {
  ({ app, journey } = journeyApp());
  inboxes = journey.inboxes;
});

const api = (path: string, token: string) =>
  fetch(`${app.runtime.urls.api}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('12 Low findings', () => {
  it('JSON answers are never sniffed', async (context) => {
    const answers = await Promise.all([
      api('/purchases', journey.officer),
      api('/purchases/PUR-2026-NOSUCHPURCHASE00', journey.officer),
      api('/reference-data', journey.officer),
    ]);
    const headers = answers.map((a) => `${a.status} ${a.headers.get('x-content-type-options')}`);
    expect(answers.map((a) => a.status)).toEqual([200, 404, 403]);
    expect(answers.map((a) => a.headers.get('x-content-type-options'))).toEqual([
      'nosniff',
      'nosniff',
      'nosniff',
    ]);
    recordCase(context, {
      case: '12-L nosniff on JSON answers',
      attempts: 3,
      expected:
        'every JSON answer of the functions carries nosniff (the 401 comes from the authorizer, before any function)',
      observed: headers.join('; '),
    });
  });

  it("an unverified e-mail claim is not taken as the approver's address", async (context) => {
    const submitted = await app.users.submit(journey.officer, smallMinorProtectionProposalToday());
    expect(submitted.status).toBe(201);
    const purchaseId = submitted.body.purchaseId as string;
    await inboxes.next(chief.email, (m) => (m.body.text ?? '').includes(purchaseId), 30_000);
    const claims = async (verified: boolean) => {
      const token = await app.users.devToken(`chief-${verified}`, ['approver'], chief.email, {
        emailVerified: verified,
      });
      const mine = await api('/my/tasks', token);
      const tasks = (await mine.json()) as { tasks?: { purchaseId: string }[] } | { purchaseId: string }[];
      const list = Array.isArray(tasks) ? tasks : (tasks.tasks ?? []);
      const view = await api(`/purchases/${purchaseId}`, token);
      return { mine: list.filter((t) => t.purchaseId === purchaseId).length, view: view.status };
    };
    const unverified = await claims(false);
    const verified = await claims(true);
    expect(unverified).toEqual({ mine: 0, view: 403 });
    expect(verified).toEqual({ mine: 1, view: 200 });
    recordCase(context, {
      case: '12-L email_verified on the staff token',
      attempts: 2,
      expected: "a token claiming the chief's address unverified sees none of the chief's tasks or purchases",
      observed: `unverified: ${unverified.mine} task(s), purchase HTTP ${unverified.view}; verified: ${verified.mine} task(s), HTTP ${verified.view}`,
    });
  });

  it('a title that reads in another order than it is stored is refused', async (context) => {
    const proposal = { ...smallMinorProtectionProposalToday(), title: '未成年人保护服务\u202Efdp.exe' };
    const submitted = await app.users.submit(journey.officer, proposal);
    expect(submitted.status).toBe(400);
    const errors = submitted.body.errors as { field: string; rule: string }[];
    expect(errors).toContainEqual(
      expect.objectContaining({ field: 'title', rule: 'text-control-characters' }),
    );
    recordCase(context, {
      case: '12-L bidi and control characters in titles and names',
      attempts: 1,
      expected: 'a title with U+202E is refused at its field',
      observed: `HTTP ${submitted.status}: ${errors.map((e) => `${e.field} ${e.rule}`).join(', ')}`,
    });
  });

  it('confirming a tranche that was withheld meanwhile records nothing', async (context) => {
    const proposal = smallMinorProtectionProposalToday();
    const { purchaseId, ngoPage } = await approvedPurchase(journey, proposal);
    const signed = {
      kind: 'SIGNED_CONTRACT',
      name: 'signed.pdf',
      type: 'application/pdf',
      bytes: samplePdf('signed'),
    };
    expect((await app.users.ngoUpload(ngoPage, signed)).uploadStatus).toBe(204);
    const ask = await inboxes.next(chief.email, (m) => (m.body.text ?? '').includes(purchaseId), 30_000);
    await decideOnce(journey, UsersClient.linkIn(ask), 'COUNTERSIGN', { comment: '' });
    const finance = TEST_SETTINGS.lifecycle.payments.financeSubscribers[0] as string;
    const notice = await inboxes.next(
      finance,
      (m) => (m.body.text ?? '').includes(purchaseId) && m.subject.startsWith('Payment due'),
      30_000,
    );
    const link = UsersClient.linkIn(notice);
    const page = await app.users.open(link);

    // Meanwhile the tranche is withheld (straight in the table: no route withholds a due tranche).
    const [table] = app.runtime.app.tables;
    const payments = new DynamoPaymentRepository({
      client: localDocumentClient(app.runtime.urls.dynamodb),
      tableName: table?.tableName ?? '',
    });
    const [due] = await payments.listPayments(purchaseId);
    expect(due?.status).toBe('NOTIFIED');
    await payments.closePayment({
      purchaseId,
      tranche: 1,
      milestone: due?.milestone ?? 'CONTRACT_SIGNED',
      amountFen: due?.amountFen ?? 0,
      status: 'WITHHELD',
      reason: 'resilience case: withheld while the link was open',
      now: new Date().toISOString(),
    });

    const posted = await app.users.decide(link, {
      nonce: page.nonce,
      decision: 'CONFIRM',
      reference: 'BOC-20261206-000999',
      actingEmail: ACTING_FINANCE_CLERK,
    });
    expect(posted.status).toBe(409);
    const view = (await app.users.purchase(journey.officer, purchaseId)) as {
      tasks?: { purpose: string; status: string }[];
    };
    const confirmation = view.tasks?.find((t) => t.purpose === 'PAYMENT_CONFIRMATION');
    expect(confirmation?.status).toBe('PENDING');
    recordCase(context, {
      case: '12-L confirming an unpayable tranche',
      attempts: 1,
      expected: 'the confirmation of a withheld tranche is refused and no decision recorded',
      observed: `POST HTTP ${posted.status}; the confirmation task stays ${confirmation?.status}`,
    });
  }, 180_000);

  it('a flood on a public route is cut at its burst, and the staff API still answers', async (context) => {
    const route = app.runtime.app.routes.find((r) => r.routeKey === 'HEAD /tasks/{taskId}');
    expect(route?.throttle).toEqual({ rateLimit: 50, burstLimit: 100 });
    const forged = `${app.runtime.urls.api}/tasks/not-a-task?sig=k1.forged`;
    const flood = await Promise.all(
      Array.from({ length: 500 }, () => fetch(forged, { method: 'HEAD' }).then((r) => r.status)),
    );
    const staff = await api('/purchases', journey.officer);
    const throttled = flood.filter((status) => status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    expect(flood.filter((status) => status !== 429).every((status) => status === 403)).toBe(true);
    expect(staff.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const later = await fetch(forged, { method: 'HEAD' });
    expect(later.status).toBe(403);
    recordCase(context, {
      case: '12-L Public routes throttled at run time',
      attempts: flood.length,
      expected: 'past the burst the route answers 429 without running the function; staff routes unaffected',
      observed: `${throttled} of ${flood.length} answered 429, the rest 403; staff list HTTP ${staff.status}; a second later HTTP ${later.status}`,
    });
  });
});

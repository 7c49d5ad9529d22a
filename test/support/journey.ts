import { createHash, randomUUID } from 'node:crypto';
import { samplePdf } from '../../infra/local/sample-files.js';
import { type MailboxMail, type PurchaseView, sleep, UsersClient } from '../../infra/local/users.js';
import { loadSettings } from '../../infra/settings.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import type { Proposal } from '../../shared/domain/proposal.js';

/**
 * Plays whole purchases as their users would, over HTTP only, for the resilience suite: many at
 * once (one mailbox watcher for all of them), and through restarts of the runtime (every request
 * is retried while the app is down, every step first checks whether it already happened).
 */

/** What the journey saw, for the suite's scans and figures. */
export interface JourneyTrace {
  /** Every page and API answer body the users received. */
  readonly bodies: string[];
  /** Latency of each request to a link endpoint (task links and NGO pages), in ms. */
  readonly linkLatenciesMs: number[];
}

export function newTrace(): JourneyTrace {
  return { bodies: [], linkLatenciesMs: [] };
}

/**
 * The users' inboxes: one poller over the local mailbox for every waiter. A mail is known by its
 * recipient, subject and text, so a mail seen again (say, the mailbox replayed after a restart)
 * is not handed out twice.
 */
export class Inboxes {
  private readonly known = new Map<string, MailboxMail>();
  private readonly handedOut = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private mailboxUrl: () => string) {}

  start(intervalMs = 200): void {
    this.timer ??= setInterval(() => void this.poll(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get all(): MailboxMail[] {
    return [...this.known.values()];
  }

  /** The next mail to `to` (any recipient when empty) that `matches` and was not handed out before. */
  async next(to: string, matches: (m: MailboxMail) => boolean, timeoutMs = 60_000): Promise<MailboxMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const [key, mail] of this.known) {
        if (this.handedOut.has(key)) continue;
        if ((to === '' || mail.destination.to.includes(to)) && matches(mail)) {
          this.handedOut.add(key);
          return mail;
        }
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${to || 'anyone'} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 1000);
        this.waiters.add(wake);
      });
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const res = await fetch(`${this.mailboxUrl()}/store`);
      const { emails } = (await res.json()) as { emails: MailboxMail[] };
      let added = false;
      for (const mail of emails) {
        const key = mailKey(mail);
        if (!this.known.has(key)) {
          this.known.set(key, mail);
          added = true;
        }
      }
      if (added) for (const wake of [...this.waiters]) wake();
    } catch {
      // The runtime is down (a restart under test): the next poll tries again.
    } finally {
      this.polling = false;
    }
  }
}

function mailKey(mail: MailboxMail): string {
  return createHash('sha256')
    .update(JSON.stringify([mail.destination.to, mail.subject, mail.body.text ?? '']))
    .digest('hex');
}

/** Retries a request while the runtime is down or restarting (connection refused or reset, 502/503). */
export async function whileDown<T>(request: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      if (Date.now() > deadline || !isConnectionError(error)) throw error;
      await sleep(250);
    }
  }
}

function isConnectionError(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return (
    error instanceof TypeError &&
    ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED'].includes(cause?.code ?? '')
  );
}

export interface JourneyContext {
  readonly users: () => UsersClient;
  readonly inboxes: Inboxes;
  /** A staff token of the officer who registers the purchases. */
  readonly officer: string;
  readonly settings: DeploymentSettings;
  readonly trace?: JourneyTrace;
}

export function defaultSettings(): DeploymentSettings {
  return loadSettings('config/settings.json');
}

/**
 * One purchase from its proposal to CLOSED: every approver approves, the NGO uploads the signed
 * contract, the section chief countersigns, finance confirms each tranche, the NGO uploads its
 * mid-term and final reports, the section chief passes the mid-term review and an agency
 * declares its independence and scores it GOOD. Returns the closed purchase.
 */
export async function playPurchase(ctx: JourneyContext, proposal: Proposal): Promise<PurchaseView> {
  const { inboxes, officer, settings } = ctx;
  const users = ctx.users;
  const submitted = await whileDown(() => users().submit(officer, proposal, `journey-${randomUUID()}`));
  if (submitted.status !== 201) {
    throw new Error(`submission refused: HTTP ${submitted.status} ${JSON.stringify(submitted.body)}`);
  }
  const purchaseId = String(submitted.body.purchaseId);
  const about = (m: MailboxMail) => (m.body.text ?? '').includes(purchaseId);
  const approvers = settings.policy.approval.approvers;
  const finance = settings.lifecycle.payments.financeSubscribers[0] as string;
  const ngo = proposal.ngo.contactEmail;

  const decideFromMail = async (to: string, decision: string | undefined, fields: Record<string, string>) => {
    const mail = await inboxes.next(to, about);
    const link = UsersClient.linkIn(mail);
    await decideOnce(ctx, link, decision, fields);
    return mail;
  };

  // The chain is planned by the workflow, a moment after the submission is answered.
  const view = await waitFor(
    ctx,
    purchaseId,
    (v) => v.approvalLevels.length > 0 || !['PROPOSAL', 'APPROVAL'].includes(v.stage),
  );
  if (view.stage === 'REJECTED') throw new Error(`${purchaseId} was refused: ${view.outcome?.reason}`);
  for (const level of view.approvalLevels) {
    await decideFromMail(approvers[level as keyof typeof approvers].email, 'APPROVE', { comment: '同意。' });
  }

  await uploadFromMail(ctx, purchaseId, ngo, 'SIGNED_CONTRACT', 'signed-contract.pdf');
  await decideFromMail(approvers.SECTION_CHIEF.email, 'COUNTERSIGN', { comment: '已会签。' });
  await confirmPayment(ctx, purchaseId, finance, 1);

  await uploadFromMail(ctx, purchaseId, ngo, 'MIDTERM_REPORT', 'midterm-report.pdf');
  await decideFromMail(approvers.SECTION_CHIEF.email, 'PASS', { comment: '通过。' });
  await confirmPayment(ctx, purchaseId, finance, 2);

  await uploadFromMail(ctx, purchaseId, ngo, 'FINAL_REPORT', 'final-report.pdf');
  const agencies = settings.lifecycle.evaluation.agencies.map((a) => a.email);
  const invitation = await inboxes.next(
    '',
    (m) => m.destination.to.some((to) => agencies.includes(to)) && about(m),
  );
  const evaluationLink = UsersClient.linkIn(invitation);
  await decideOnce(ctx, evaluationLink, undefined, { declare: '1' });
  await decideOnce(ctx, evaluationLink, 'SUBMIT', {
    comment: 'Sound service.',
    score_PROFESSIONAL_SERVICE: '88',
    score_OUTCOMES: '84.5',
    score_MANAGEMENT: '90',
  });
  await confirmPayment(ctx, purchaseId, finance, 3);
  return waitFor(
    ctx,
    purchaseId,
    (v) => v.stage === 'CLOSED' && !(v.payments ?? []).some((p) => p.status === 'NOTIFIED'),
    120_000,
  );
}

async function timed<T>(ctx: JourneyContext, request: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await request();
  ctx.trace?.linkLatenciesMs.push(performance.now() - started);
  return result;
}

/**
 * Opens the link and posts the page's form, unless the page says the step is already decided
 * (a repeat after a restart cut the first answer off). Returns the final page.
 */
async function decideOnce(
  ctx: JourneyContext,
  link: string,
  decision: string | undefined,
  fields: Record<string, string>,
): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const page = await whileDown(() => timed(ctx, () => ctx.users().open(link)));
    ctx.trace?.bodies.push(page.html);
    // No form on the page: the step was decided already (a repeat after a restart) or has expired.
    if (!page.nonce) return page.html;
    const { comment, ...rest } = fields;
    const answer = await whileDown(() =>
      timed(ctx, () =>
        ctx.users().decide(link, {
          nonce: page.nonce,
          ...(decision !== undefined ? { decision } : {}),
          ...(comment !== undefined ? { comment } : {}),
          fields: rest,
        }),
      ),
    );
    ctx.trace?.bodies.push(answer.html);
    if (answer.status === 200 || answer.status === 410) return answer.html;
    if (Date.now() > deadline)
      throw new Error(`POST ${decision ?? 'form'} on ${link}: HTTP ${answer.status}`);
    await sleep(500);
  }
}

async function uploadFromMail(
  ctx: JourneyContext,
  purchaseId: string,
  ngo: string,
  kind: string,
  name: string,
): Promise<void> {
  const mail = await ctx.inboxes.next(ngo, (m) => (m.body.text ?? '').includes(purchaseId));
  const page = UsersClient.ngoLinkIn(mail);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const opened = await whileDown(() => timed(ctx, () => ctx.users().open(page)));
    ctx.trace?.bodies.push(opened.html);
    // A restart may have cut off the answer to an upload that did land: look before posting again.
    const current = await purchaseView(ctx, purchaseId);
    if ((current.deliverables ?? []).some((d) => d.kind === kind && d.status === 'ACCEPTED')) return;
    const posted = await whileDown(() =>
      timed(ctx, () =>
        ctx.users().ngoUpload(page, {
          kind,
          name,
          type: 'application/pdf',
          bytes: samplePdf(`${kind} ${purchaseId}`),
        }),
      ),
    ).catch(() => ({ presignStatus: 0, uploadStatus: 0 }));
    if (posted.presignStatus === 200 && posted.uploadStatus >= 200 && posted.uploadStatus < 300) {
      await waitFor(ctx, purchaseId, (v) =>
        (v.deliverables ?? []).some((d) => d.kind === kind && d.status === 'ACCEPTED'),
      );
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${kind} upload for ${purchaseId}: presign ${posted.presignStatus}, S3 ${posted.uploadStatus}`,
      );
    }
    await sleep(500);
  }
}

async function confirmPayment(ctx: JourneyContext, purchaseId: string, finance: string, tranche: number) {
  const notice = await ctx.inboxes.next(
    finance,
    (m) => (m.body.text ?? '').includes(purchaseId) && m.subject.startsWith('Payment due'),
  );
  const link = UsersClient.linkIn(notice);
  await decideOnce(ctx, link, 'CONFIRM', { reference: `BOC-${purchaseId.slice(-8)}-${tranche}` });
}

async function purchaseView(ctx: JourneyContext, purchaseId: string): Promise<PurchaseView> {
  const view = await whileDown(async () => ctx.users().purchase(ctx.officer, purchaseId));
  ctx.trace?.bodies.push(JSON.stringify(view));
  return view;
}

/** Polls the purchase (slowly: many journeys poll at once) until `done` holds. */
export async function waitFor(
  ctx: JourneyContext,
  purchaseId: string,
  done: (view: PurchaseView) => boolean,
  timeoutMs = 60_000,
): Promise<PurchaseView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await purchaseView(ctx, purchaseId).catch((error: unknown) => {
      // A 5xx while the runtime restarts is not an answer yet.
      if (Date.now() > deadline) throw error;
      return undefined;
    });
    if (view && done(view)) return view;
    if (Date.now() > deadline) throw new Error(`${purchaseId} is still at ${view?.stage ?? 'unknown'}`);
    await sleep(500);
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { samplePdf } from '../../infra/local/samples/files.js';
import { liveSample } from '../../infra/local/samples/proposals.js';
import {
  ACTING_FINANCE_CLERK,
  asksWhoActs,
  isConfirmationStep,
  type MailboxMail,
  type PurchaseView,
  sleep,
  type UploadFile,
  type UploadGrant,
  UsersClient,
} from '../../infra/local/users.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import { chinaCalendarDate } from '../../shared/domain/china-time.js';
import type { Proposal } from '../../shared/domain/proposal.js';

/**
 * Plays whole purchases as their users would, over HTTP only, for the resilience suite: many at
 * once (one mailbox watcher for all of them), and through restarts of the runtime (every request
 * is retried while the app is down, every step first checks whether it already happened).
 */

/** What the journey saw, for the suite's scans and figures. */
export interface JourneyTrace {
  /** Every page and API answer body the users received, when kept (for scans of what users saw). */
  readonly bodies?: string[];
  /**
   * Each request to a link endpoint (task links and NGO pages) and its latency: GET opens the
   * page, POST decides or asks for an upload grant.
   */
  readonly linkRequests: LinkRequest[];
}

export interface LinkRequest {
  readonly method: 'GET' | 'POST';
  /** What was asked: the decision posted (`APPROVE`, `CONFIRM`, ...), or the upload grant's kind. */
  readonly what: string;
  readonly ms: number;
}

/** A trace that keeps every answer body, for scans of what users saw. */
export function newTrace(): JourneyTrace & { readonly bodies: string[] } {
  return { bodies: [], linkRequests: [] };
}

/** A trace of link latencies only: a load run's thousands of pages are not kept. */
export function latencyTrace(): JourneyTrace {
  return { linkRequests: [] };
}

/**
 * The users' inboxes: one poller over the local mailbox for every waiter. A mail is known by its
 * recipient, subject and text, so a mail seen again (say, the mailbox replayed after a restart)
 * is not handed out twice.
 */
export class Inboxes {
  private readonly known = new Map<string, MailboxMail>();
  /** The mails in the order they were first seen, with their keys: waiters scan only what is new to them. */
  private readonly arrived: { key: string; mail: MailboxMail }[] = [];
  private readonly handedOut = new Set<string>();
  /** Mails are asked for from a little before the newest seen (`at` is in whole seconds). */
  private newestAt = 0;
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

  /** How many mails have arrived so far (a mark for `arrival`). */
  get count(): number {
    return this.arrived.length;
  }

  /**
   * Whether a mail that `matches` arrives (handed out or not) within `timeoutMs`: mails from the
   * `after`-th arrival on count, so one that came while the caller was busy is not missed.
   */
  async arrival(matches: (m: MailboxMail) => boolean, timeoutMs: number, after = 0): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let scanned = after;
    for (;;) {
      for (; scanned < this.arrived.length; scanned++) {
        if (matches((this.arrived[scanned] as { mail: MailboxMail }).mail)) return true;
      }
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.newMail(Math.min(left, 1000));
    }
  }

  /**
   * The next mail to `to` (any recipient when empty) that `matches` and was not handed out before.
   * The default wait allows for a restart of the runtime and many journeys sharing two CPUs.
   */
  async next(to: string, matches: (m: MailboxMail) => boolean, timeoutMs = 180_000): Promise<MailboxMail> {
    const deadline = Date.now() + timeoutMs;
    // A mail this waiter looked at and passed over stays passed over; each round scans the new ones.
    let scanned = 0;
    for (;;) {
      for (; scanned < this.arrived.length; scanned++) {
        const { key, mail } = this.arrived[scanned] as { key: string; mail: MailboxMail };
        if (this.handedOut.has(key)) continue;
        if ((to === '' || mail.destination.to.includes(to)) && matches(mail)) {
          this.handedOut.add(key);
          return mail;
        }
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${to || 'anyone'} within ${timeoutMs} ms`);
      await this.newMail(1000);
    }
  }

  /** Settles when new mail has arrived, or after `ms`. */
  private newMail(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const since = Math.max(0, this.newestAt - 2);
      const res = await fetch(`${this.mailboxUrl()}/store?since=${since}`);
      const { emails } = (await res.json()) as { emails: MailboxMail[] };
      let added = false;
      for (const mail of emails) {
        this.newestAt = Math.max(this.newestAt, mail.at);
        const key = mailKey(mail);
        if (!this.known.has(key)) {
          this.known.set(key, mail);
          this.arrived.push({ key, mail });
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

/** Whether a mail is about the purchase (its text names it). */
export function mailAbout(purchaseId: string): (mail: Pick<MailboxMail, 'body'>) => boolean {
  return (mail) => (mail.body.text ?? '').includes(purchaseId);
}

function mailKey(mail: MailboxMail): string {
  return createHash('sha256')
    .update(JSON.stringify([mail.destination.to, mail.subject, mail.body.text ?? '']))
    .digest('hex');
}

/** Retries a request while the runtime is down or restarting (connection refused or reset). */
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

/**
 * Statuses that are no answer yet: the API answers 503 until its functions are started again,
 * and a function cut off by a kill or still cold may fail with a 5xx once.
 */
/** No answer a person would accept: a server error, or the route throttled (they would try again). */
function notAnswered(status: number): boolean {
  return status >= 500 || status === 429;
}

/** Hooks of one journey (optional). */
export interface JourneyOptions {
  /** Called once the proposal is accepted, with the new purchase's id (before the journey goes on). */
  onSubmitted?: (purchaseId: string) => void;
}

export interface JourneyContext {
  readonly users: () => UsersClient;
  readonly inboxes: Inboxes;
  /** A staff token of the officer who registers the purchases. */
  readonly officer: string;
  readonly settings: DeploymentSettings;
  readonly trace?: JourneyTrace;
}

/**
 * A sample moved so that its mid-term report falls due in `days` days: the workflow has no
 * reminder day to wait for, and the report's deadline (due date plus the grace period) is still
 * days ahead, so a journey slowed down by load or a restart is never "late". (The live samples
 * have their mid-term long past, which gives a journey about a minute before the late-report path.)
 */
export function midtermDueSoon(proposal: Proposal, days = 3, now = new Date()): Proposal {
  const midterm = proposal.deliverables.find((d) => d.kind === 'MIDTERM_REPORT');
  if (!midterm) throw new Error('the sample has no mid-term report');
  const dayMs = 86_400_000;
  const daysLeft = Math.round((Date.parse(proposal.term.end) - Date.parse(midterm.dueDate)) / dayMs) + days;
  return liveSample(proposal, chinaCalendarDate(now.toISOString()), daysLeft);
}

/**
 * Settings whose budget line for `proposal` (its year and service area) holds exactly
 * `totalFen`: sized for a race, a load run or a restart run.
 */
export function withBudgetLine(
  settings: DeploymentSettings,
  proposal: Proposal,
  totalFen: number,
  description: string,
): DeploymentSettings {
  const lineId = proposal.budgetLineRef;
  const others = settings.policy.budgetLines.filter((l) => l.lineId !== lineId);
  const line = { lineId, year: Number(lineId.slice(0, 4)), description, totalFen };
  return { ...settings, policy: { ...settings.policy, budgetLines: [...others, line] } };
}

/**
 * One purchase from its proposal to CLOSED: every approver approves, the NGO uploads the signed
 * contract, the section chief countersigns, finance confirms each tranche, the NGO uploads its
 * mid-term and final reports, the section chief passes the mid-term review and an agency
 * declares its independence and scores it GOOD. Returns the closed purchase.
 */
export async function playPurchase(
  ctx: JourneyContext,
  proposal: Proposal,
  options: JourneyOptions = {},
): Promise<PurchaseView> {
  const { inboxes, settings } = ctx;
  const purchaseId = await submitOnce(ctx, proposal);
  options.onSubmitted?.(purchaseId);
  const about = mailAbout(purchaseId);
  const approvers = settings.policy.approval.approvers;
  const finance = settings.lifecycle.payments.financeSubscribers[0] as string;
  const ngo = proposal.ngo.contactEmail;

  const decideFromMail = async (to: string, decision: string | undefined, fields: Record<string, string>) => {
    const mail = await inboxes.next(to, about);
    const link = UsersClient.linkIn(mail);
    await decideOnce(ctx, link, decision, fields);
    return mail;
  };

  // The chain is planned by the workflow, a moment after the submission is answered; its first
  // request (or a refusal) is mailed, so the purchase is read when mail about it arrives.
  const view = await waitFor(
    ctx,
    purchaseId,
    (v) => v.approvalLevels.length > 0 || !['PROPOSAL', 'APPROVAL'].includes(v.stage),
    { awaitMail: true },
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
    { timeoutMs: 120_000 },
  );
}

/**
 * Submits the proposal with one idempotency key for every try, so a submission whose answer a
 * restart cut off is not registered twice when it is sent again.
 */
async function submitOnce(ctx: JourneyContext, proposal: Proposal): Promise<string> {
  const idempotencyKey = `journey-${randomUUID()}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const submitted = await whileDown(() => ctx.users().submit(ctx.officer, proposal, idempotencyKey)).catch(
      // A body that is not JSON (a proxy's error page) is no answer either.
      (error: unknown) => {
        if (error instanceof SyntaxError) return { status: 502, body: {} as Record<string, unknown> };
        throw error;
      },
    );
    if (submitted.status === 201 || submitted.status === 200) return String(submitted.body.purchaseId);
    if (!notAnswered(submitted.status) || Date.now() > deadline) {
      throw new Error(`submission refused: HTTP ${submitted.status} ${JSON.stringify(submitted.body)}`);
    }
    await sleep(500);
  }
}

async function timed<T>(
  ctx: JourneyContext,
  method: LinkRequest['method'],
  what: string,
  request: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const result = await request();
  ctx.trace?.linkRequests.push({ method, what, ms: performance.now() - started });
  return result;
}

/**
 * Opens the link and posts the page's form, unless the page says the step is already decided
 * (a repeat after a restart cut the first answer off). Returns the final page.
 */
export async function decideOnce(
  ctx: JourneyContext,
  link: string,
  decision: string | undefined,
  fields: Record<string, string>,
): Promise<string> {
  const deadline = Date.now() + 120_000;
  const what = decision ?? (fields.declare ? 'DECLARE' : 'form');
  for (;;) {
    const page = await whileDown(() => timed(ctx, 'GET', what, () => ctx.users().open(link)));
    ctx.trace?.bodies?.push(page.html);
    if (notAnswered(page.status)) {
      if (Date.now() > deadline) throw new Error(`GET ${link}: HTTP ${page.status}`);
      await sleep(500);
      continue;
    }
    // No form on the page: the step was decided already (a repeat after a restart) or has expired.
    if (!page.nonce) return page.html;
    const { comment, ...rest } = fields;
    const post = (confirmed: boolean) =>
      whileDown(() =>
        timed(ctx, 'POST', what, () =>
          ctx.users().decide(link, {
            nonce: page.nonce,
            reviewed: page.reviewed,
            ...(decision !== undefined ? { decision } : {}),
            ...(comment !== undefined ? { comment } : {}),
            // A shared mailbox's page asks who is acting; the person types their own address.
            ...(asksWhoActs(page.html) ? { actingEmail: ACTING_FINANCE_CLERK } : {}),
            confirmed,
            fields: rest,
          }),
        ),
      );
    // No answer (the API restarting, a function cut off): post the same form again, as a person
    // would resubmit it. Reopening the link instead could show the decision recorded by the first
    // post while what completes it (a payment confirmation) never ran: the repeat completes it.
    const postUntilAnswered = async (confirmed: boolean) => {
      let answer = await post(confirmed);
      while (notAnswered(answer.status) && Date.now() < deadline) {
        await sleep(500);
        answer = await post(confirmed);
      }
      return answer;
    };
    let answer = await postUntilAnswered(false);
    // An approval asks for a deliberate second step: the person ticks the box and confirms.
    if (answer.status === 200 && isConfirmationStep(answer.html)) {
      ctx.trace?.bodies?.push(answer.html);
      answer = await postUntilAnswered(true);
    }
    ctx.trace?.bodies?.push(answer.html);
    if (answer.status === 200 || answer.status === 410) return answer.html;
    if (Date.now() > deadline)
      throw new Error(`POST ${decision ?? 'form'} on ${link}: HTTP ${answer.status}`);
    await sleep(500);
  }
}

/**
 * A purchase of `proposal` approved by the section chief (enough for a small one), and the NGO
 * page link of its upload invitation: where the suite's attacks on uploads start.
 */
export async function approvedPurchase(
  ctx: JourneyContext,
  proposal: Proposal,
): Promise<{ purchaseId: string; ngoPage: string }> {
  const submitted = await ctx.users().submit(ctx.officer, proposal);
  if (submitted.status !== 201) throw new Error(`the proposal was not accepted: HTTP ${submitted.status}`);
  const purchaseId = submitted.body.purchaseId as string;
  const chief = ctx.settings.policy.approval.approvers.SECTION_CHIEF.email;
  const ask = await ctx.inboxes.next(chief, mailAbout(purchaseId), 30_000);
  await decideOnce(ctx, UsersClient.linkIn(ask), 'APPROVE', { comment: '' });
  const invitation = await ctx.inboxes.next(
    proposal.ngo.contactEmail,
    UsersClient.asksNgoToUpload(purchaseId),
    30_000,
  );
  return { purchaseId, ngoPage: UsersClient.ngoLinkIn(invitation) };
}

/**
 * Uploads a deliverable as the NGO does from its page. The signed form is posted again (the
 * same key) when the storage did not answer, as a browser retries a form: a post that did land
 * is then the same upload, never a second one. A new grant is asked for only when none was
 * answered or it has expired, and only after checking that no earlier upload was accepted.
 */
export async function uploadFromMail(
  ctx: JourneyContext,
  purchaseId: string,
  ngo: string,
  kind: string,
  name: string,
): Promise<void> {
  const mail = await ctx.inboxes.next(ngo, UsersClient.asksNgoToUpload(purchaseId));
  const page = UsersClient.ngoLinkIn(mail);
  const file = { kind, name, type: 'application/pdf', bytes: samplePdf(`${kind} ${purchaseId}`) };
  const isAccepted = (v: PurchaseView) =>
    (v.deliverables ?? []).some((d) => d.kind === kind && d.status === 'ACCEPTED');
  const deadline = Date.now() + 300_000;
  let last = '';
  let tried = false;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${kind} upload for ${purchaseId}: ${last}`);
    // A restart may have cut off the answer to an upload that did land: look before asking again.
    if (tried && isAccepted(await purchaseView(ctx, purchaseId))) return;
    tried = true;
    const opened = await whileDown(() => timed(ctx, 'GET', kind, () => ctx.users().open(page)));
    ctx.trace?.bodies?.push(opened.html);
    const { status, grant } = await whileDown(() =>
      timed(ctx, 'POST', `grant for ${kind}`, () => ctx.users().requestUploadGrant(page, file)),
    );
    if (status !== 200) {
      last = `presign HTTP ${status}`;
      await sleep(500);
      continue;
    }
    const stored = await postUntilAnswered(ctx, grant, file);
    if (stored >= 200 && stored < 300) {
      // What an accepted upload starts (a review, a countersignature, an invitation) is mailed.
      await waitFor(ctx, purchaseId, isAccepted, { awaitMail: true });
      return;
    }
    // 403: the grant expired while the storage was down; anything else is a refusal worth seeing.
    last = `S3 HTTP ${stored}`;
    if (stored !== 403) throw new Error(`${kind} upload for ${purchaseId}: ${last}`);
  }
}

/** Posts the signed form until the storage answers (a 5xx is no answer); returns its status. */
async function postUntilAnswered(ctx: JourneyContext, grant: UploadGrant, file: UploadFile) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const status = await whileDown(() => ctx.users().postUpload(grant, file));
    if (!notAnswered(status) || Date.now() > deadline) return status;
    await sleep(500);
  }
}

async function confirmPayment(ctx: JourneyContext, purchaseId: string, finance: string, tranche: number) {
  const notice = await ctx.inboxes.next(
    finance,
    (m) => mailAbout(purchaseId)(m) && m.subject.startsWith('Payment due'),
  );
  const link = UsersClient.linkIn(notice);
  await decideOnce(ctx, link, 'CONFIRM', { reference: `BOC-${purchaseId.slice(-8)}-${tranche}` });
}

/** The purchase as the officer sees it; an error answer (the API restarting) is asked again. */
async function purchaseView(ctx: JourneyContext, purchaseId: string): Promise<PurchaseView> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const view = await whileDown(async () => ctx.users().purchase(ctx.officer, purchaseId));
      ctx.trace?.bodies?.push(JSON.stringify(view));
      return view;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

/** How `waitFor` waits. */
export interface WaitOptions {
  /** Default 180 s. */
  readonly timeoutMs?: number;
  /**
   * The awaited change comes with mail about the purchase: read it when such mail arrives, and
   * otherwise only now and then, less often the longer it takes (many journeys wait at once, and
   * their reads load the runtime).
   */
  readonly awaitMail?: boolean;
}

/** Polls the purchase (slowly: many journeys poll at once) until `done` holds. */
export async function waitFor(
  ctx: JourneyContext,
  purchaseId: string,
  done: (view: PurchaseView) => boolean,
  options: WaitOptions = {},
): Promise<PurchaseView> {
  const { timeoutMs = 180_000, awaitMail = false } = options;
  const deadline = Date.now() + timeoutMs;
  const about = mailAbout(purchaseId);
  let pauseMs = awaitMail ? MAIL_AWAITED_POLL_MS : FIRST_POLL_MS;
  if (awaitMail) await ctx.inboxes.arrival(about, pauseMs, ctx.inboxes.count);
  for (;;) {
    // Mail that arrives while the purchase is read wakes the next pause at once.
    const mark = ctx.inboxes.count;
    const view = await purchaseView(ctx, purchaseId).catch((error: unknown) => {
      // A 5xx while the runtime restarts is not an answer yet.
      if (Date.now() > deadline) throw error;
      return undefined;
    });
    if (view && done(view)) return view;
    if (Date.now() > deadline) throw new Error(`${purchaseId} is still at ${view?.stage ?? 'unknown'}`);
    // Many journeys poll at once: back off (with jitter) so the reads do not crowd out the work.
    const pause = pauseMs * (0.75 + Math.random() / 2);
    if (awaitMail) {
      await ctx.inboxes.arrival(about, pause, mark);
      pauseMs = Math.min(pauseMs * 1.5, MAX_MAIL_AWAITED_POLL_MS);
    } else {
      await sleep(pause);
      pauseMs = Math.min(pauseMs * 1.5, MAX_POLL_MS);
    }
  }
}

const FIRST_POLL_MS = 300;
const MAX_POLL_MS = 3_000;
/** Between reads of a purchase whose awaited change is announced by mail (which wakes the wait). */
const MAIL_AWAITED_POLL_MS = 5_000;
const MAX_MAIL_AWAITED_POLL_MS = 30_000;

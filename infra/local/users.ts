/**
 * Acts as the product's users would, over HTTP only: an officer gets a token and submits
 * a proposal, approvers read their mail, open the link, and post the form on the page.
 * Shared by `npm run demo` and the integration tests, so both drive the app the same way.
 */

export interface MailboxMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export interface PurchaseView {
  purchaseId: string;
  stage: string;
  version: number;
  totalYuan: string;
  outcome?: {
    result: string;
    reason: string;
    reasonText?: { zh: string; en: string };
    by: string;
    at: string;
  };
  approvals: Record<string, { decision: string; by: string; byName: string; comment: string; at: string }>;
  approvalLevels: string[];
  term?: { start: string; end: string };
  /** The signed contract's amendments, each with the levels it needs and its status. */
  amendments?: {
    id: string;
    status: string;
    levels: string[];
    changes: { field: string; former: unknown; value: unknown }[];
  }[];
  pendingTasks: {
    purpose: string;
    level?: string;
    attempt: string;
    assignee: { email: string };
    status: string;
  }[];
  /** The newest entries of the audit trail (at most a page: history-pages.ts), oldest first. */
  audit: { seq: number; at: string; actor: string; action: string; detail: Record<string, unknown> }[];
  /** Ask for the page before with `purchase(token, id, { auditBefore: auditNext })`. */
  auditNext?: string;
  /** The whole trail's verification. */
  auditChain: { valid: boolean; entries?: number };
  /** The workflow executions started for the purchase, oldest first. */
  executions: { name: string; status: string; resumeAt?: string; startDate?: string; stopDate?: string }[];
  deliverables?: {
    uploadId: string;
    kind: string;
    fileName: string;
    size: number;
    sha256: string;
    /** The S3 version that was checked (a versioned bucket). */
    versionId?: string;
    status: string;
    reasons: { rule: string; message: { zh: string; en: string } }[];
  }[];
  /** Ask for the uploads before the newest page with `{ deliverablesBefore: deliverablesNext }`. */
  deliverablesNext?: string;
  deliverablesTotal?: number;
  /** Later versions posted under recorded uploads and quarantined, over the whole trail. */
  laterVersionsQuarantined?: number;
  payments?: {
    tranche: number;
    milestone: string;
    amountFen: number;
    dueDate?: string;
    status: string;
    reference?: string;
    paidFen?: number;
    transfers?: {
      seq: number;
      amountFen: number;
      reference: string;
      by: string;
      at: string;
      corrections?: { reference: string; reason: string; by: string; at: string }[];
    }[];
  }[];
}

/** A file the NGO uploads: its deliverable kind, name, declared type and bytes. */
export interface UploadFile {
  readonly kind: string;
  readonly name: string;
  readonly type: string;
  readonly bytes: Uint8Array;
}

/** A presigned POST: where to post and the signed form fields. */
export interface UploadGrant {
  readonly url: string;
  readonly fields: Record<string, string>;
}

const TASK_LINK = /https?:\/\/[^\s"<>]+\/tasks\/[A-Za-z0-9_-]{24}\?sig=[A-Za-z0-9_.-]+/;
const NGO_LINK = /https?:\/\/[^\s"<>]+\/ngo\/[A-Z0-9-]+\?exp=\d+&sig=[A-Za-z0-9_.-]+/;

export class UsersClient {
  constructor(private readonly urls: { api: string; mailbox: string }) {}

  async devToken(
    sub: string,
    roles: string[],
    email?: string,
    options: { emailVerified?: boolean } = {},
  ): Promise<string> {
    const query = new URLSearchParams({ sub, roles: roles.join(',') });
    if (email) query.set('email', email);
    if (options.emailVerified === false) query.set('email_verified', 'false');
    const res = await fetch(`${this.urls.api}/dev/token?${query}`);
    if (!res.ok) throw new Error(`dev token: HTTP ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  }

  async submit(token: string, proposal: unknown, idempotencyKey?: string) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const res = await fetch(`${this.urls.api}/purchases`, {
      method: 'POST',
      headers,
      body: JSON.stringify(proposal),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** GET /purchases/{id}: the newest page of its audit trail and uploads, or the page a cursor names. */
  async purchase(
    token: string,
    purchaseId: string,
    pages: { auditBefore?: string; deliverablesBefore?: string } = {},
  ): Promise<PurchaseView> {
    const given = Object.entries(pages).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const query = new URLSearchParams(given).toString();
    const res = await fetch(`${this.urls.api}/purchases/${purchaseId}${query ? `?${query}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`GET /purchases/${purchaseId}: HTTP ${res.status}`);
    return (await res.json()) as PurchaseView;
  }

  /** POST /purchases/{id}/tranches/{tranche}/waive as the finance section head does from the finance page. */
  async waiveTranche(token: string, purchaseId: string, tranche: number, body: unknown) {
    const res = await fetch(`${this.urls.api}/purchases/${purchaseId}/tranches/${tranche}/waive`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** PUT /purchases/{id}/proposal as the officer resubmits a returned proposal from its purchase page. */
  async reviseProposal(token: string, purchaseId: string, body: unknown) {
    const res = await fetch(`${this.urls.api}/purchases/${purchaseId}/proposal`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** POST /purchases/{id}/tranches/{tranche}/transfers/{seq}/correction, as finance does from the purchase page. */
  /** POST /purchases/{id}/amendments: asks to amend the purchase's signed contract. */
  async requestAmendment(token: string, purchaseId: string, body: unknown) {
    const res = await fetch(`${this.urls.api}/purchases/${purchaseId}/amendments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async correctPaymentRecord(
    token: string,
    purchaseId: string,
    where: { tranche: number; seq: number },
    body: unknown,
  ) {
    const res = await fetch(
      `${this.urls.api}/purchases/${purchaseId}/tranches/${where.tranche}/transfers/${where.seq}/correction`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** The first page of GET /purchases (this budget year unless the query names one). */
  async purchases(
    token: string,
    query: Record<string, string> = {},
  ): Promise<{ purchaseId: string; title: string; stage: string }[]> {
    const res = await fetch(`${this.urls.api}/purchases?${new URLSearchParams(query)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`GET /purchases: HTTP ${res.status}`);
    return ((await res.json()) as { items: { purchaseId: string; title: string; stage: string }[] }).items;
  }

  async waitForStage(token: string, purchaseId: string, stages: string[], timeoutMs = 30_000) {
    return this.waitForPurchase(token, purchaseId, (view) => stages.includes(view.stage), {
      expected: stages.join('/'),
      timeoutMs,
    });
  }

  /**
   * The purchase as soon as `until` holds of it. A step that follows a stage change (the
   * tranche notice after the mid-term pass, say) lands a moment after the stage, so a test
   * waits for what it checks, not for the stage alone.
   */
  async waitForPurchase(
    token: string,
    purchaseId: string,
    until: (view: PurchaseView) => boolean,
    { expected, timeoutMs = 30_000 }: { readonly expected: string; readonly timeoutMs?: number },
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.purchase(token, purchaseId);
      if (until(view)) return view;
      if (Date.now() > deadline)
        throw new Error(`${purchaseId} (at ${view.stage}) not yet ${expected} after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  async mails(): Promise<MailboxMail[]> {
    const res = await fetch(`${this.urls.mailbox}/store`);
    return ((await res.json()) as { emails: MailboxMail[] }).emails;
  }

  /** The first mail to `to` (any recipient when empty) that `matches` and was not `seen` before. */
  async waitForMail(
    to: string,
    matches: (m: MailboxMail) => boolean,
    seen = new Set<string>(),
    timeoutMs = 30_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.mails()).find(
        (m) => (to === '' || m.destination.to.includes(to)) && !seen.has(m.messageId) && matches(m),
      );
      if (found) {
        seen.add(found.messageId);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  static linkIn(mail: MailboxMail): string {
    const link = (mail.body.text ?? '').match(TASK_LINK)?.[0];
    if (!link) throw new Error(`mail "${mail.subject}" has no task link`);
    return link;
  }

  /**
   * A mail asking the NGO for an upload of this purchase: it carries the NGO page link (the
   * notices of outcomes the NGO is also mailed carry none).
   */
  static asksNgoToUpload(purchaseId: string): (mail: MailboxMail) => boolean {
    return (mail) => {
      const text = mail.body.text ?? '';
      return text.includes(purchaseId) && NGO_LINK.test(text);
    };
  }

  static ngoLinkIn(mail: MailboxMail): string {
    const link = (mail.body.text ?? '').match(NGO_LINK)?.[0];
    if (!link) throw new Error(`mail "${mail.subject}" has no NGO page link`);
    return link;
  }

  /**
   * Uploads one file as the NGO page's form does: asks the page's API for a presigned POST,
   * then posts the file straight to the bucket. Returns both answers' statuses.
   */
  async ngoUpload(pageLink: string, file: UploadFile) {
    const { status, grant } = await this.requestUploadGrant(pageLink, file);
    if (status !== 200) return { presignStatus: status, uploadStatus: 0, grant };
    const upload = await this.postUpload(grant, file);
    return { presignStatus: status, uploadStatus: upload, grant };
  }

  /** Asks the NGO page's API for a presigned POST of one file (what the page's script does). */
  async requestUploadGrant(pageLink: string, file: UploadFile) {
    const url = new URL(pageLink);
    url.pathname = `${url.pathname}/uploads`;
    const presign = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: file.kind,
        fileName: file.name,
        contentType: file.type,
        size: file.bytes.length,
      }),
    });
    // On a refusal the body is `{ message }`: callers look at the status first.
    const grant = (await presign.json()) as UploadGrant;
    return { status: presign.status, grant };
  }

  /** Posts the file with a grant's signed form straight to the bucket; returns the bucket's status. */
  async postUpload(grant: UploadGrant, file: UploadFile): Promise<number> {
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.fields)) form.set(name, value);
    form.set('file', new Blob([file.bytes], { type: file.type }), file.name);
    const upload = await fetch(grant.url, { method: 'POST', body: form });
    await upload.arrayBuffer();
    return upload.status;
  }

  /**
   * Opens the link like a browser: the confirmation page, its nonce (absent once decided) and the
   * files under review its form names (posted back with the decision, as a browser does).
   */
  async open(link: string, method: 'GET' | 'HEAD' = 'GET', userAgent?: string) {
    const res = await fetch(link, { method, headers: userAgent ? { 'user-agent': userAgent } : {} });
    const html = await res.text();
    const nonce = html.match(/name="nonce" value="([^"]+)"/)?.[1];
    return { status: res.status, html, nonce, reviewed: reviewedUploadsOn(html), headers: res.headers };
  }

  /** Posts the page's form, as the Approve or Reject button does. */
  async decide(
    link: string,
    form: {
      nonce?: string;
      decision?: string;
      comment?: string;
      reference?: string;
      /** The files under review the page named (`open(...).reviewed`). */
      reviewed?: readonly string[];
      /** A shared mailbox's page: the acting person's own address. */
      actingEmail?: string;
      /** An approval's second step: the ticked confirmation box. */
      confirmed?: boolean;
      /** Other fields of the page's form, e.g. `declare` or `score_<CRITERION>`. */
      fields?: Record<string, string>;
    },
  ) {
    const body = new URLSearchParams();
    if (form.nonce !== undefined) body.set('nonce', form.nonce);
    if (form.decision !== undefined) body.set('decision', form.decision);
    body.set('comment', form.comment ?? '');
    if (form.reference !== undefined) body.set('reference', form.reference);
    for (const uploadId of form.reviewed ?? []) body.append('reviewed', uploadId);
    if (form.actingEmail !== undefined) body.set('actingEmail', form.actingEmail);
    if (form.confirmed) body.set('confirmed', '1');
    for (const [name, value] of Object.entries(form.fields ?? {})) body.set(name, value);
    const res = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    return { status: res.status, html: await res.text() };
  }

  /**
   * Decides from a link as a person does: opens the page, posts its form with the files it shows,
   * says who acts where the page asks (ACTING_FINANCE_CLERK unless told), and ticks and confirms
   * the second step of an approval. Answers the page and the final answer.
   */
  async decideAsPerson(
    link: string,
    form: { decision: string; comment?: string; reference?: string; actingEmail?: string },
  ) {
    const page = await this.open(link);
    const posted = {
      nonce: page.nonce,
      reviewed: page.reviewed,
      decision: form.decision,
      comment: form.comment ?? '',
      ...(form.reference === undefined ? {} : { reference: form.reference }),
      ...(asksWhoActs(page.html) ? { actingEmail: form.actingEmail ?? ACTING_FINANCE_CLERK } : {}),
    };
    const first = await this.decide(link, posted);
    const answer =
      first.status === 200 && isConfirmationStep(first.html)
        ? await this.decide(link, { ...posted, confirmed: true })
        : first;
    return { page, answer };
  }
}

/** Whether a task page asks who is acting (a link mailed to the finance section's shared mailbox). */
export function asksWhoActs(html: string): boolean {
  return html.includes('name="actingEmail"');
}

/** Whether a POST's answer is an approval's second step, to be confirmed deliberately. */
export function isConfirmationStep(html: string): boolean {
  return html.includes('name="confirmed"');
}

/** Who the sample people say they are when a shared finance mailbox's page asks (the dev finance clerk). */
export const ACTING_FINANCE_CLERK = 'finance.clerk@civil-affairs.example.gov.cn';

/** The upload ids of a review page's hidden `reviewed` fields: the files its decision is about. */
export function reviewedUploadsOn(html: string): string[] {
  return [...html.matchAll(/name="reviewed" value="([^"]+)"/g)].map((m) => m[1] ?? '');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

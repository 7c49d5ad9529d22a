import { createHash } from 'node:crypto';
import { samplePdf } from '../../infra/local/samples/files.js';
import {
  ACTING_FINANCE_CLERK,
  asksWhoActs,
  isConfirmationStep,
  reviewedUploadsOn,
} from '../../infra/local/users.js';
import type { EvaluationCriterion } from '../../shared/domain/lifecycle-settings.js';
import type { Decision } from '../../shared/domain/tasks.js';
import type { UploadKind } from '../../shared/domain/uploads.js';
import type { MailMessage } from '../../shared/ports/mailer.js';
import type { HtmlPage } from '../../shared/presentation/pages/layout.js';
import {
  DECISION_FORM_FIELDS,
  DECLARE_VALUE,
} from '../../shared/presentation/pages/task/decision-form-fields.js';
import { showNgoPage } from '../../shared/usecases/ngo-uploads/ngo-page.js';
import { presignUpload } from '../../shared/usecases/ngo-uploads/presign-upload.js';
import { recordUpload } from '../../shared/usecases/ngo-uploads/record-upload.js';
import { decideTask } from '../../shared/usecases/task-links/decide-task.js';
import { CONFIRMED_VALUE, type DecisionForm } from '../../shared/usecases/task-links/decision-form.js';
import { showTask } from '../../shared/usecases/task-links/open-task-link.js';
import type { PaymentNotice, PeoplePorts } from './in-process-lifecycle.js';

/**
 * People of a purchase acting as they do in a browser, but in process: they read the link in their
 * newest e-mail (or payment notice), open its page (GET) and post its form (POST) through the use
 * cases the task-link and NGO routes call; an NGO's file goes to the bucket under its presigned key,
 * then the bucket's ObjectCreated event is handled as record-upload handles it. Each action fails
 * with what the person saw when the page or the upload refuses them.
 */

/** Someone could not do their part: the page or the upload refused them. */
export class PersonCouldNotActError extends Error {
  override name = 'PersonCouldNotActError';
}

interface TaskLink {
  taskId: string;
  sig: string;
}

interface NgoLink {
  purchaseId: string;
  exp: string;
  sig: string;
}

/** The URLs in a text, parsed. */
function urlsIn(text: string): URL[] {
  return [...text.matchAll(/https?:\/\/[^\s"<>]+/g)].map((match) => new URL(match[0]));
}

function taskLinkIn(text: string): TaskLink | undefined {
  for (const url of urlsIn(text)) {
    const taskId = /^\/tasks\/([A-Za-z0-9_-]+)$/.exec(url.pathname)?.[1];
    const sig = url.searchParams.get('sig');
    if (taskId && sig) return { taskId, sig };
  }
  return undefined;
}

function ngoLinkIn(text: string): NgoLink | undefined {
  for (const url of urlsIn(text)) {
    const purchaseId = /^\/ngo\/([A-Z0-9-]+)$/.exec(url.pathname)?.[1];
    const exp = url.searchParams.get('exp');
    const sig = url.searchParams.get('sig');
    if (purchaseId && exp && sig) return { purchaseId, exp, sig };
  }
  return undefined;
}

function recipients(mail: MailMessage): readonly string[] {
  return typeof mail.to === 'string' ? [mail.to] : mail.to;
}

/** The form's nonce on a task page, as a browser would post it back. */
function nonceOn(page: HtmlPage): string | undefined {
  return new RegExp(`name="${DECISION_FORM_FIELDS.nonce}" value="([^"]+)"`).exec(page.html)?.[1];
}

/** What a refused page says, for the failure message. */
function gist(page: HtmlPage): string {
  const title = /<title>([^<]*)<\/title>/.exec(page.html)?.[1] ?? '';
  return `HTTP ${page.statusCode} ${title}`.trim();
}

/** Scores an agency types into the rubric, by criterion. */
export type Scores = Readonly<Record<EvaluationCriterion, string>>;

export class LifecyclePeople {
  constructor(private readonly ports: PeoplePorts) {}

  /** A bureau officer, or the deputy, decides from the newest task link mailed to them about the purchase. */
  async decide(email: string, purchaseId: string, decision: Decision, comment = ''): Promise<void> {
    const link = this.#newestLink(email, purchaseId, taskLinkIn, 'task link');
    await this.#postForm(email, link, { decision, comment });
  }

  /**
   * The evaluation agency newest invited to evaluate the purchase declares its independence, then
   * scores it on the page the declaration opens.
   */
  async evaluate(agencyEmails: readonly string[], purchaseId: string, scores: Scores): Promise<void> {
    const { link, agency } = this.#evaluationInvitation(agencyEmails, purchaseId);
    await this.#postForm(agency, link, { declare: DECLARE_VALUE });
    await this.#postForm(agency, link, { decision: 'SUBMIT', comment: '服务规范，成效明显。', scores });
  }

  /**
   * The evaluation agency newest invited to evaluate the purchase declines the assignment, or
   * declares a conflict of interest, with its reason, without declaring independence first.
   */
  async stepAside(
    agencyEmails: readonly string[],
    purchaseId: string,
    decision: 'DECLINE' | 'CONFLICT',
    reason: string,
  ): Promise<void> {
    const { link, agency } = this.#evaluationInvitation(agencyEmails, purchaseId);
    await this.#postForm(agency, link, { decision, comment: reason });
  }

  /**
   * The NGO uploads a PDF of `kind` from the page its newest e-mail links to: the page, a
   * presigned POST, the file in the bucket, then the bucket's event recorded as record-upload does.
   */
  async upload(ngoEmail: string, purchaseId: string, kind: UploadKind): Promise<void> {
    const link = this.#newestLink(ngoEmail, purchaseId, ngoLinkIn, 'NGO page link');
    const { ngoPage, uploads, objects, now } = this.ports;
    const page = await showNgoPage(ngoPage, link);
    if (page.statusCode !== 200)
      throw new PersonCouldNotActError(
        `the NGO opened the page its newest e-mail links to, to upload ${kind}, and saw ${gist(page)} (the link was valid until ${new Date(Number(link.exp) * 1000).toISOString()}; now ${now()})`,
      );
    const bytes = samplePdf(`${kind} ${purchaseId} ${now()}`);
    const fileName = `${kind.toLowerCase()}.pdf`;
    const grant = await presignUpload(ngoPage, {
      ...link,
      body: { kind, fileName, contentType: 'application/pdf', size: bytes.length },
    });
    if (grant.statusCode !== 200)
      throw new PersonCouldNotActError(
        `the NGO asked to upload ${kind} and was refused: HTTP ${grant.statusCode} ${JSON.stringify(grant.body)}`,
      );
    const key = String(grant.body.key);
    objects.put(key, bytes, 'application/pdf');
    const recorded = await recordUpload(uploads, {
      bucket: uploads.bucket,
      key,
      size: bytes.length,
      eTag: createHash('md5').update(bytes).digest('hex'),
      eventTime: now(),
    });
    if (!('status' in recorded) || recorded.status !== 'ACCEPTED' || !recorded.resumed)
      throw new PersonCouldNotActError(
        `the NGO's ${kind} was not taken up by the waiting step: ${JSON.stringify(recorded)}`,
      );
  }

  /** Finance confirms a tranche from the link in its payment notice, with the bank's reference. */
  async confirmPayment(notice: PaymentNotice, reference: string): Promise<void> {
    const link = taskLinkIn(notice.message);
    if (!link)
      throw new PersonCouldNotActError(`payment notice "${notice.subject}" has no confirmation link`);
    await this.#postForm('finance', link, { decision: 'CONFIRM', reference });
  }

  /** Opens the task page (GET), then posts its form (POST) with the page's nonce. */
  async #postForm(who: string, link: TaskLink, fields: Omit<DecisionForm, 'nonce'>): Promise<void> {
    const { taskLinks } = this.ports;
    const what = fields.decision ?? (fields.declare ? 'the declaration' : 'the form');
    const page = await showTask(taskLinks, link);
    const nonce = nonceOn(page);
    if (page.statusCode !== 200 || !nonce)
      throw new PersonCouldNotActError(`${who} opened the link to post ${what} and saw ${gist(page)}`);
    const form: DecisionForm = { ...fields, nonce, reviewed: reviewedUploadsOn(page.html) };
    // A shared mailbox's page asks who is acting; an approval is confirmed on a second step.
    if (asksWhoActs(page.html)) form.actingEmail = ACTING_FINANCE_CLERK;
    let answer = await decideTask(taskLinks, { ...link, form });
    if (isConfirmationStep(answer.html))
      answer = await decideTask(taskLinks, { ...link, form: { ...form, confirmed: CONFIRMED_VALUE } });
    if (answer.statusCode !== 200)
      throw new PersonCouldNotActError(`${who} posted ${what} and saw ${gist(answer)}`);
    if (fields.decision === undefined) return;
    // The page thanks the person either way; only the task says whether the waiting step got it.
    const task = await taskLinks.tasks.getTask(link.taskId);
    if (task?.decision?.decision !== fields.decision)
      throw new PersonCouldNotActError(
        `${who} posted ${what}, but the task holds ${task?.decision?.decision}`,
      );
    if (task.taskToken !== undefined && task.deliveredAt === undefined)
      throw new PersonCouldNotActError(`${who} posted ${what}, but no execution was waiting for it`);
  }

  /** The newest evaluation invitation about the purchase to one of the agencies: its link and who got it. */
  #evaluationInvitation(
    agencyEmails: readonly string[],
    purchaseId: string,
  ): { link: TaskLink; agency: string } {
    const invitation = this.#newestMail(
      (mail) => recipients(mail).some((to) => agencyEmails.includes(to)) && mail.text.includes(purchaseId),
    );
    const link = invitation && taskLinkIn(invitation.text);
    if (!invitation || !link)
      throw new PersonCouldNotActError(`no agency was mailed an evaluation link about ${purchaseId}`);
    return { link, agency: recipients(invitation).join(', ') };
  }

  #newestMail(matches: (mail: MailMessage) => boolean): MailMessage | undefined {
    return this.ports.mail.sent.findLast(matches);
  }

  #newestLink<L>(
    email: string,
    purchaseId: string,
    linkIn: (text: string) => L | undefined,
    what: string,
  ): L {
    const mail = this.#newestMail(
      (m) => recipients(m).includes(email) && m.text.includes(purchaseId) && linkIn(m.text) !== undefined,
    );
    const link = mail && linkIn(mail.text);
    if (!link) throw new PersonCouldNotActError(`${email} was mailed no ${what} about ${purchaseId}`);
    return link;
  }
}

import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/assembly/local-account.js';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from '../../infra/local/samples/live-proposals.js';
import type { LocalStepFunctions } from '../../infra/local/stepfunctions/index.js';
import { type PurchaseView, sleep, UsersClient } from '../../infra/local/users.js';
import { formatYuan } from '../../shared/domain/money.js';
import { parseLinkKeyring } from '../../shared/links/link-keyring.js';
import { signNgoLink } from '../../shared/links/ngo-link.js';
import { signTaskLink } from '../../shared/links/signing.js';
import type { LinkKeyring } from '../../shared/ports/link-key.js';
import { type LocalAppUnderTest, startLocalApp } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { recordCase } from './case.js';

/**
 * Issue 4, cases 1-5: the e-mailed links under double clicks, conflicting clicks, replays,
 * expiry, escalation, mail scanners and tampering, against the synthesized app on the local
 * runtime, over HTTP only. One app serves every case, on the configured settings: approval
 * waits run in real time except while case 3 speeds the clock up.
 */

const settings = TEST_SETTINGS;
const { approvers, deputy } = settings.policy.approval;
const chief = approvers.SECTION_CHIEF;
const REAL_CLOCK = { msPerSecond: 1000 };
/** Each approval attempt (three days with the configured settings) times out after 3 s of real time. */
const FAST_CLOCK = { msPerSecond: 3000 / settings.policy.approval.timeoutSeconds };
/** The approval's third attempt, which asks the deputy (workflows/purchase-lifecycle.ts). */
const ESCALATION_STATE = 'Escalate to deputy';

/** Fixed phrases of the decided page (shared/presentation/pages/task/decided-page.ts). */
const RECORDED = 'Your decision has been recorded';
const ALREADY_DECIDED = 'already decided by';
/** An NGO page link in a mail's text (as UsersClient.ngoLinkIn finds it). */
const NGO_LINK = /\/ngo\/[A-Z0-9-]+\?exp=\d+&sig=/;
const DECISION_LABEL: Readonly<Record<string, string>> = {
  APPROVE: '批准 Approved',
  REJECT: '驳回 Rejected',
};

type View = PurchaseView & {
  tasks: {
    taskId: string;
    status: string;
    attempt: string;
    expiresAt: string;
    deliveredAt?: string;
    decision?: { decision: string };
  }[];
};

let app: LocalAppUnderTest;
let officer: string;
let successCalls: MockInstance<LocalStepFunctions['sendTaskSuccess']>;
const seen = new Set<string>();

beforeAll(async () => {
  app = await startLocalApp({ msPerSecond: REAL_CLOCK.msPerSecond });
  officer = await app.users.devToken(
    'officer-links',
    ['officer'],
    'links.officer@civil-affairs.example.gov.cn',
  );
  // The local Step Functions endpoint calls this for every SendTaskSuccess a function makes.
  successCalls = vi.spyOn(app.runtime.stepFunctions, 'sendTaskSuccess');
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

async function submit(proposal: object = smallMinorProtectionProposalToday()): Promise<string> {
  const submitted = await app.users.submit(officer, proposal);
  expect(submitted.status).toBe(201);
  return String(submitted.body.purchaseId);
}

const mentions = (purchaseId: string) => (m: { body: { text?: string } }) =>
  (m.body.text ?? '').includes(purchaseId);

/** The task link in the next mail to `to` about the purchase. */
async function taskLink(purchaseId: string, to: string): Promise<string> {
  return UsersClient.linkIn(await app.users.waitForMail(to, mentions(purchaseId), seen));
}

function taskIdIn(link: string): string {
  return new URL(link).pathname.split('/').at(-1) ?? '';
}

function sigIn(link: string): string {
  return new URL(link).searchParams.get('sig') ?? '';
}

/** The same link with its task id and signature replaced (either kept when undefined). */
function taskLinkWith(link: string, parts: { taskId?: string; sig?: string | null }): string {
  const url = new URL(link);
  if (parts.taskId !== undefined) url.pathname = url.pathname.replace(/[^/]*$/, parts.taskId);
  if (parts.sig === null) url.searchParams.delete('sig');
  else if (parts.sig !== undefined) url.searchParams.set('sig', parts.sig);
  return url.toString();
}

/** One character changed in the middle, so the text keeps its shape (length, alphabet). */
function alter(text: string): string {
  const at = Math.floor(text.length / 2);
  return `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
}

/** SendTaskSuccess calls that carried the decision of this task (its output names the task). */
function successCallsFor(taskId: string): number {
  return successCalls.mock.calls.filter(([p]) => {
    try {
      return (JSON.parse(p.output) as { taskId?: unknown }).taskId === taskId;
    } catch {
      return false;
    }
  }).length;
}

async function view(purchaseId: string): Promise<View> {
  return (await app.users.purchase(officer, purchaseId)) as View;
}

/** Everything a click could change: stage, version, audit log, each task's status and decision. */
async function snapshot(purchaseId: string) {
  const v = await view(purchaseId);
  return {
    stage: v.stage,
    version: v.version,
    auditEntries: v.audit.length,
    approvals: v.approvals,
    tasks: v.tasks.map((t) => ({
      taskId: t.taskId,
      status: t.status,
      attempt: t.attempt,
      expiresAt: t.expiresAt,
      decision: t.decision?.decision ?? null,
      deliveredAt: t.deliveredAt ?? null,
    })),
  };
}

/** The purchase's execution (named after it). */
async function executionOf(purchaseId: string) {
  for (const sm of app.runtime.app.stateMachines) {
    const { executions } = await app.runtime.stepFunctions.listExecutions({ stateMachineArn: sm.arn });
    const found = executions.find((e) => e.name === purchaseId);
    if (found) return found;
  }
  return undefined;
}

/** Whether the purchase's execution has entered the state (GetExecutionHistory). */
async function hasEntered(purchaseId: string, state: string): Promise<boolean> {
  const execution = await executionOf(purchaseId);
  if (!execution) return false;
  const { events } = await app.runtime.stepFunctions.getExecutionHistory({
    executionArn: execution.executionArn,
  });
  return events.some(
    (e) =>
      e.type === 'TaskStateEntered' &&
      (e.stateEnteredEventDetails as { name?: string } | undefined)?.name === state,
  );
}

/** The status of the purchase's execution (named after it), once it is no longer RUNNING. */
async function settled(purchaseId: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await executionOf(purchaseId))?.status;
    if (status !== undefined && status !== 'RUNNING') return status;
    if (Date.now() > deadline) throw new Error(`the execution of ${purchaseId} still runs`);
    await sleep(100);
  }
}

/** "20×200" or "1×200, 19×410": how many answers had each status. */
function statusCounts(statuses: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${n}×${s}`)
    .join(', ');
}

/** The decision a decided page states, read from its Decision row. */
function statedDecision(html: string): string | undefined {
  return Object.keys(DECISION_LABEL).find((d) => html.includes(`<td>${DECISION_LABEL[d]}</td>`));
}

describe('1 and 2: several POSTs on one link at once', () => {
  it('twenty parallel POSTs of the same decision record it once, call SendTaskSuccess once and audit it once; the other nineteen pages state the decision', async (context) => {
    const purchaseId = await submit();
    const link = await taskLink(purchaseId, chief.email);
    const taskId = taskIdIn(link);
    const page = await app.users.open(link);
    expect(page.status).toBe(200);
    expect(page.nonce).toBeDefined();

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.users.decide(link, {
          nonce: page.nonce,
          decision: 'APPROVE',
          confirmed: true,
          comment: `click ${i + 1}`,
        }),
      ),
    );
    const after = await app.users.waitForStage(officer, purchaseId, ['CONTRACTING', 'REJECTED']);
    const decided = (await view(purchaseId)).tasks.filter((t) => t.status === 'DECIDED');
    const audits = after.audit.filter((e) => e.action === 'approval.decided');
    const recorded = answers.filter((a) => a.html.includes(RECORDED));
    const others = answers.filter((a) => a.html.includes(ALREADY_DECIDED));
    const winner = after.approvals.SECTION_CHIEF;

    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(19).fill(410)]);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.status).toBe(200);
    expect(others).toHaveLength(19);
    expect(Object.keys(after.approvals)).toEqual(['SECTION_CHIEF']);
    expect(winner?.decision).toBe('APPROVE');
    expect(decided).toHaveLength(1);
    expect(audits).toHaveLength(1);
    expect(audits[0]?.detail.comment).toBe(winner?.comment);
    expect(successCallsFor(taskId)).toBe(1);
    expect(after.stage).toBe('CONTRACTING');
    // Every page, the winner's included, states the one recorded decision and its comment.
    for (const answer of answers) {
      expect(statedDecision(answer.html)).toBe('APPROVE');
      expect(answer.html).toContain(winner?.comment);
      expect(answer.html).not.toContain('name="nonce"');
    }
    for (const other of others) expect(other.html).toContain(`${ALREADY_DECIDED} ${chief.name}`);
    const later = await app.users.open(link);
    expect(later.status).toBe(410);
    expect(statedDecision(later.html)).toBe('APPROVE');

    recordCase(context, {
      case: '1 Double click',
      attempts: answers.length,
      expected: '1 decision, 1 SendTaskSuccess, 1 audit entry; the others (410) see that decision',
      observed:
        `${decided.length} decision (${winner?.decision}), ${successCallsFor(taskId)} SendTaskSuccess, ` +
        `${audits.length} audit entry; answers ${statusCounts(answers.map((a) => a.status))}: ` +
        `${recorded.length} "recorded", ${others.length} "already decided", ` +
        `${answers.filter((a) => statedDecision(a.html) === winner?.decision).length} stating ${winner?.decision}`,
    });
  });

  it('approve and reject posted at once: exactly one wins, every page shows the winner, the purchase ends in its stage', async (context) => {
    const purchaseId = await submit();
    const link = await taskLink(purchaseId, chief.email);
    const taskId = taskIdIn(link);
    const page = await app.users.open(link);
    expect(page.nonce).toBeDefined();

    const posted = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'APPROVE' : 'REJECT'));
    const answers = await Promise.all(
      posted.map((decision, i) =>
        app.users.decide(link, {
          nonce: page.nonce,
          decision,
          confirmed: true,
          comment: `${decision} from tab ${i + 1}`,
        }),
      ),
    );
    const after = await app.users.waitForStage(officer, purchaseId, ['CONTRACTING', 'REJECTED']);
    const winner = after.approvals.SECTION_CHIEF?.decision ?? 'none';
    const loser = winner === 'APPROVE' ? 'REJECT' : 'APPROVE';
    const recordedAt = answers.findIndex((a) => a.html.includes(RECORDED));
    const losers = answers.filter((_, i) => posted[i] === loser);
    const shownLater = await app.users.open(link);
    const audits = after.audit.filter((e) => e.action === 'approval.decided');

    expect(['APPROVE', 'REJECT']).toContain(winner);
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(posted.length - 1).fill(410)]);
    expect(answers.filter((a) => a.html.includes(RECORDED))).toHaveLength(1);
    expect(posted[recordedAt]).toBe(winner);
    expect(after.approvals.SECTION_CHIEF?.comment).toBe(`${winner} from tab ${recordedAt + 1}`);
    for (const answer of answers) expect(statedDecision(answer.html)).toBe(winner);
    for (const answer of losers) expect(answer.html).not.toContain(DECISION_LABEL[loser]);
    expect(shownLater.status).toBe(410);
    expect(statedDecision(shownLater.html)).toBe(winner);
    expect(audits).toHaveLength(1);
    expect(successCallsFor(taskId)).toBe(1);
    expect(after.stage).toBe(winner === 'APPROVE' ? 'CONTRACTING' : 'REJECTED');

    recordCase(context, {
      case: '2 Conflicting decisions',
      attempts: answers.length,
      expected: 'exactly 1 wins; every page and a later GET show the winner; the stage matches it',
      observed:
        `${audits.length} decision recorded (${winner}, posted by tab ${recordedAt + 1}), ` +
        `${successCallsFor(taskId)} SendTaskSuccess; ` +
        `${answers.filter((a) => statedDecision(a.html) === winner).length}/${answers.length} pages ` +
        `and the GET (${shownLater.status}) show ${winner}; stage ${after.stage}`,
    });
  });
});

describe('3: replayed, expired and replaced links', () => {
  it('a POST replayed after the decision shows the recorded decision and changes nothing', async (context) => {
    // Three levels: after the section chief's decision the purchase rests, waiting for finance.
    const purchaseId = await submit(largeElderlyCareProposalToday());
    const link = await taskLink(purchaseId, chief.email);
    const taskId = taskIdIn(link);
    const page = await app.users.open(link);
    const first = await app.users.decide(link, {
      nonce: page.nonce,
      decision: 'APPROVE',
      confirmed: true,
      comment: 'first',
    });
    expect(first.html).toContain(RECORDED);
    await taskLink(purchaseId, approvers.FINANCE_SECTION.email);
    const before = await snapshot(purchaseId);
    const callsBefore = successCallsFor(taskId);

    const replays = [
      await app.users.decide(link, {
        nonce: page.nonce,
        decision: 'APPROVE',
        confirmed: true,
        comment: 'replayed',
      }),
      await app.users.decide(link, { nonce: page.nonce, decision: 'REJECT', comment: 'changed my mind' }),
      await app.users.open(link),
      await app.users.open(link, 'HEAD'),
    ];
    const after = await snapshot(purchaseId);

    for (const replay of replays) expect(replay.status).toBe(410);
    for (const replay of replays.slice(0, 3)) {
      expect(replay.html).toContain(ALREADY_DECIDED);
      expect(statedDecision(replay.html)).toBe('APPROVE');
      expect(replay.html).toContain('<td>first</td>');
      expect(replay.html).not.toContain('name="nonce"');
    }
    expect(after).toEqual(before);
    expect(after.approvals.SECTION_CHIEF?.decision).toBe('APPROVE');
    expect(successCallsFor(taskId)).toBe(callsBefore);
    expect(callsBefore).toBe(1);

    recordCase(context, {
      case: '3a Replayed link: after the decision',
      attempts: replays.length,
      expected: '410 page showing the recorded decision (no form); no state change, no SendTaskSuccess',
      observed:
        `POST APPROVE, POST REJECT, GET, HEAD → ${replays.map((r) => r.status).join(', ')}; ` +
        `pages state ${statedDecision(replays[1]?.html ?? '')}; version ${before.version}→${after.version}, ` +
        `audit ${before.auditEntries}→${after.auditEntries}, SendTaskSuccess +${successCallsFor(taskId) - callsBefore}`,
    });
  });

  describe('on an accelerated clock', () => {
    // Two purchases nobody answers: `replaced` escalates to the deputy, who decides (3c);
    // `lapsed` runs out of all three attempts (3b). Both are asked at once, so they escalate
    // together: the clock goes back to real time as soon as both escalations have started.
    const replaced = { purchaseId: '', link: '', nonce: '' };
    const lapsed = { purchaseId: '', link: '', nonce: '' };
    const escalated = new Set<string>();

    beforeAll(async () => {
      for (const purchase of [lapsed, replaced]) {
        purchase.purchaseId = await submit();
        purchase.link = await taskLink(purchase.purchaseId, chief.email);
        purchase.nonce = (await app.users.open(purchase.link)).nonce ?? '';
      }
    }, 60_000);

    afterAll(() => {
      app.runtime.stepFunctions.setClock(REAL_CLOCK);
    });

    /** Runs the clock fast until both purchases' escalation attempts have started. */
    async function untilEscalated(): Promise<void> {
      app.runtime.stepFunctions.setClock(FAST_CLOCK);
      try {
        const deadline = Date.now() + 40_000;
        for (;;) {
          // Polled in process, so the clock slows down well within the escalation's 3 s.
          for (const { purchaseId } of [replaced, lapsed])
            if (!escalated.has(purchaseId) && (await hasEntered(purchaseId, ESCALATION_STATE)))
              escalated.add(purchaseId);
          if (escalated.has(replaced.purchaseId) && escalated.has(lapsed.purchaseId)) return;
          if (Date.now() > deadline) throw new Error('the approvals did not escalate within 40 s');
          await sleep(20);
        }
      } finally {
        app.runtime.stepFunctions.setClock(REAL_CLOCK);
      }
    }

    it('after an escalation re-issued the task, the first link answers 410 and changes nothing, the new link works', async (context) => {
      await untilEscalated();
      const newLink = await taskLink(replaced.purchaseId, deputy.email);
      const oldTaskId = taskIdIn(replaced.link);
      const before = await snapshot(replaced.purchaseId);

      const old = [
        await app.users.open(replaced.link),
        await app.users.open(replaced.link, 'HEAD'),
        await app.users.decide(replaced.link, {
          nonce: replaced.nonce,
          decision: 'APPROVE',
          confirmed: true,
          comment: 'late',
        }),
      ];
      const after = await snapshot(replaced.purchaseId);

      expect(old.map((a) => a.status)).toEqual([410, 410, 410]);
      expect(old[2]?.html).toBe(old[0]?.html);
      expect(after).toEqual(before);
      expect(after.tasks.find((t) => t.taskId === oldTaskId)?.status).toBe('SUPERSEDED');
      expect(successCallsFor(oldTaskId)).toBe(0);

      const page = await app.users.open(newLink);
      expect(page.status).toBe(200);
      expect(page.nonce).toBeDefined();
      expect(page.nonce).not.toBe(replaced.nonce);
      const decided = await app.users.decide(newLink, {
        nonce: page.nonce,
        decision: 'APPROVE',
        confirmed: true,
        comment: '同意',
      });
      const done = await app.users.waitForStage(officer, replaced.purchaseId, ['CONTRACTING', 'REJECTED']);

      expect(decided.status).toBe(200);
      expect(decided.html).toContain(RECORDED);
      expect(done.stage).toBe('CONTRACTING');
      expect(done.approvals.SECTION_CHIEF?.by).toBe(deputy.email);
      expect(successCallsFor(taskIdIn(newLink))).toBe(1);

      recordCase(context, {
        case: '3c Replaced link: after an escalation',
        attempts: old.length + 2,
        expected: 'old link 410, no state change; the deputy’s new link decides',
        observed:
          `old link GET, HEAD, POST → ${old.map((a) => a.status).join(', ')}, task ${after.tasks.find((t) => t.taskId === oldTaskId)?.status}, ` +
          `version ${before.version}→${after.version}, SendTaskSuccess ${successCallsFor(oldTaskId)}; ` +
          `new link GET ${page.status}, POST ${decided.status} → ${done.stage} by ${done.approvals.SECTION_CHIEF?.by}`,
      });
    });

    it('after the last timeout the links answer 410 and change nothing', async (context) => {
      if (!escalated.has(lapsed.purchaseId)) await untilEscalated();
      const deputyLink = await taskLink(lapsed.purchaseId, deputy.email);
      const deputyPage = await app.users.open(deputyLink);
      expect(deputyPage.status).toBe(200);
      // The deputy does not answer either: the escalation times out and the approval lapses.
      app.runtime.stepFunctions.setClock(FAST_CLOCK);
      let ended: PurchaseView;
      let execution: string;
      try {
        ended = await app.users.waitForStage(officer, lapsed.purchaseId, ['REJECTED', 'CONTRACTING']);
        execution = await settled(lapsed.purchaseId);
      } finally {
        app.runtime.stepFunctions.setClock(REAL_CLOCK);
      }
      const before = await snapshot(lapsed.purchaseId);

      const late = [
        await app.users.open(deputyLink),
        await app.users.open(deputyLink, 'HEAD'),
        await app.users.decide(deputyLink, {
          nonce: deputyPage.nonce,
          decision: 'APPROVE',
          confirmed: true,
          comment: 'late',
        }),
        await app.users.decide(lapsed.link, {
          nonce: lapsed.nonce,
          decision: 'APPROVE',
          confirmed: true,
          comment: 'later',
        }),
      ];
      const after = await snapshot(lapsed.purchaseId);
      const deputyTask = after.tasks.find((t) => t.taskId === taskIdIn(deputyLink));

      expect(ended.stage).toBe('REJECTED');
      expect(execution).toBe('SUCCEEDED'); // a lapse is a normal end, not a workflow failure
      expect(late.map((a) => a.status)).toEqual([410, 410, 410, 410]);
      expect(late[2]?.html).toBe(late[0]?.html);
      expect(late[3]?.html).toBe(late[0]?.html);
      expect(after).toEqual(before);
      expect(deputyTask?.status).toBe('EXPIRED');
      expect(after.approvals).toEqual({});
      expect(successCallsFor(taskIdIn(deputyLink)) + successCallsFor(taskIdIn(lapsed.link))).toBe(0);

      recordCase(context, {
        case: '3b Expired link: after the timeout',
        attempts: late.length,
        expected: '410, no state change',
        observed:
          `approval lapsed (${ended.stage}); deputy link GET, HEAD, POST and first link POST → ` +
          `${late.map((a) => a.status).join(', ')}; task ${deputyTask?.status}, version ${before.version}→${after.version}, ` +
          `audit ${before.auditEntries}→${after.auditEntries}, ${Object.keys(after.approvals).length} decisions`,
      });
    });
  });
});

/** User agents of link scanners and previewers that open e-mailed links before people do. */
const SCANNERS = [
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 (Microsoft Defender for Office 365 Safe Links)',
  'Mimecast URL Protect',
  'Proofpoint URL Defense',
  'Barracuda Sentinel (EE)',
  'Google-Safety',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Outlook-iOS/709.2226530.prod.iphone (3.24.1)',
] as const;

describe('4: mail-scanner prefetch', () => {
  it('HEAD and GET by link scanners and POSTs without a usable form change nothing; the approver then decides', async (context) => {
    const purchaseId = await submit();
    const link = await taskLink(purchaseId, chief.email);
    const taskId = taskIdIn(link);
    const before = await snapshot(purchaseId);

    const prefetches = await Promise.all(
      SCANNERS.flatMap((agent) =>
        (['HEAD', 'GET', 'HEAD', 'GET'] as const).map((method) => app.users.open(link, method, agent)),
      ),
    );
    const nonce = prefetches.find((p) => p.nonce)?.nonce;
    const posts = [
      await app.users.decide(link, { decision: 'APPROVE', confirmed: true, comment: 'no nonce' }),
      await app.users.decide(link, {
        nonce: `${nonce}x`,
        decision: 'APPROVE',
        confirmed: true,
        comment: 'wrong nonce',
      }),
      await app.users.decide(link, {
        nonce: alter(nonce ?? ''),
        decision: 'APPROVE',
        confirmed: true,
        comment: 'wrong nonce',
      }),
      await app.users.decide(link, { nonce, comment: 'no decision' }),
    ];
    const after = await snapshot(purchaseId);

    expect(prefetches.map((p) => p.status)).toEqual(Array(prefetches.length).fill(200));
    // Nothing on the way (a scanner's proxy, a shared cache) may keep the page with its nonce.
    expect(prefetches.filter((p) => p.headers.get('cache-control') !== 'no-store')).toEqual([]);
    expect(nonce).toBeDefined();
    expect(posts.map((p) => p.status)).toEqual([400, 400, 400, 400]);
    for (const post of posts) expect(post.html).toContain('Nothing was recorded');
    expect(after).toEqual(before);
    expect(after.tasks.map((t) => t.status)).toEqual(['PENDING']);
    expect(successCallsFor(taskId)).toBe(0);

    const page = await app.users.open(link);
    const decided = await app.users.decide(link, {
      nonce: page.nonce,
      decision: 'APPROVE',
      confirmed: true,
      comment: 'ok',
    });
    const done = await app.users.waitForStage(officer, purchaseId, ['CONTRACTING', 'REJECTED']);
    expect(page.nonce).toBe(nonce);
    expect(decided.html).toContain(RECORDED);
    expect(done.stage).toBe('CONTRACTING');
    expect(successCallsFor(taskId)).toBe(1);

    recordCase(context, {
      case: '4 Mail-scanner prefetch',
      attempts: prefetches.length + posts.length,
      expected: 'no state change; the approver can still decide',
      observed:
        `${prefetches.length} HEAD/GET by ${SCANNERS.length} scanners → ${statusCounts(prefetches.map((p) => p.status))}; ` +
        `POST without nonce, 2 wrong nonces, no decision → ${posts.map((p) => p.status).join(', ')}; ` +
        `version ${before.version}→${after.version}, audit ${before.auditEntries}→${after.auditEntries}, ` +
        `task ${after.tasks[0]?.status}, SendTaskSuccess 0; then the approver: ${decided.status} → ${done.stage}`,
    });
  });
});

describe('5: tampered links', () => {
  const proposal = smallMinorProtectionProposalToday();
  let a = { purchaseId: '', link: '' };
  let b = { purchaseId: '', link: '' };

  beforeAll(async () => {
    const ids = [await submit(proposal), await submit(proposal)];
    const links = await Promise.all(ids.map((id) => taskLink(id, chief.email)));
    a = { purchaseId: ids[0] ?? '', link: links[0] ?? '' };
    b = { purchaseId: ids[1] ?? '', link: links[1] ?? '' };
  }, 60_000);

  /** What a page must never show to someone holding a tampered link. */
  function revealed(html: string): string[] {
    const secrets = [
      a.purchaseId,
      b.purchaseId,
      proposal.ngo.name,
      proposal.ngo.contactEmail,
      proposal.title,
      formatYuan(proposal.totalFen),
      String(proposal.totalFen),
      chief.email,
      chief.name,
      taskIdIn(a.link),
      taskIdIn(b.link),
    ];
    return secrets.filter((s) => html.includes(s));
  }

  /** The keys of task links, or of NGO page links, as the app's secret holds them. */
  async function linkKeys(kind: 'TaskLinkSigningKeys' | 'LinkSigningKey'): Promise<LinkKeyring> {
    const secret = app.runtime.app.secrets.find((s) => new RegExp(`^${kind}[0-9A-F]{8}$`).test(s.logicalId));
    if (!secret) throw new Error(`the app has no secret ${kind}`);
    const client = new SecretsManagerClient({
      endpoint: app.runtime.urls.secrets,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const out = await client.send(new GetSecretValueCommand({ SecretId: secret.arn }));
    return parseLinkKeyring(out.SecretString ?? '');
  }

  it('altered, crossed and truncated task links answer one fixed 403 page that reveals nothing, and change nothing', async (context) => {
    const id = taskIdIn(a.link);
    const sig = sigIn(a.link);
    const nonce = (await app.users.open(a.link)).nonce;
    const beforeA = await snapshot(a.purchaseId);
    const beforeB = await snapshot(b.purchaseId);
    const forged: Record<string, string> = {
      'changed task id': taskLinkWith(a.link, { taskId: alter(id) }),
      'changed signature': taskLinkWith(a.link, { sig: alter(sig) }),
      "another purchase's signature": taskLinkWith(a.link, { sig: sigIn(b.link) }),
      "another purchase's id with this signature": taskLinkWith(a.link, { taskId: taskIdIn(b.link) }),
      'task id cut short': taskLinkWith(a.link, { taskId: id.slice(0, -1) }),
      'task id cut to half': taskLinkWith(a.link, { taskId: id.slice(0, 12) }),
      'signature cut short': taskLinkWith(a.link, { sig: sig.slice(0, -1) }),
      'signature cut to half': taskLinkWith(a.link, { sig: sig.slice(0, 21) }),
      'empty signature': taskLinkWith(a.link, { sig: '' }),
      'no signature': taskLinkWith(a.link, { sig: null }),
    };
    const answers: { variant: string; method: string; status: number; html: string }[] = [];
    for (const [variant, link] of Object.entries(forged)) {
      const get = await app.users.open(link);
      const post = await app.users.decide(link, {
        nonce,
        decision: 'APPROVE',
        confirmed: true,
        comment: 'forged',
      });
      answers.push({ variant, method: 'GET', ...get }, { variant, method: 'POST', ...post });
    }
    // Only the key's holder can sign a task id that does not exist: the 404 page.
    const unknown = signTaskLink(
      new URL(a.link).origin,
      randomBytes(18).toString('base64url'),
      await linkKeys('TaskLinkSigningKeys'),
    );
    const notFound = [
      await app.users.open(unknown),
      await app.users.decide(unknown, { nonce, decision: 'APPROVE', confirmed: true }),
    ];
    // The link with its task id cut off entirely matches no route.
    const noId = await app.users.open(taskLinkWith(a.link, { taskId: '' }));
    const afterA = await snapshot(a.purchaseId);
    const afterB = await snapshot(b.purchaseId);
    const forbidden = answers[0]?.html ?? '';

    expect(answers.filter((x) => x.status !== 403)).toEqual([]);
    expect(answers.filter((x) => x.html !== forbidden).map((x) => `${x.method} ${x.variant}`)).toEqual([]);
    expect(notFound.map((x) => x.status)).toEqual([404, 404]);
    expect(notFound[1]?.html).toBe(notFound[0]?.html);
    expect(noId.status).toBe(404);
    for (const page of [forbidden, notFound[0]?.html ?? '', noId.html]) expect(revealed(page)).toEqual([]);
    expect(afterA).toEqual(beforeA);
    expect(afterB).toEqual(beforeB);
    expect(successCallsFor(id) + successCallsFor(taskIdIn(b.link))).toBe(0);
    const genuine = await app.users.open(a.link);
    expect(genuine.status).toBe(200);
    expect(genuine.html).toContain(a.purchaseId);

    recordCase(context, {
      case: '5a Tampered task link',
      attempts: answers.length + notFound.length + 1,
      expected: 'one fixed 403 page (404 for a well-signed unknown id) revealing nothing; no state change',
      observed:
        `${Object.keys(forged).length} variants × GET/POST → ${statusCounts(answers.map((x) => x.status))}, ` +
        `${new Set(answers.map((x) => x.html)).size} distinct body; unknown signed id → ${notFound.map((x) => x.status).join(', ')}; ` +
        `no id → ${noId.status}; ${revealed(forbidden).length + revealed(notFound[0]?.html ?? '').length} facts revealed; ` +
        `versions ${beforeA.version}→${afterA.version}, ${beforeB.version}→${afterB.version}; genuine link ${genuine.status}`,
    });
  });

  it('altered, crossed and truncated NGO page links answer the same fixed 403 page and reveal nothing', async (context) => {
    for (const purchase of [a, b]) {
      const page = await app.users.open(purchase.link);
      const decided = await app.users.decide(purchase.link, {
        nonce: page.nonce,
        decision: 'APPROVE',
        confirmed: true,
      });
      expect(decided.status).toBe(200);
    }
    const [ngoA, ngoB] = await Promise.all(
      [a, b].map(async (p) =>
        UsersClient.ngoLinkIn(
          await app.users.waitForMail(
            proposal.ngo.contactEmail,
            (m) => mentions(p.purchaseId)(m) && NGO_LINK.test(m.body.text ?? ''),
            seen,
          ),
        ),
      ),
    );
    const linkA = new URL(ngoA ?? '');
    const linkB = new URL(ngoB ?? '');
    const exp = linkA.searchParams.get('exp') ?? '';
    const sig = linkA.searchParams.get('sig') ?? '';
    const withParts = (purchaseId: string, query: Record<string, string>) =>
      `${linkA.origin}/ngo/${purchaseId}?${new URLSearchParams(query)}`;
    const forged: Record<string, string> = {
      "another purchase's id": withParts(b.purchaseId, { exp, sig }),
      'changed purchase id': withParts(alter(a.purchaseId), { exp, sig }),
      'later expiry': withParts(a.purchaseId, { exp: String(Number(exp) + 86_400), sig }),
      'earlier expiry': withParts(a.purchaseId, { exp: String(Number(exp) - 1), sig }),
      'changed signature': withParts(a.purchaseId, { exp, sig: alter(sig) }),
      "another purchase's signature": withParts(a.purchaseId, {
        exp: linkB.searchParams.get('exp') ?? '',
        sig: linkB.searchParams.get('sig') ?? '',
      }),
      'signature cut short': withParts(a.purchaseId, { exp, sig: sig.slice(0, -1) }),
      'no signature': withParts(a.purchaseId, { exp }),
      'no expiry': withParts(a.purchaseId, { sig }),
    };
    const answers: { variant: string; status: number; html: string }[] = [];
    for (const [variant, link] of Object.entries(forged))
      answers.push({ variant, ...(await app.users.open(link)) });
    const taskForbidden = (await app.users.open(taskLinkWith(a.link, { sig: alter(sigIn(a.link)) }))).html;
    const unknown = signNgoLink(
      linkA.origin,
      `PUR-2026-${randomBytes(8).toString('hex').toUpperCase()}`,
      new Date(Number(exp) * 1000).toISOString(),
      await linkKeys('LinkSigningKey'),
    );
    const notFound = await app.users.open(unknown);
    const genuine = await app.users.open(linkA.toString());

    expect(answers.filter((x) => x.status !== 403)).toEqual([]);
    expect(answers.filter((x) => x.html !== taskForbidden).map((x) => x.variant)).toEqual([]);
    expect(notFound.status).toBe(404);
    for (const page of [taskForbidden, notFound.html]) expect(revealed(page)).toEqual([]);
    expect(genuine.status).toBe(200);
    expect(genuine.html).toContain(a.purchaseId);

    recordCase(context, {
      case: '5b Tampered NGO page link',
      attempts: answers.length + 2,
      expected:
        'the same fixed 403 page as a task link (404 for a well-signed unknown purchase), revealing nothing',
      observed:
        `${answers.length} variants → ${statusCounts(answers.map((x) => x.status))}, ` +
        `${new Set([...answers.map((x) => x.html), taskForbidden]).size} distinct body (shared with task links); ` +
        `unknown signed purchase → ${notFound.status}; ${revealed(answers[0]?.html ?? '').length + revealed(notFound.html).length} facts revealed; genuine link ${genuine.status}`,
    });
  });
});

import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/assembly/local-account.js';
import type { LocalFunction } from '../../infra/local/assembly/model.js';
import { sdkAppIdOf } from '../../infra/local/lambda-runner.js';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import { decide } from '../../infra/local/services/local-iam.js';
import { UsersClient } from '../../infra/local/users.js';
import { runOps } from '../../scripts/ops/run-ops.js';
import { parseLinkKeyring } from '../../shared/links/link-keyring.js';
import { signNgoLink } from '../../shared/links/ngo-link.js';
import { signTaskLink } from '../../shared/links/signing.js';
import type { LinkKeyring } from '../../shared/ports/link-key.js';
import { decideOnce, type Inboxes, type JourneyContext, mailAbout } from '../support/journey.js';
import { useJourneyApp } from '../support/journey-app.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { recordCase } from './case.js';

/**
 * Issue 12 Medium 5: link keys per purpose and least privilege. Each case is an attack on the
 * synthesized app on the local runtime (which holds each function to its role, as AWS does), over
 * HTTP and the AWS APIs only, and what the product does about it.
 */

const TASK_KEYS = 'TaskLinkSigningKeys';
const NGO_KEYS = 'LinkSigningKey';
const chief = TEST_SETTINGS.policy.approval.approvers.SECTION_CHIEF;
const journeyApp = useJourneyApp({ sub: 'officer-keys', email: 'keys.officer@civil-affairs.example.gov.cn' });
let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;
beforeAll(() => {
  ({ app, journey } = journeyApp());
  inboxes = journey.inboxes;
});

/** The app's function (or secret) of a logical id, whatever hash CDK gave it. */
function named<T extends { logicalId: string }>(items: readonly T[], id: string): T {
  const found = items.find((item) => new RegExp(`^${id}[0-9A-F]{8}$`).test(item.logicalId));
  if (!found) throw new Error(`the app has no ${id}`);
  return found;
}

const secretArn = (id: string) => named(app.runtime.app.secrets, id).arn;

/** Secrets Manager as a function calls it (its SDK app id names it), or as the account's operator. */
function secretsManagerAs(fn?: LocalFunction): SecretsManagerClient {
  return new SecretsManagerClient({
    endpoint: app.runtime.urls.secrets,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    ...(fn ? { userAgentAppId: sdkAppIdOf(fn) } : {}),
  });
}

async function keyring(id: string): Promise<LinkKeyring> {
  const client = secretsManagerAs();
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn(id) }));
  client.destroy();
  return parseLinkKeyring(out.SecretString ?? '');
}

/** What GetSecretValue answers a function: its value's length, or the error's name. */
async function readAs(fn: LocalFunction, id: string): Promise<string> {
  const client = secretsManagerAs(fn);
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn(id) }));
    return `read (${out.SecretString?.length ?? 0} chars)`;
  } catch (error) {
    return (error as Error).name;
  } finally {
    client.destroy();
  }
}

const sigOf = (link: string) => new URL(link).searchParams.get('sig') ?? '';
const withSig = (link: string, sig: string) => {
  const url = new URL(link);
  url.searchParams.set('sig', sig);
  return url.toString();
};

/** A purchase waiting for the section chief, and the task link the chief was mailed. */
async function awaitingChief(): Promise<{ purchaseId: string; link: string }> {
  const submitted = await app.users.submit(journey.officer, smallMinorProtectionProposalToday());
  expect(submitted.status).toBe(201);
  const purchaseId = submitted.body.purchaseId as string;
  const ask = await inboxes.next(chief.email, mailAbout(purchaseId), 30_000);
  return { purchaseId, link: UsersClient.linkIn(ask) };
}

let pending: { purchaseId: string; link: string };

describe('12 Medium 5: link keys per purpose and least privilege', () => {
  it('a task link signed with the NGO-link key (all the internet-facing NGO page could leak) is refused and decides nothing', async (context) => {
    pending = await awaitingChief();
    const { purchaseId, link } = pending;
    const taskId = new URL(link).pathname.split('/').pop() ?? '';
    const before = await app.users.purchase(journey.officer, purchaseId);
    const genuine = await app.users.open(link);
    expect(genuine.status).toBe(200);

    // The attacker has the NGO page's key: they sign the task id they learned, with and without
    // a key id (the links mailed before keys had ids carried none).
    const ngoKeys = await keyring(NGO_KEYS);
    const forged = signTaskLink(new URL(link).origin, taskId, ngoKeys);
    const forgedLegacy = withSig(forged, sigOf(forged).replace(/^k\d+\./, ''));
    const answers = [];
    for (const attempt of [forged, forgedLegacy]) {
      answers.push((await app.users.open(attempt)).status);
      answers.push(
        (await app.users.decide(attempt, { nonce: genuine.nonce, decision: 'APPROVE', confirmed: true }))
          .status,
      );
    }
    // And the other way round: the task-link key opens no NGO page.
    const taskKeys = await keyring(TASK_KEYS);
    const exp = new Date(Date.now() + 86_400_000).toISOString();
    const ngoForged = await app.users.open(signNgoLink(new URL(link).origin, purchaseId, exp, taskKeys));
    const after = await app.users.purchase(journey.officer, purchaseId);

    expect(answers).toEqual([403, 403, 403, 403]);
    expect(ngoForged.status).toBe(403);
    expect(after.version).toBe(before.version);
    expect(after.approvals ?? {}).toEqual(before.approvals ?? {});
    expect(sigOf(link)).toMatch(/^k0\./);

    recordCase(context, {
      case: '12-5a Link keys: a task link signed with the NGO key',
      attempts: answers.length + 1,
      expected:
        'the NGO-link key signs no task link (and the task-link key no NGO link): 403, nothing decided',
      observed:
        `task link signed with the NGO key (with its id, and without) GET/POST → ${answers.join(', ')}; ` +
        `NGO link signed with the task key → ${ngoForged.status}; purchase version ${before.version}→${after.version}; ` +
        `genuine link ${genuine.status}, signed ${sigOf(link).slice(0, 3)}…`,
    });
  });

  it('after the task-link key is rotated, a link mailed before still opens, new links carry the new key id, and a made-up id is refused', async (context) => {
    const { purchaseId, link: before } = pending;
    expect((await app.users.open(before)).status).toBe(200);

    const printed: string[] = [];
    const exit = await runOps(
      ['rotate-link-key', 'task', '--data', app.dataDir, '--by', 'resilience'],
      (line) => printed.push(line),
    );
    const rotated = await keyring(TASK_KEYS);
    // A function that read the keys within the last second reads them again for a newer id only after it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const oldLink = await app.users.open(before);
    // My tasks has not run in this file before: its first read of the keys comes after the rotation.
    // (A warm function keeps signing with k0 for up to 10 minutes; that link would still open.)
    const token = await app.users.devToken('chief-keys', ['approver'], chief.email);
    const mine = (await (
      await fetch(`${app.runtime.urls.api}/my/tasks`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { tasks: { purchaseId: string; link: string }[] };
    const fresh = mine.tasks.find((t) => t.purchaseId === purchaseId)?.link ?? '';
    const freshOpened = await app.users.open(fresh);
    // The new key's id on the old key's MAC, and an id no rotation made: refused.
    const relabelled = await app.users.open(withSig(before, sigOf(before).replace(/^k0\./, 'k1.')));
    const madeUp = await app.users.open(withSig(before, sigOf(before).replace(/^k0\./, 'k9.')));
    const decided = await decideOnce(journey, fresh, 'APPROVE', { comment: 'rotated' });
    const approved = await app.users.waitForPurchase(
      journey.officer,
      purchaseId,
      (v) => v.approvals?.SECTION_CHIEF !== undefined,
      { expected: 'the approval through the new link recorded' },
    );

    expect(exit).toBe(0);
    expect(printed.join('\n')).toContain('signed with key k1');
    expect(rotated.currentId).toBe('k1');
    expect([...rotated.keys.keys()]).toEqual(['k0', 'k1']);
    expect(oldLink.status).toBe(200);
    expect(sigOf(fresh)).toMatch(/^k1\./);
    expect(freshOpened.status).toBe(200);
    expect([relabelled.status, madeUp.status]).toEqual([403, 403]);
    expect(decided).toContain('Your decision has been recorded');
    expect(approved.approvals.SECTION_CHIEF?.decision).toBe('APPROVE');

    recordCase(context, {
      case: '12-5b Link keys: rotation keeps outstanding links',
      attempts: 5,
      expected:
        'rotated: the link mailed before opens (k0 kept), new links name k1 and decide; a wrong or made-up id → 403',
      observed:
        `ops rotate-link-key → exit ${exit}, keys ${[...rotated.keys.keys()].join('+')} (current ${rotated.currentId}); ` +
        `link from before → ${oldLink.status}; My tasks link signed ${sigOf(fresh).slice(0, 3)}… → ${freshOpened.status}, approved through it; ` +
        `k0 MAC labelled k1 → ${relabelled.status}; k9 → ${madeUp.status}`,
    });
  });

  it("the NGO page function's role cannot read the task-link keys or write the table: the local runtime refuses it as AWS would", async (context) => {
    const ngoPage = named(app.runtime.app.functions, 'NgoPage');
    const taskLink = named(app.runtime.app.functions, 'TaskLink');
    const reads = {
      ngoPageTaskKeys: await readAs(ngoPage, TASK_KEYS),
      ngoPageNgoKeys: await readAs(ngoPage, NGO_KEYS),
      taskLinkNgoKeys: await readAs(taskLink, NGO_KEYS),
      taskLinkTaskKeys: await readAs(taskLink, TASK_KEYS),
    };
    const table = named(app.runtime.app.tables, 'Records').tableName;
    const tableArn = `arn:aws:dynamodb:${LOCAL_REGION}:000000000000:table/${table}`;
    const role = ngoPage.permissions ?? [];
    const writes = ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'BatchWriteItem'].map((a) =>
      decide(role, { action: `dynamodb:${a}`, resource: tableArn }),
    );
    // Its own work still goes: the NGO's page of a purchase (a made-up purchase id, signed: 404, not 403).
    const ngoKeys = await keyring(NGO_KEYS);
    const origin = new URL(pending.link).origin;
    const exp = new Date(Date.now() + 86_400_000).toISOString();
    const page = await app.users.open(
      signNgoLink(origin, `PUR-2026-${randomBytes(8).toString('hex').toUpperCase()}`, exp, ngoKeys),
    );

    expect(reads).toEqual({
      ngoPageTaskKeys: 'AccessDeniedException',
      ngoPageNgoKeys: expect.stringMatching(/^read/),
      taskLinkNgoKeys: 'AccessDeniedException',
      taskLinkTaskKeys: expect.stringMatching(/^read/),
    });
    expect(writes.every((d) => d === 'IMPLICIT_DENY')).toBe(true);
    expect(decide(role, { action: 'dynamodb:GetItem', resource: tableArn })).toBe('ALLOW');
    expect(page.status).toBe(404);

    recordCase(context, {
      case: '12-5c Link keys: least privilege of the NGO page',
      attempts: 4 + writes.length + 1,
      expected:
        'NgoPage may read only the NGO-link keys and only read the table; TaskLink only the task-link keys',
      observed:
        `GetSecretValue as NgoPage: task keys → ${reads.ngoPageTaskKeys}, NGO keys → ${reads.ngoPageNgoKeys}; ` +
        `as TaskLink: NGO keys → ${reads.taskLinkNgoKeys}, task keys → ${reads.taskLinkTaskKeys}; ` +
        `NgoPage role on the table: ${writes.length} write actions ${[...new Set(writes)].join('/')}, GetItem allowed; ` +
        `a signed NGO link to an unknown purchase → ${page.status}`,
    });
  });
});

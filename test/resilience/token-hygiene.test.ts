import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/assembly/local-account.js';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from '../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../infra/local/users.js';
import { Inboxes, type JourneyContext, midtermDueSoon, newTrace, playPurchase } from '../support/journey.js';
import { type LocalAppUnderTest, startLocalApp } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { recordCase } from './case.js';

/**
 * Case 6: a full run of the product (one purchase to CLOSED, one rejected) and then a scan of
 * everything people or operators get to see: every e-mail (text and HTML), every page and API
 * answer the users received, every log line of the runtime and of the functions. None may
 * contain a task token, the link-signing key or the secret the presigned POSTs are signed with.
 */

interface Secret {
  readonly what: string;
  readonly value: string;
}

/** A secret and the forms it could leak in: as is, URL-encoded, and base64 of its bytes. */
function formsOf(secret: Secret): Secret[] {
  const forms = new Set([
    secret.value,
    encodeURIComponent(secret.value),
    Buffer.from(secret.value).toString('base64'),
    Buffer.from(secret.value).toString('base64url'),
  ]);
  // A cut-off copy is a leak too: the first 24 characters are enough to find one.
  if (secret.value.length > 32) forms.add(secret.value.slice(0, 24));
  return [...forms].map((value) => ({ what: secret.what, value }));
}

describe('6 Token hygiene', () => {
  let app: LocalAppUnderTest;
  const logLines: string[] = [];

  beforeAll(async () => {
    app = await startLocalApp({ log: (line) => logLines.push(line) });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('no task token, link key or signing secret in any e-mail, page, API answer or log line of a full run', async (context) => {
    const sendTaskSuccess = vi.spyOn(app.runtime.stepFunctions, 'sendTaskSuccess');
    const inboxes = new Inboxes(() => app.runtime.urls.mailbox);
    inboxes.start();
    const trace = newTrace();
    const officer = await app.users.devToken(
      'officer-wang',
      ['officer'],
      'wang.officer@civil-affairs.example.gov.cn',
    );
    const ctx: JourneyContext = {
      users: () => app.users,
      inboxes,
      officer,
      settings: TEST_SETTINGS,
      trace,
    };
    try {
      const closed = await playPurchase(ctx, midtermDueSoon(largeElderlyCareProposalToday()));
      expect(closed.stage).toBe('CLOSED');

      // The reject path mails and pages too.
      const refused = await app.users.submit(officer, smallMinorProtectionProposalToday());
      const refusedId = String(refused.body.purchaseId);
      trace.bodies.push(JSON.stringify(refused.body));
      const chief = TEST_SETTINGS.policy.approval.approvers.SECTION_CHIEF.email;
      const ask = await inboxes.next(chief, (m) => (m.body.text ?? '').includes(refusedId));
      const link = UsersClient.linkIn(ask);
      const page = await app.users.open(link);
      const rejected = await app.users.decide(link, {
        nonce: page.nonce,
        decision: 'REJECT',
        comment: 'No.',
      });
      trace.bodies.push(page.html, rejected.html, (await app.users.open(link)).html);
      const ended = await app.users.waitForStage(officer, refusedId, ['REJECTED']);
      trace.bodies.push(JSON.stringify(ended));
      await inboxes.next('wang.officer@civil-affairs.example.gov.cn', (m) =>
        (m.body.text ?? '').includes(refusedId),
      );
    } finally {
      inboxes.stop();
    }

    // Every task token the engine handed out that reached the product: the ones stored with
    // the tasks and waits in DynamoDB, and the ones the functions sent back.
    const tokens = new Set<string>(sendTaskSuccess.mock.calls.map(([call]) => call.taskToken));
    const db = new DynamoDBClient({
      endpoint: app.runtime.urls.dynamodb,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    for (const table of app.runtime.app.tables) {
      for await (const page of paginateScan({ client: db }, { TableName: table.tableName })) {
        for (const item of page.Items ?? []) {
          const token = item.taskToken?.S;
          if (token) tokens.add(token);
        }
      }
    }
    db.destroy();
    const storedSecrets = JSON.parse(readFileSync(join(app.dataDir, 'secrets.json'), 'utf8')) as Record<
      string,
      { secretString: string }
    >;
    const secrets: Secret[] = [
      ...[...tokens].map((value) => ({ what: 'task token', value })),
      ...Object.values(storedSecrets).map((s) => ({ what: 'link-signing key', value: s.secretString })),
      { what: 'S3 signing secret', value: LOCAL_CREDENTIALS.secretAccessKey },
    ].flatMap(formsOf);

    const mails = await app.users.mails();
    const places: { where: string; text: string }[] = [
      ...mails.flatMap((m) => [
        { where: `mail "${m.subject}" text`, text: `${m.subject}\n${m.body.text ?? ''}` },
        { where: `mail "${m.subject}" html`, text: m.body.html ?? '' },
      ]),
      ...trace.bodies.map((text, i) => ({ where: `answer #${i}`, text })),
      ...logLines.map((text, i) => ({ where: `log line #${i}`, text })),
    ];
    const leaksIn = (where: readonly { where: string; text: string }[]) =>
      where.flatMap((place) =>
        secrets.filter((s) => place.text.includes(s.value)).map((s) => `${s.what} in ${place.where}`),
      );
    const leaks = leaksIn(places);
    // The scan finds a planted copy of each kind of secret, so an empty result means something.
    const planted = [...tokens][0] ?? '';
    expect(leaksIn([{ where: 'planted', text: `a link ?t=${encodeURIComponent(planted)}` }])).not.toEqual([]);
    expect(leaksIn([{ where: 'planted', text: LOCAL_CREDENTIALS.secretAccessKey }])).not.toEqual([]);

    // The scan is only worth something if it saw the whole run and knew the secrets.
    expect(tokens.size).toBeGreaterThanOrEqual(10);
    expect(mails.length).toBeGreaterThanOrEqual(15);
    expect(trace.bodies.length).toBeGreaterThanOrEqual(30);
    expect(logLines.length).toBeGreaterThan(0);
    expect(leaks).toEqual([]);

    recordCase(context, {
      case: '6 Token hygiene',
      attempts: 2,
      expected: 'no task token, link key or signing secret in any mail, page, API answer or log line',
      observed: `${leaks.length} leaks: ${tokens.size} tokens, link key and S3 secret searched in ${mails.length} mails, ${trace.bodies.length} answers, ${logLines.length} log lines`,
    });
  }, 180_000);
});

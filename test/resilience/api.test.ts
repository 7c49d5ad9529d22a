import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_TOKEN_LIFETIME_SECONDS } from '../../infra/local/dev-auth.js';
import { MAX_BODY_BYTES } from '../../infra/local/http-api.js';
import { MAX_SYNC_REQUEST_BYTES } from '../../infra/local/lambda-limits.js';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from '../../infra/local/samples/live-proposals.js';
import { type MailboxMail, UsersClient } from '../../infra/local/users.js';
import { expectedCheckCharacter } from '../../shared/domain/credit-code.js';
import type { FieldError } from '../../shared/domain/errors.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import { escapeHtml } from '../../shared/presentation/html.js';
import {
  approveAllLevels,
  type LocalAppUnderTest,
  localDocumentClient,
  startLocalApp,
} from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { recordCase } from './case.js';

/**
 * Cases 7 (staff API access) and 8 (bad input) of the resilience suite, against the local
 * runtime over HTTP. The bad-input cases run first, while nothing else is going on, so "nothing
 * stored" can be measured as every item of the table, every execution and every mail.
 */

const settings = TEST_SETTINGS;
const chief = settings.policy.approval.approvers.SECTION_CHIEF.email;
let app: LocalAppUnderTest;
let officer: string;
let db: DynamoDBDocumentClient;
const seen = new Set<string>();

beforeAll(async () => {
  app = await startLocalApp();
  officer = await app.users.devToken(
    'officer-chen',
    ['officer'],
    'chen.officer@civil-affairs.example.gov.cn',
  );
  db = localDocumentClient(app.runtime.urls.dynamodb);
}, 180_000);

afterAll(async () => {
  db?.destroy();
  await app?.stop();
});

const api = (path: string) => `${app.runtime.urls.api}${path}`;
const tableName = () => {
  const [table] = app.runtime.app.tables;
  if (!table) throw new Error('the app has no table');
  return table.tableName;
};

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function request(method: string, path: string, init: { body?: string; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(api(path), { method, headers, body: init.body });
  return { status: res.status, text: await res.text(), headers: res.headers } satisfies Answer;
}

/** What "nothing stored" is measured by: every item, purchase, execution and mail there is. */
interface Stored {
  items: number;
  purchases: number;
  executions: number;
  mails: number;
}

async function countItems(filter?: { expression: string; values: Record<string, unknown> }) {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName(),
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ...(filter ? { FilterExpression: filter.expression, ExpressionAttributeValues: filter.values } : {}),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

async function stored(): Promise<Stored> {
  let executions = 0;
  for (const machine of app.runtime.app.stateMachines) {
    let nextToken: string | undefined;
    do {
      const page = await app.runtime.stepFunctions.listExecutions({
        stateMachineArn: machine.arn,
        maxResults: 1000,
        ...(nextToken ? { nextToken } : {}),
      });
      executions += page.executions.length;
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return {
    items: await countItems(),
    purchases: await countItems({
      expression: 'begins_with(PK, :purchase) AND SK = :meta',
      values: { ':purchase': 'PURCHASE#', ':meta': 'META' },
    }),
    executions,
    mails: (await app.users.mails()).length,
  };
}

const wrongCheckDigit = (code: string): string => {
  const right = expectedCheckCharacter(code.slice(0, 17));
  return `${code.slice(0, 17)}${right === '0' ? '1' : '0'}`;
};

// Case 8: bad input

interface Refusal {
  status: number;
  message: string;
  errors: FieldError[];
  bytes: number;
}

async function submitRaw(body: string): Promise<Refusal> {
  const answer = await request('POST', '/purchases', { body, token: officer });
  let parsed: { message?: string; errors?: FieldError[] } = {};
  try {
    parsed = JSON.parse(answer.text) as typeof parsed;
  } catch {
    // A body that is not JSON fails the assertions below.
  }
  return {
    status: answer.status,
    message: parsed.message ?? '',
    errors: parsed.errors ?? [],
    bytes: Buffer.byteLength(answer.text),
  };
}

/**
 * Posts each body and checks each answer is a 400 that names the expected fields, with the rule
 * broken, a sentence and what is allowed; and that nothing at all was stored, started or mailed.
 */
async function expectRefused(
  attempts: { body: string; expect: { field: string; rule: string }[] }[],
): Promise<{ statuses: number[]; named: number; wanted: number; stored: Stored; storedAfter: Stored }> {
  const before = await stored();
  const statuses: number[] = [];
  let named = 0;
  let wanted = 0;
  for (const attempt of attempts) {
    const answer = await submitRaw(attempt.body);
    statuses.push(answer.status);
    expect(answer.status, attempt.body.slice(0, 200)).toBe(400);
    expect(answer.message).not.toBe('');
    for (const wantedError of attempt.expect) {
      wanted++;
      const found = answer.errors.find((e) => e.field === wantedError.field && e.rule === wantedError.rule);
      expect(
        found,
        `${wantedError.field} ${wantedError.rule} in ${JSON.stringify(answer.errors)}`,
      ).toBeDefined();
      expect(found?.message.length).toBeGreaterThan(5);
      expect(found?.allowed?.length, `allowed for ${wantedError.field}`).toBeGreaterThan(2);
      named++;
    }
  }
  const after = await stored();
  expect(after).toEqual(before);
  return { statuses, named, wanted, stored: before, storedAfter: after };
}

function refusalObserved(r: Awaited<ReturnType<typeof expectRefused>>): string {
  const counts = (s: Stored) => `${s.items} items/${s.executions} executions/${s.mails} mails`;
  const statuses = [...new Set(r.statuses)].join(',');
  return `${r.statuses.length}× ${statuses}; ${r.named}/${r.wanted} fields named with rule and allowed; ${counts(r.stored)} before, ${counts(r.storedAfter)} after`;
}

const NOTHING_STORED = '400 naming field, rule and what is allowed; nothing stored, started or mailed';

describe('8 Bad input: POST /purchases refuses it with a 400 that names the field, and stores nothing', () => {
  it('8a malformed JSON is a 400 that says the body is not JSON and where, nothing stored', async (ctx) => {
    const bodies = ['{"title": "养老服务"', "{'title': '养老服务'}", '{"title": "养老服务",}', ''];
    const result = await expectRefused(
      bodies.map((body) => ({
        body,
        expect: [{ field: '(body)', rule: body === '' ? 'body-required' : 'json-syntax' }],
      })),
    );
    recordCase(ctx, {
      case: '8a Bad input: malformed JSON',
      attempts: bodies.length,
      expected: NOTHING_STORED,
      observed: refusalObserved(result),
    });
  });

  it('8b wrong types are each named with what was expected, nothing stored', async (ctx) => {
    const p = largeElderlyCareProposalToday();
    const wrong = {
      ...p,
      totalFen: '48000000',
      term: '2026-01-01/2026-12-31',
      staffPlan: [{ ...p.staffPlan[0], headcount: '1' }],
      deliverables: { kind: 'FINAL_REPORT' },
      ngo: { ...p.ngo, name: 42 },
    };
    const result = await expectRefused([
      {
        body: JSON.stringify(wrong),
        expect: [
          { field: 'totalFen', rule: 'schema-invalid-type' },
          { field: 'term', rule: 'schema-invalid-type' },
          { field: 'staffPlan[0].headcount', rule: 'schema-invalid-type' },
          { field: 'deliverables', rule: 'schema-invalid-type' },
          { field: 'ngo.name', rule: 'schema-invalid-type' },
        ],
      },
      { body: '[]', expect: [{ field: '(body)', rule: 'schema-invalid-type' }] },
      { body: '"养老服务"', expect: [{ field: '(body)', rule: 'schema-invalid-type' }] },
    ]);
    recordCase(ctx, {
      case: '8b Bad input: wrong types',
      attempts: 3,
      expected: NOTHING_STORED,
      observed: refusalObserved(result),
    });
  });

  it('8c unknown fields, top level and nested, are each named with the known fields, nothing stored', async (ctx) => {
    const p = largeElderlyCareProposalToday();
    const withUnknown = {
      ...p,
      approvedBy: 'myself',
      ngo: { ...p.ngo, legalRepresentative: '张三' },
      term: { ...p.term, extendedTo: '2030-12-31' },
      budgetLines: [{ ...p.budgetLines[0], note: '加急' }, ...p.budgetLines.slice(1)],
    };
    const result = await expectRefused([
      {
        body: JSON.stringify(withUnknown),
        expect: [
          { field: 'approvedBy', rule: 'schema-unknown-field' },
          { field: 'ngo.legalRepresentative', rule: 'schema-unknown-field' },
          { field: 'term.extendedTo', rule: 'schema-unknown-field' },
          { field: 'budgetLines[0].note', rule: 'schema-unknown-field' },
        ],
      },
    ]);
    recordCase(ctx, {
      case: '8c Bad input: unknown fields',
      attempts: 1,
      expected: NOTHING_STORED,
      observed: refusalObserved(result),
    });
  });

  it("8d a body just under Lambda's 6 MB (a huge title) is a 400 naming the title and its maximum, in a short answer", async (ctx) => {
    const p = largeElderlyCareProposalToday();
    const frame = JSON.stringify({ ...p, title: '' });
    // Room for the rest of the API Gateway event (headers, the token, the request context).
    const body = JSON.stringify({
      ...p,
      title: 'x'.repeat(MAX_SYNC_REQUEST_BYTES - 16 * 1024 - frame.length),
    });
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_SYNC_REQUEST_BYTES);
    const before = await stored();
    const answer = await submitRaw(body);
    const after = await stored();
    expect(answer.status).toBe(400);
    const title = answer.errors.find((e) => e.field === 'title');
    expect(title).toMatchObject({ rule: 'schema-too-big', allowed: 'at most 200 characters' });
    // The refusal must not echo the text back: Lambda answers at most 6 MB, and nobody needs it.
    expect(answer.bytes).toBeLessThan(4096);
    expect(after).toEqual(before);
    recordCase(ctx, {
      case: '8d Bad input: 6 MB body',
      attempts: 1,
      expected: '400 naming title and its maximum, short answer; nothing stored',
      observed: `${Buffer.byteLength(body)} B (limit ${MAX_BODY_BYTES}) → ${answer.status} ${title?.field} "${title?.allowed}", answer ${answer.bytes} B; items ${before.items}→${after.items}, executions ${before.executions}→${after.executions}, mails ${before.mails}→${after.mails}`,
    });
  });

  it.for([
    {
      id: '8e',
      title: 'x'.repeat(MAX_BODY_BYTES),
      what: 'body over 10 MB',
      expected: '413 like API Gateway; nothing stored',
    },
    {
      id: '8k',
      title: 'x'.repeat(MAX_SYNC_REQUEST_BYTES),
      what: "body over Lambda's 6 MB",
      expected: '413: Lambda refuses a request over 6 MB, so no function sees it; nothing stored',
    },
  ])(
    '$id a $what is refused with 413 before any function runs, nothing stored',
    async ({ id, title, what, expected }, ctx) => {
      const body = JSON.stringify({ ...largeElderlyCareProposalToday(), title });
      const before = await stored();
      const answer = await request('POST', '/purchases', { body, token: officer });
      const after = await stored();
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text)).toEqual({ message: 'Request Entity Too Large' });
      expect(after).toEqual(before);
      recordCase(ctx, {
        case: `${id} Bad input: ${what}`,
        attempts: 1,
        expected,
        observed: `${Buffer.byteLength(body)} B → ${answer.status} ${JSON.parse(answer.text).message}; items ${before.items}→${after.items}, executions ${before.executions}→${after.executions}`,
      });
    },
  );

  it('8f negative and fractional fen are named as whole non-negative fen, nothing stored', async (ctx) => {
    const p = largeElderlyCareProposalToday();
    const [line0, ...lines] = p.budgetLines as [Proposal['budgetLines'][number], ...Proposal['budgetLines']];
    const [staff0, ...staff] = p.staffPlan as [Proposal['staffPlan'][number], ...Proposal['staffPlan']];
    const result = await expectRefused([
      {
        body: JSON.stringify({
          ...p,
          budgetLines: [{ ...line0, amountFen: -100 }, ...lines],
          staffPlan: [{ ...staff0, monthlySocialWelfareFen: -1 }, ...staff],
        }),
        expect: [
          { field: 'budgetLines[0].amountFen', rule: 'schema-too-small' },
          { field: 'staffPlan[0].monthlySocialWelfareFen', rule: 'schema-too-small' },
        ],
      },
      {
        body: JSON.stringify({ ...p, totalFen: -48_000_000 }),
        expect: [{ field: 'totalFen', rule: 'schema-too-small' }],
      },
      {
        body: JSON.stringify({
          ...p,
          totalFen: p.totalFen + 0.5,
          budgetLines: [{ ...line0, amountFen: line0.amountFen + 0.5 }, ...lines],
          staffPlan: [{ ...staff0, monthlySalaryFen: 950_000.25 }, ...staff],
        }),
        expect: [
          { field: 'totalFen', rule: 'money-integer-fen' },
          { field: 'budgetLines[0].amountFen', rule: 'money-integer-fen' },
          { field: 'staffPlan[0].monthlySalaryFen', rule: 'money-integer-fen' },
        ],
      },
    ]);
    recordCase(ctx, {
      case: '8f Bad input: negative or fractional fen',
      attempts: 3,
      expected: NOTHING_STORED,
      observed: refusalObserved(result),
    });
  });

  it('8g a 0-yuan budget is named, nothing stored', async (ctx) => {
    const p = largeElderlyCareProposalToday();
    const result = await expectRefused([
      {
        body: JSON.stringify({
          ...p,
          totalFen: 0,
          budgetLines: p.budgetLines.map((l) => ({ ...l, amountFen: 0 })),
        }),
        expect: [{ field: 'totalFen', rule: 'schema-too-small' }],
      },
    ]);
    recordCase(ctx, {
      case: '8g Bad input: 0-yuan budget',
      attempts: 1,
      expected: NOTHING_STORED,
      observed: refusalObserved(result),
    });
  });

  it('8h a term ending before it starts is named, nothing stored', async (ctx) => {
    const p = largeElderlyCareProposalToday();
    const result = await expectRefused([
      {
        body: JSON.stringify({ ...p, term: { start: p.term.end, end: p.term.start } }),
        expect: [{ field: 'term.end', rule: 'term-end-after-start' }],
      },
    ]);
    recordCase(ctx, {
      case: '8h Bad input: end before start',
      attempts: 1,
      expected: NOTHING_STORED,
      observed: refusalObserved(result),
    });
  });

  it('8i a credit code with a wrong check digit is named, nothing stored', async (ctx) => {
    const p = largeElderlyCareProposalToday();
    const result = await expectRefused([
      {
        body: JSON.stringify({ ...p, ngo: { ...p.ngo, creditCode: wrongCheckDigit(p.ngo.creditCode) } }),
        expect: [{ field: 'ngo.creditCode', rule: 'credit-code-check-digit' }],
      },
    ]);
    recordCase(ctx, {
      case: '8i Bad input: credit code check digit',
      attempts: 1,
      expected: NOTHING_STORED,
      observed: refusalObserved(result),
    });
  });
});

// Case 8: markup and code in free text

const INJECTIONS = [
  "'); DROP TABLE purchases;--",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{7*7}}',
  // Written apart so no template literal could ever evaluate it.
  '$' + '{7*7}',
];

/** Every free-text field of a proposal (serviceItem is a catalogue code, the rest have formats). */
const FREE_TEXT_FIELDS = [
  'title',
  'district',
  'purchasingUnit',
  'ngo.name',
  'budgetLines[0].item',
  'staffPlan[0].role',
  'deliverables[0].description',
  'justification',
] as const;
type FreeTextField = (typeof FREE_TEXT_FIELDS)[number];

/** The text put into one field: the field's name first, so a page can be searched for each. */
const injected = (field: FreeTextField, payload: string) => `[${field}] ${payload}`;

function proposalWith(payload: string): Proposal {
  const p = smallMinorProtectionProposalToday();
  const [line0, ...lines] = p.budgetLines as [Proposal['budgetLines'][number], ...Proposal['budgetLines']];
  const [staff0, ...staff] = p.staffPlan as [Proposal['staffPlan'][number], ...Proposal['staffPlan']];
  const [due0, ...due] = p.deliverables as [Proposal['deliverables'][number], ...Proposal['deliverables']];
  const text = (field: FreeTextField) => injected(field, payload);
  return {
    ...p,
    title: text('title'),
    district: text('district'),
    purchasingUnit: text('purchasingUnit'),
    ngo: { ...p.ngo, name: text('ngo.name') },
    budgetLines: [{ ...line0, item: text('budgetLines[0].item') }, ...lines],
    staffPlan: [{ ...staff0, role: text('staffPlan[0].role') }, ...staff],
    deliverables: [{ ...due0, description: text('deliverables[0].description') }, ...due],
    justification: text('justification'),
  };
}

/**
 * How one HTML document shows the injected fields: which fields appear escaped, and any raw
 * markup from the input (a `<script` or `<img` tag, or a field's text unescaped).
 */
function renderedFields(html: string, payload: string) {
  const escaped: FreeTextField[] = [];
  const raw: string[] = [];
  for (const field of FREE_TEXT_FIELDS) {
    const text = injected(field, payload);
    if (html.includes(escapeHtml(text))) escaped.push(field);
    if (escapeHtml(text) !== text && html.includes(text)) raw.push(field);
  }
  for (const tag of html.match(/<script|<img/gi) ?? []) raw.push(tag);
  return { escaped, raw };
}

const mentions = (purchaseId: string) => (m: MailboxMail) => (m.body.text ?? '').includes(purchaseId);

describe('8 Bad input: SQL, HTML and template text in every free-text field', () => {
  it('8j is accepted, stored verbatim, and rendered escaped in the approval page and e-mail', async (ctx) => {
    const before = await stored();
    const results = await Promise.all(
      INJECTIONS.map(async (payload) => {
        const proposal = proposalWith(payload);
        const submitted = await app.users.submit(officer, proposal);
        expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
        const purchaseId = String(submitted.body.purchaseId);

        // Stored as text: the whole proposal in the table, and what the API shows of it.
        const item = await db.send(
          new GetCommand({ TableName: tableName(), Key: { PK: `PURCHASE#${purchaseId}`, SK: 'META' } }),
        );
        expect(item.Item?.proposal).toEqual(proposal);
        const view = (await app.users.purchase(officer, purchaseId)) as unknown as {
          title: string;
          ngo: { name: string };
        };
        expect([view.title, view.ngo.name]).toEqual([proposal.title, proposal.ngo.name]);

        // Rendered escaped: the approval e-mail and the page its link opens.
        const mail = await app.users.waitForMail(chief, mentions(purchaseId), seen);
        const inMail = renderedFields(mail.body.html ?? '', payload);
        const page = await app.users.open(UsersClient.linkIn(mail));
        expect(page.status).toBe(200);
        const inPage = renderedFields(page.html, payload);
        expect(inMail.raw, `raw markup in the e-mail for ${payload}`).toEqual([]);
        expect(inPage.raw, `raw markup in the page for ${payload}`).toEqual([]);
        expect(inMail.escaped).toContain('title');
        expect(inPage.escaped).toEqual(
          expect.arrayContaining(['title', 'district', 'purchasingUnit', 'ngo.name', 'justification']),
        );
        return { storedFields: FREE_TEXT_FIELDS.length, inMail, inPage };
      }),
    );
    const after = await stored();
    // The counters that showed nothing stored above do see what an accepted proposal stores.
    expect(after.purchases).toBe(before.purchases + INJECTIONS.length);
    expect(after.items).toBeGreaterThan(before.items);

    const sum = (f: (r: (typeof results)[number]) => number) => results.reduce((n, r) => n + f(r), 0);
    recordCase(ctx, {
      case: '8j Bad input: SQL/HTML/script text',
      attempts: INJECTIONS.length,
      expected: '201; stored verbatim; escaped in page and e-mail, no raw tag',
      observed: `${results.length}/${INJECTIONS.length} 201; ${sum((r) => r.storedFields)} fields verbatim in the table; page ${sum((r) => r.inPage.escaped.length)} escaped, ${sum((r) => r.inPage.raw.length)} raw; e-mail ${sum((r) => r.inMail.escaped.length)} escaped, ${sum((r) => r.inMail.raw.length)} raw; purchases ${before.purchases}→${after.purchases}`,
    });
  }, 60_000);
});

// Case 7: staff API access

describe('7 Staff API access', () => {
  /** Two purchases of two NGOs at contracting, each with its NGO page link. */
  const purchases: { purchaseId: string; title: string; ngoName: string; ngoLink: string }[] = [];
  let approvalLink: string;
  let proposalBody: string;

  beforeAll(async () => {
    const proposals = [
      smallMinorProtectionProposalToday(),
      { ...smallMinorProtectionProposalToday(), ngo: largeElderlyCareProposalToday().ngo },
    ];
    proposalBody = JSON.stringify(proposals[0]);
    for (const proposal of proposals) {
      const submitted = await app.users.submit(officer, proposal);
      expect(submitted.status).toBe(201);
      const purchaseId = String(submitted.body.purchaseId);
      await approveAllLevels(app.users, officer, purchaseId, seen);
      const mail = await app.users.waitForMail(
        proposal.ngo.contactEmail,
        UsersClient.asksNgoToUpload(purchaseId),
        seen,
      );
      purchases.push({
        purchaseId,
        title: proposal.title,
        ngoName: proposal.ngo.name,
        ngoLink: UsersClient.ngoLinkIn(mail),
      });
    }
    const first = purchases[0]?.purchaseId ?? '';
    const approval = (await app.users.mails()).find(
      (m) => m.destination.to.includes(chief) && mentions(first)(m),
    );
    if (!approval) throw new Error('no approval mail');
    approvalLink = UsersClient.linkIn(approval);
  }, 120_000);

  const target = () => purchases[0]?.purchaseId ?? '';

  /** One request per staff route of the app (every route behind the JWT authorizer). */
  function staffProbes(query = '') {
    const routes = app.runtime.app.routes.filter((r) => r.authorizer.kind === 'jwt');
    return routes.map((r) => ({
      route: `${r.method} ${r.path}`,
      method: r.method,
      path: `${r.path.replace(/\{[^}]+\}/g, target())}${query}`,
      body: r.method === 'POST' ? proposalBody : undefined,
    }));
  }

  /** What a staff purchase looks like, to prove a refused request changed nothing. */
  async function snapshot() {
    const view = await app.users.purchase(officer, target());
    const { purchases: count } = await stored();
    return { purchases: count, version: view.version, audit: view.audit.length };
  }

  /**
   * Sends every staff probe with each credential and expects `status` from all of them;
   * returns the statuses seen and whether anything changed.
   */
  async function probeAll(
    credentials: { name: string; token?: string; query?: string }[],
    status: number,
  ): Promise<{ statuses: number[]; requests: number; unchanged: boolean; routes: string[] }> {
    const before = await snapshot();
    const statuses: number[] = [];
    const routes = new Set<string>();
    for (const credential of credentials) {
      for (const probe of staffProbes(credential.query)) {
        routes.add(probe.route);
        const init = {
          ...(probe.body ? { body: probe.body } : {}),
          ...(credential.token !== undefined ? { token: credential.token } : {}),
        };
        const answer = await request(probe.method, probe.path, init);
        statuses.push(answer.status);
        expect(answer.status, `${credential.name} on ${probe.route}: ${answer.text}`).toBe(status);
        if (status === 401) {
          expect(JSON.parse(answer.text)).toEqual({ message: 'Unauthorized' });
          expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
        } else {
          expect(answer.text).not.toContain(target());
        }
      }
    }
    const after = await snapshot();
    expect(after).toEqual(before);
    return { statuses, requests: statuses.length, unchanged: true, routes: [...routes] };
  }

  const probeObserved = (r: Awaited<ReturnType<typeof probeAll>>) =>
    `${r.requests} requests on ${r.routes.join(', ')} → ${[...new Set(r.statuses)].join(',')}; nothing changed`;

  it('the staff routes are the console API (every JWT route is probed below), and a staff token passes them', async () => {
    expect(
      staffProbes()
        .map((p) => p.route)
        .sort(),
    ).toEqual([
      'GET /finance/tranches',
      'GET /me',
      'GET /my/delegations',
      'GET /my/tasks',
      'GET /ngos/{creditCode}',
      'GET /proposal-options',
      'GET /purchases',
      'GET /purchases/{id}',
      'GET /purchases/{id}/documents/{uploadId}',
      'GET /reference-data',
      'POST /my/delegations',
      'POST /my/delegations/{id}/end',
      'POST /purchases',
      'POST /purchases/{id}/amendments',
      'POST /purchases/{id}/resend-link',
      'POST /purchases/{id}/tranches/{tranche}/transfers/{seq}/correction',
      'POST /purchases/{id}/tranches/{tranche}/waive',
      'POST /purchases/{id}/withdraw',
      'PUT /purchases/{id}/proposal',
      'PUT /reference-data/{section}',
    ]);
    const answer = await request('GET', `/purchases/${target()}`, { token: officer });
    expect(answer.status).toBe(200);
  });

  it('7a no token, an empty bearer or another scheme: 401 on every staff route', async (ctx) => {
    const result = await probeAll([{ name: 'no token' }, { name: 'empty bearer', token: '' }], 401);
    const basic = await fetch(api(`/purchases/${target()}`), {
      headers: { authorization: `Basic ${Buffer.from('officer:secret').toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    recordCase(ctx, {
      case: '7a Staff API: no token',
      attempts: result.requests + 1,
      expected: '401, nothing changed',
      observed: `${probeObserved(result)}; Basic auth → ${basic.status}`,
    });
  });

  it('7b an expired token signed by the issuer: 401 on every staff route', async (ctx) => {
    const now = Math.floor(Date.now() / 1000);
    const { token } = await app.runtime.devIssuer.issueToken({
      sub: 'officer-chen',
      roles: ['officer'],
      issuedAt: now - DEV_TOKEN_LIFETIME_SECONDS - 60,
    });
    const exp = decodeJwt(token).exp ?? Number.POSITIVE_INFINITY;
    expect(exp).toBeLessThan(now);
    const result = await probeAll([{ name: 'expired', token }], 401);
    recordCase(ctx, {
      case: '7b Staff API: expired token',
      attempts: result.requests,
      expected: '401, nothing changed',
      observed: `expired ${now - exp} s ago: ${probeObserved(result)}`,
    });
  });

  it('7c a token signed by another key, unsigned, or with its claims changed: 401 on every staff route', async (ctx) => {
    const genuine = await app.users.devToken('ngo-humiao', ['ngo']);
    const header = decodeProtectedHeader(genuine);
    const claims = decodeJwt(genuine);
    const staffClaims = { ...claims, roles: ['officer'] };
    const { privateKey } = await generateKeyPair('RS256');
    const otherKey = await new SignJWT(staffClaims)
      .setProtectedHeader({ ...header, alg: 'RS256' })
      .sign(privateKey);
    const unsigned = new UnsecuredJWT(staffClaims).encode();
    const [head, , signature] = genuine.split('.');
    const altered = `${head}.${Buffer.from(JSON.stringify(staffClaims)).toString('base64url')}.${signature}`;
    const result = await probeAll(
      [
        { name: 'other key', token: otherKey },
        { name: 'alg none', token: unsigned },
        { name: 'claims changed', token: altered },
      ],
      401,
    );
    recordCase(ctx, {
      case: '7c Staff API: wrongly signed token',
      attempts: result.requests,
      expected: '401, nothing changed',
      observed: `other key, alg none, changed claims: ${probeObserved(result)}`,
    });
  });

  it('7d a token for another audience or from another issuer: 401 on every staff route', async (ctx) => {
    const issuer = app.runtime.devIssuer;
    const otherAudience = (
      await issuer.issueToken({ sub: 'officer-chen', roles: ['officer'], audience: 'payroll-api' })
    ).token;
    const otherIssuer = (
      await issuer.issueToken({
        sub: 'officer-chen',
        roles: ['officer'],
        issuer: 'https://login.example.com',
      })
    ).token;
    expect(decodeJwt(otherIssuer).iss).toBe('https://login.example.com');
    const result = await probeAll(
      [
        { name: 'other audience', token: otherAudience },
        { name: 'other issuer', token: otherIssuer },
      ],
      401,
    );
    recordCase(ctx, {
      case: '7d Staff API: other audience/issuer',
      attempts: result.requests,
      expected: '401, nothing changed',
      observed: probeObserved(result),
    });
  });

  it('7e a valid NGO or evaluator token: 403 on every staff route', async (ctx) => {
    const ngoToken = await app.users.devToken('ngo-humiao', ['ngo'], 'office@humiao-children.example.org');
    const evaluatorToken = await app.users.devToken('agency-1', ['evaluator'], 'eval@agency.example.org');
    const result = await probeAll(
      [
        { name: 'NGO role', token: ngoToken },
        { name: 'evaluator role', token: evaluatorToken },
      ],
      403,
    );
    recordCase(ctx, {
      case: '7e Staff API: NGO/evaluator role',
      attempts: result.requests,
      expected: '403, nothing changed',
      observed: probeObserved(result),
    });
  });

  it('7f an NGO page link or a task link used as a staff credential: 401 (not a token at all)', async (ctx) => {
    const ngo = new URL(purchases[0]?.ngoLink ?? '');
    const task = new URL(approvalLink);
    const result = await probeAll(
      [
        { name: 'NGO link exp&sig as query', query: ngo.search },
        { name: 'NGO link sig as bearer', token: ngo.searchParams.get('sig') ?? '' },
        { name: 'NGO link as bearer', token: ngo.href },
        { name: 'task link sig as query', query: task.search },
        { name: 'task link sig as bearer', token: task.searchParams.get('sig') ?? '' },
      ],
      401,
    );
    recordCase(ctx, {
      case: '7f Staff API: capability link as credential',
      attempts: result.requests,
      expected: '401 (no JWT), nothing changed',
      observed: probeObserved(result),
    });
  });

  it("7g one NGO's page link used for another purchase's page and upload: 403, nothing issued", async (ctx) => {
    const [mine, other] = purchases;
    if (!mine || !other) throw new Error('two purchases are needed');
    const link = new URL(mine.ngoLink);
    expect((await app.users.open(link.href)).status).toBe(200);

    const before = await app.users.purchase(officer, other.purchaseId);
    const page = await app.users.open(`${api(`/ngo/${other.purchaseId}`)}${link.search}`);
    expect(page.status).toBe(403);
    for (const secret of [other.title, other.ngoName, mine.title, mine.ngoName]) {
      expect(page.html).not.toContain(secret);
    }
    const upload = await fetch(`${api(`/ngo/${other.purchaseId}/uploads`)}${link.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'SIGNED_CONTRACT',
        fileName: 'contract.pdf',
        contentType: 'application/pdf',
        size: 2048,
      }),
    });
    const grant = (await upload.json()) as Record<string, unknown>;
    expect(upload.status).toBe(403);
    expect(Object.keys(grant)).toEqual(['message']);
    const after = await app.users.purchase(officer, other.purchaseId);
    expect(after.deliverables ?? []).toEqual(before.deliverables ?? []);
    expect([after.version, after.audit.length]).toEqual([before.version, before.audit.length]);
    recordCase(ctx, {
      case: "7g Staff API: another purchase's NGO link",
      attempts: 2,
      expected: '403 page and upload, nothing issued',
      observed: `page ${page.status}, upload ${upload.status} with ${Object.keys(grant).join(',')} only; deliverables ${(before.deliverables ?? []).length}→${(after.deliverables ?? []).length}, version ${before.version}→${after.version}`,
    });
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { creditCodeFrom, sampleProposal } from '../../../infra/local/samples/proposals.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { Stage } from '../../../shared/domain/lifecycle.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import { emptyStageCounts } from '../../../shared/domain/purchase-listing.js';
import { NotPermittedError, type StaffMember } from '../../../shared/domain/staff-roles.js';
import { listPurchases, PAGE_SIZE } from '../../../shared/usecases/list-purchases.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

const officer: StaffMember = { sub: 'o-1', email: 'officer@bureau.example', roles: ['officer'] };
const finance: StaffMember = { sub: 'f-1', email: 'finance@bureau.example', roles: ['finance'] };
const approver: StaffMember = { sub: 'a-1', email: 'Chief@Bureau.example', roles: ['approver'] };

const HULI_NGO = {
  name: '厦门市湖里区启航青少年服务中心',
  creditCode: creditCodeFrom('52350206MJ0312768'),
  contactEmail: 'office@qihang.example.org',
};

let fakes: Fakes;
let seq = 0;

const list = (query: Record<string, string | undefined>, viewer: StaffMember = officer) =>
  listPurchases({ purchases: fakes.purchases, now: fakes.clock.now }, { query, viewer });

const ids = async (query: Record<string, string | undefined>, viewer?: StaffMember) =>
  (await list(query, viewer)).items.map((row) => row.purchaseId);

/** A purchase of budget year `year` at `stage`, registered on `day` (MM-DD of 2026). */
function stored(options: { year?: number; stage?: Stage; day?: string; proposal?: Partial<Proposal> } = {}) {
  const year = options.year ?? 2026;
  seq += 1;
  const purchaseId = `PUR-2026-${String(seq).padStart(16, '0')}`;
  const at = `2026-${options.day ?? '03-01'}T08:00:00.000Z`;
  fakes.purchases.seed(
    purchaseRecord(
      purchaseId,
      sampleProposal({
        budgetLineRef: `${year}-MZ-ELDER-01`,
        term: { start: `${year}-01-01`, end: `${year}-12-31` },
        ...options.proposal,
      }),
      { stage: options.stage ?? 'PROPOSAL', createdAt: at, updatedAt: at },
    ),
  );
  return purchaseId;
}

async function assign(purchaseId: string, email: string) {
  await fakes.tasks.openTask({
    purchaseId,
    stepKey: 'APPROVAL:SECTION_CHIEF',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { name: 'Chen Li', email, role: 'SECTION_CHIEF' },
    taskToken: 'token',
    expiresAt: '2026-04-01T08:00:00.000Z',
    now: fakes.clock.now(),
  });
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).errors;
}

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
});

describe('listing purchases', () => {
  it('answers rows newest first with the amount in yuan and a link, the counts per stage and the total', async () => {
    const first = stored({ day: '02-01', stage: 'CLOSED' });
    const second = stored({ day: '02-02' });
    const third = stored({ day: '02-03', stage: 'APPROVAL' });

    const answer = await list({});

    expect(answer).toEqual({
      year: 2026,
      sort: 'newest',
      items: [
        expect.objectContaining({ purchaseId: third, stage: 'APPROVAL' }),
        expect.objectContaining({ purchaseId: second, stage: 'PROPOSAL' }),
        expect.objectContaining({ purchaseId: first, stage: 'CLOSED' }),
      ],
      countsByStage: { ...emptyStageCounts(), PROPOSAL: 1, APPROVAL: 1, CLOSED: 1 },
      total: 3,
    });
    expect(answer.items[0]).toEqual({
      purchaseId: third,
      title: '2026年思明区居家养老上门服务项目',
      ngo: { name: '厦门市思明区乐龄社会工作服务中心', creditCode: sampleProposal().ngo.creditCode },
      serviceArea: 'ELDERLY_CARE',
      serviceItem: 'EC-HOME-CARE',
      district: '思明区',
      stage: 'APPROVAL',
      totalFen: 48_000_000,
      totalYuan: '¥480,000.00',
      budgetYear: 2026,
      createdAt: '2026-02-03T08:00:00.000Z',
      updatedAt: '2026-02-03T08:00:00.000Z',
      links: { self: `/purchases/${third}` },
    });
  });

  it('without a year lists the current budget year in China: at 01:00 on 1 January in Xiamen that is the new year', async () => {
    const old = stored({ year: 2026 });
    const next = stored({ year: 2027 });
    fakes.clock.set('2026-12-31T17:00:00.000Z');

    const answer = await list({});

    expect(answer.year).toBe(2027);
    expect(answer.items.map((row) => row.purchaseId)).toEqual([next]);
    expect(await ids({ year: '2026' })).toEqual([old]);
  });

  it('filters by stage (the counts still covering every stage), area, district, NGO code in any case and every search word', async () => {
    const siming = stored({ day: '03-01' });
    const huli = stored({
      day: '03-02',
      stage: 'APPROVAL',
      proposal: {
        title: '2026年湖里区困境儿童关爱保护项目',
        serviceArea: 'MINOR_PROTECTION',
        district: '湖里区',
        ngo: HULI_NGO,
      },
    });

    const approval = await list({ stage: 'APPROVAL' });
    expect(approval.items.map((row) => row.purchaseId)).toEqual([huli]);
    expect(approval.countsByStage).toEqual({ ...emptyStageCounts(), PROPOSAL: 1, APPROVAL: 1 });
    expect(approval.total).toBe(1);
    expect(await ids({ serviceArea: 'ELDERLY_CARE' })).toEqual([siming]);
    expect(await ids({ district: ' 湖里区 ' })).toEqual([huli]);
    expect(await ids({ ngo: HULI_NGO.creditCode.toLowerCase() })).toEqual([huli]);
    expect(await ids({ q: '困境儿童' })).toEqual([huli]);
    expect(await ids({ q: '启航 关爱' })).toEqual([huli]);
    expect(await ids({ q: '启航 乐龄' })).toEqual([]);
    expect(await ids({ q: siming.toLowerCase() })).toEqual([siming]);
  });

  it('sorts as asked: oldest first, by amount either way, by the last change', async () => {
    const small = stored({ day: '04-01', proposal: { totalFen: 1_000_000 } });
    const large = stored({ day: '04-02', proposal: { totalFen: 90_000_000 } });

    expect(await ids({ sort: 'oldest' })).toEqual([small, large]);
    expect(await ids({ sort: 'amount-asc' })).toEqual([small, large]);
    expect(await ids({ sort: 'amount-desc' })).toEqual([large, small]);
    expect(await ids({ sort: 'updated' })).toEqual([large, small]);
    expect((await list({ sort: 'amount-desc' })).sort).toBe('amount-desc');
  });

  it('pages with nextCursor, every row once, until a last page without one', async () => {
    const written = Array.from({ length: 5 }, (_, i) => stored({ day: `05-0${i + 1}` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list({ limit: '2', cursor });
      seen.push(...page.items.map((row) => row.purchaseId));
      expect(page.total).toBe(5);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined);

    expect(pages).toBe(3);
    expect(seen).toEqual([...written].reverse());
  });

  it(`gives ${PAGE_SIZE.default} rows unless asked for more, up to ${PAGE_SIZE.max}`, async () => {
    for (let i = 0; i < 30; i++) stored();

    const first = await list({});
    expect(first.items).toHaveLength(25);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect((await list({ limit: '100' })).items).toHaveLength(30);
  });

  it('a cursor that is not one, or is another list’s (other filters, other order), is refused naming the cursor', async () => {
    for (let i = 0; i < 3; i++) stored({ day: `06-0${i + 1}` });
    const { nextCursor } = await list({ limit: '1' });
    if (nextCursor === undefined) throw new Error('three purchases make a second page');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(nextCursor, 'base64url').toString()), k: 42 }),
    ).toString('base64url');

    expect(await refusal(list({ cursor: nextCursor, stage: 'CLOSED' }))).toEqual([
      expect.objectContaining({ field: 'cursor', rule: 'cursor-other-listing' }),
    ]);
    expect(await refusal(list({ cursor: nextCursor, sort: 'oldest' }))).toEqual([
      expect.objectContaining({ field: 'cursor', rule: 'cursor-other-listing' }),
    ]);
    for (const cursor of ['not a cursor', 'bm90IGpzb24', forged, 'e30']) {
      expect(await refusal(list({ cursor }))).toEqual([
        expect.objectContaining({ field: 'cursor', rule: 'cursor-malformed', value: cursor }),
      ]);
    }
    // The same list with another page size goes on from where it was.
    expect((await list({ cursor: nextCursor, limit: '5' })).items).toHaveLength(2);
  });

  it('names every wrong parameter at once and ignores empty ones', async () => {
    const purchaseId = stored();
    const errors = await refusal(
      list({ stage: 'OPEN', year: '26', limit: '101', sort: 'title', ngo: 'x', colour: 'red', district: '' }),
    );

    expect(errors.map((e) => [e.field, e.rule])).toEqual(
      expect.arrayContaining([
        ['stage', 'schema-invalid-value'],
        ['year', 'schema-invalid-format'],
        ['limit', 'schema-too-big'],
        ['sort', 'schema-invalid-value'],
        ['ngo', 'schema-invalid-format'],
        ['colour', 'schema-unknown-field'],
      ]),
    );
    expect(errors).toHaveLength(6);
    expect(errors.find((e) => e.field === 'year')?.allowed).toBe('a budget year of four digits, e.g. 2026');
    expect(await refusal(list({ q: 'a b c d e f g h i' }))).toEqual([
      expect.objectContaining({ field: 'q', rule: 'schema-too-big', allowed: 'at most 8 words' }),
    ]);
    expect(await ids({ district: '', q: '  ', stage: '', cursor: '' })).toEqual([purchaseId]);
  });

  it('an approver lists only purchases with a task ever assigned to their e-mail, in any letter case', async () => {
    const mine = stored({ day: '07-01', stage: 'APPROVAL' });
    const theirs = stored({ day: '07-02', stage: 'APPROVAL' });
    stored({ day: '07-03', stage: 'APPROVAL' });
    await assign(mine, 'chief@bureau.example');
    await assign(theirs, 'deputy@bureau.example');

    const answer = await list({}, approver);

    expect(answer.items.map((row) => row.purchaseId)).toEqual([mine]);
    expect(answer.countsByStage.APPROVAL).toBe(1);
    expect((await list({}, finance)).items).toHaveLength(3);
  });

  it('an approver whose sign-in carries no e-mail, or a person with no role that sees purchases, is refused before the query is read', async () => {
    const { email: _, ...withoutEmail } = approver;
    await expect(list({}, withoutEmail)).rejects.toThrow(NotPermittedError);
    await expect(list({ stage: 'NOT-A-STAGE' }, { sub: 'x', roles: [] })).rejects.toThrow(NotPermittedError);
  });
});

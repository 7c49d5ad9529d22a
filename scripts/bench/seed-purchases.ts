import { creditCodeFrom, sampleProposal } from '../../infra/local/samples/proposals.js';
import { SERVICE_CATALOGUE } from '../../shared/domain/catalogue.js';
import { chinaCalendarDate, DAY_MS } from '../../shared/domain/china-time.js';
import type { Stage } from '../../shared/domain/lifecycle.js';
import type { ApprovalLevel } from '../../shared/domain/policy-settings.js';
import type { Proposal, ServiceArea } from '../../shared/domain/proposal.js';
import type { Assignee, HumanTask } from '../../shared/domain/tasks.js';
import type { Repositories } from '../../shared/ports/repositories.js';

/**
 * Realistic purchases for the purchases-list bench: written through the repositories (so the
 * table holds exactly what the app writes: list attributes, assignees, audit chains), spread
 * over budget years, stages, service areas, Xiamen's six districts and a few dozen NGOs, with
 * approval tasks opened and decided on those that went past approval. The same seed writes the
 * same purchases (ids included), so runs compare.
 */

export interface SeedPurchasesOptions {
  /** How many purchases to write. */
  readonly count: number;
  /**
   * Budget years to spread them over, oldest first; the last one is "this year" (mostly under way).
   * @default the current year in China and the three before it (what GET /purchases lists without a year)
   */
  readonly years?: readonly number[];
  /** The pseudo-random sequence. @default 1 */
  readonly seed?: number;
  /** Purchases written at once. @default 8 */
  readonly concurrency?: number;
  /** Open and decide the approval tasks (each approver then sees their purchases). @default true */
  readonly tasks?: boolean;
}

export interface SeededPurchases {
  readonly purchaseIds: string[];
  readonly byYear: Record<number, number>;
  readonly byStage: Partial<Record<Stage, number>>;
  /** The approvers' e-mail addresses, by service area (and the director, for large purchases). */
  readonly approvers: Record<ServiceArea | 'DIRECTOR', string>;
}

/** 区 and its administrative code (the credit code's digits 3–8). */
const DISTRICTS = [
  ['思明区', '350203'],
  ['海沧区', '350205'],
  ['湖里区', '350206'],
  ['集美区', '350211'],
  ['同安区', '350212'],
  ['翔安区', '350213'],
] as const;

const NGO_WORDS = [
  '乐龄',
  '启航',
  '护苗',
  '同心',
  '阳光',
  '绿荫',
  '和美',
  '春晖',
  '向日葵',
  '鹭岛',
  '彩虹',
  '暖心',
  '善邻',
];
const NGO_KINDS = ['社会工作服务中心', '社区发展协会', '公益服务中心'];
/** One NGO per name word and kind. */
const NGO_COUNT = NGO_WORDS.length * NGO_KINDS.length;

const APPROVERS: Record<ServiceArea | 'DIRECTOR', Assignee> = {
  ELDERLY_CARE: {
    name: '陈立',
    email: 'elderly-care.chief@civil-affairs.example.gov.cn',
    role: 'SECTION_CHIEF',
  },
  MINOR_PROTECTION: {
    name: '林华',
    email: 'minors.chief@civil-affairs.example.gov.cn',
    role: 'SECTION_CHIEF',
  },
  RURAL_REVITALISATION: {
    name: '黄敏',
    email: 'rural.chief@civil-affairs.example.gov.cn',
    role: 'SECTION_CHIEF',
  },
  DIRECTOR: { name: '吴芳', email: 'director@civil-affairs.example.gov.cn', role: 'BUREAU_DIRECTOR' },
};

/** Above this (¥300,000) the director approves too. */
const DIRECTOR_FROM_FEN = 30_000_000;

/** The moves from PROPOSAL to each stage, and the audit action of each move. */
const PATHS: Record<Stage, readonly Stage[]> = {
  PROPOSAL: [],
  APPROVAL: ['APPROVAL'],
  CONTRACTING: ['APPROVAL', 'CONTRACTING'],
  MIDTERM_REVIEW: ['APPROVAL', 'CONTRACTING', 'MIDTERM_REVIEW'],
  EVALUATION: ['APPROVAL', 'CONTRACTING', 'MIDTERM_REVIEW', 'EVALUATION'],
  CLOSED: ['APPROVAL', 'CONTRACTING', 'MIDTERM_REVIEW', 'EVALUATION', 'CLOSED'],
  REJECTED: ['APPROVAL', 'REJECTED'],
  TERMINATED: ['APPROVAL', 'CONTRACTING', 'MIDTERM_REVIEW', 'TERMINATED'],
};
const MOVE_ACTIONS: Record<Stage, string> = {
  PROPOSAL: 'proposal.submitted',
  APPROVAL: 'approval.planned',
  CONTRACTING: 'purchase.approved',
  MIDTERM_REVIEW: 'contract.signed',
  EVALUATION: 'midterm.passed',
  CLOSED: 'purchase.closed',
  REJECTED: 'purchase.rejected',
  TERMINATED: 'purchase.terminated',
};

/** Where the purchases of a year stand, by how many years it lies before the last one. */
const STAGE_WEIGHTS: readonly (readonly [Stage, number])[][] = [
  [
    ['PROPOSAL', 8],
    ['APPROVAL', 17],
    ['CONTRACTING', 25],
    ['MIDTERM_REVIEW', 30],
    ['EVALUATION', 5],
    ['REJECTED', 10],
    ['TERMINATED', 5],
  ],
  [
    ['MIDTERM_REVIEW', 10],
    ['EVALUATION', 25],
    ['CLOSED', 50],
    ['REJECTED', 10],
    ['TERMINATED', 5],
  ],
  [
    ['CLOSED', 80],
    ['REJECTED', 12],
    ['TERMINATED', 8],
  ],
];

const AREAS = Object.keys(SERVICE_CATALOGUE) as ServiceArea[];
const ID_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ0123456789';

/** mulberry32: small, fast, and the same numbers for the same seed. */
function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const weighted = <T>(entries: readonly (readonly [T, number])[]): T => {
    let roll = next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return (entries.at(-1) as readonly [T, number])[0];
  };
  return { next, int, pick, weighted };
}

type Random = ReturnType<typeof randomSource>;

interface PlannedPurchase {
  purchaseId: string;
  year: number;
  stage: Stage;
  proposal: Proposal;
  createdAt: string;
}

/** The NGOs of the city: a name, a home district and a valid credit code each. */
function ngosOf(random: Random) {
  return Array.from({ length: NGO_COUNT }, (_, i) => {
    const [district, code] = random.pick(DISTRICTS);
    const name = `厦门市${district}${NGO_WORDS[i % NGO_WORDS.length]}${NGO_KINDS[Math.floor(i / NGO_WORDS.length)]}`;
    return {
      district,
      ngo: {
        name,
        creditCode: creditCodeFrom(`52${code}MJ${String(random.int(10_000_000)).padStart(7, '0')}`),
        contactEmail: `office@ngo-${i + 1}.example.org`,
      },
    };
  });
}

function plan(random: Random, count: number, years: readonly number[]): PlannedPurchase[] {
  const ngos = ngosOf(random);
  // Later years hold a little more (the programme grows).
  const yearWeights = years.map((year, i) => [year, 4 + i] as const);
  const planned: PlannedPurchase[] = [];
  for (let n = 0; n < count; n++) {
    const year = random.weighted(yearWeights);
    const age = Math.min(years.length - 1 - years.indexOf(year), STAGE_WEIGHTS.length - 1);
    const stage = random.weighted(STAGE_WEIGHTS[age] ?? []);
    const area = random.pick(AREAS);
    const item = random.pick(SERVICE_CATALOGUE[area]);
    // Most NGOs work in their own district; some take on purchases elsewhere.
    const { ngo, district: home } = random.pick(ngos);
    const district = random.next() < 0.8 ? home : random.pick(DISTRICTS)[0];
    // ¥50,000 to ¥2,000,000 in whole hundreds of yuan.
    const totalFen = (500 + random.int(19_501)) * 100 * 100;
    // Registered from November of the year before to September of the budget year, in office hours.
    const createdAt = new Date(
      Date.parse(`${year - 1}-11-01T01:00:00Z`) + random.int(330) * DAY_MS + random.int(9 * 3600) * 1000,
    ).toISOString();
    let suffix = '';
    for (let i = 0; i < 16; i++) suffix += ID_ALPHABET[random.int(ID_ALPHABET.length)];
    planned.push({
      purchaseId: `PUR-${createdAt.slice(0, 4)}-${suffix}`,
      year,
      stage,
      createdAt,
      proposal: sampleProposal({
        title: `${year}年${district}${item.nameZh}项目`,
        serviceArea: area,
        serviceItem: item.code,
        district,
        ngo,
        term: { start: `${year}-01-01`, end: `${year}-12-31` },
        totalFen,
        budgetLines: [{ item: '项目经费（人员、活动与管理）', amountFen: totalFen }],
        budgetLineRef: `${year}-MZ-${area.split('_')[0]}-01`,
        deliverables: [
          { kind: 'MIDTERM_REPORT', dueDate: `${year}-06-30`, description: '中期报告' },
          { kind: 'FINAL_REPORT', dueDate: `${year}-12-15`, description: '终期报告' },
        ],
      }),
    });
  }
  return planned;
}

const at = (createdAt: string, days: number) => new Date(Date.parse(createdAt) + days * DAY_MS).toISOString();

/**
 * One purchase: registered, its approvals asked for as it enters APPROVAL and decided four days
 * later (approve, or reject for a REJECTED one), then moved on a month or so at a time.
 */
async function write(repos: Pick<Repositories, 'purchases' | 'tasks'>, p: PlannedPurchase, tasks: boolean) {
  const { purchaseId, proposal, createdAt } = p;
  await repos.purchases.createPurchase({
    purchaseId,
    proposal,
    createdBy: 'officer@civil-affairs.example.gov.cn',
    now: createdAt,
  });
  let from: Stage = 'PROPOSAL';
  let day = 1;
  let approvals: HumanTask[] = [];
  for (const to of PATHS[p.stage]) {
    for (const task of approvals) {
      await repos.tasks.decide({
        taskId: task.taskId,
        nonce: task.nonce,
        decision: to === 'REJECTED' ? 'REJECT' : 'APPROVE',
        comment: to === 'REJECTED' ? '预算依据不足，不予立项' : '同意',
        now: at(createdAt, day - 1),
      });
    }
    approvals = [];
    await repos.purchases.change({
      purchaseId,
      from,
      to,
      audit: { actor: 'system:bench-seed', action: MOVE_ACTIONS[to] },
      eventId: `seed:${to}`,
      now: at(createdAt, day),
    });
    if (to === 'APPROVAL' && tasks) approvals = await openApprovals(repos, p, at(createdAt, day));
    from = to;
    day += to === 'APPROVAL' ? 5 : 30 + (day % 17);
  }
}

async function openApprovals(
  repos: Pick<Repositories, 'tasks'>,
  p: PlannedPurchase,
  now: string,
): Promise<HumanTask[]> {
  const levels: [ApprovalLevel, Assignee][] = [['SECTION_CHIEF', APPROVERS[p.proposal.serviceArea]]];
  if (p.proposal.totalFen >= DIRECTOR_FROM_FEN) levels.push(['BUREAU_DIRECTOR', APPROVERS.DIRECTOR]);
  const opened: HumanTask[] = [];
  for (const [level, assignee] of levels) {
    const { task } = await repos.tasks.openTask({
      purchaseId: p.purchaseId,
      stepKey: `APPROVAL:${level}`,
      level,
      attempt: 'FIRST',
      assignee,
      expiresAt: at(now, 7),
      now,
    });
    opened.push(task);
  }
  return opened;
}

/** Writes `count` purchases (see the module's comment) and says what it wrote. */
export async function seedPurchases(
  repos: Pick<Repositories, 'purchases' | 'tasks'>,
  options: SeedPurchasesOptions,
): Promise<SeededPurchases> {
  const thisYear = Number(chinaCalendarDate(new Date().toISOString()).slice(0, 4));
  const years = options.years ?? [thisYear - 3, thisYear - 2, thisYear - 1, thisYear];
  const planned = plan(randomSource(options.seed ?? 1), options.count, years);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < planned.length; i = next++) {
      await write(repos, planned[i] as PlannedPurchase, options.tasks ?? true);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));

  const byYear: Record<number, number> = {};
  const byStage: Partial<Record<Stage, number>> = {};
  for (const p of planned) {
    byYear[p.year] = (byYear[p.year] ?? 0) + 1;
    byStage[p.stage] = (byStage[p.stage] ?? 0) + 1;
  }
  return {
    purchaseIds: planned.map((p) => p.purchaseId),
    byYear,
    byStage,
    approvers: Object.fromEntries(
      Object.entries(APPROVERS).map(([key, assignee]) => [key, assignee.email]),
    ) as SeededPurchases['approvers'],
  };
}

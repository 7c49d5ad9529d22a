import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleProposal } from '../../infra/local/samples/proposals.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import type { Decision, TaskAttempt } from '../../shared/domain/tasks.js';
import type { UploadKind } from '../../shared/domain/uploads.js';
import {
  type Ask,
  type Cast,
  type ExecutionFigures,
  InProcessLifecycle,
} from '../support/in-process-lifecycle.js';
import { LifecyclePeople, type Scores } from '../support/lifecycle-people.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../support/settings.js';

/**
 * A three-year purchase played on the synthesized state machine with the real handlers, on the
 * local Step Functions engine under AWS's limits (one year per execution, 25,000 history events),
 * with everyone as slow as the workflow allows: each approver, the NGO, the countersigner, the
 * mid-term reviewer and the evaluation agency answers only when escalated; the contract is
 * refused once; every mid-term round misses its deadline, is extended, and is rectified as often
 * as the settings allow. The engine's clock starts at a fixed instant and runs fast (a real second
 * is about 116 days); while a step runs or someone acts it runs at real speed, so no timeout
 * fires mid-click. The figures of every execution are printed before anything is asserted.
 */

const STARTS_AT = '2026-01-05T01:00:00.000Z';
const FAST_MS_PER_SECOND = 0.0001;
/** Real time the play may take; the whole file stays under a minute. */
const PLAY_LIMIT_MS = 45_000;
/** AWS's limits on a Standard execution ("Step Functions service quotas"). */
const AWS_MAX_EXECUTION_DAYS = 365;
const AWS_MAX_HISTORY_EVENTS = 25_000;
/** Far below AWS's limit: a purchase's execution that nears it grows without bound somewhere. */
const HISTORY_EVENTS_BUDGET = 5_000;

const MIDTERM_ROUNDS = TEST_LIFECYCLE.midterm.maxRectificationRounds + 1;
const SCORES: Scores = { PROFESSIONAL_SERVICE: '88', OUTCOMES: '84.5', MANAGEMENT: '90' };

/** 36 months of home-based elderly care from February 2026, with the justification the policy asks for. */
function threeYearElderlyCareProposal(): Proposal {
  const base = sampleProposal();
  return {
    ...base,
    title: '2026—2029年思明区居家养老上门服务项目（三年期）',
    term: { start: '2026-02-01', end: '2029-01-31' },
    justification:
      '居家养老上门服务需要连续稳定的服务团队，三年期预算已列入区财政中期规划。 Home care needs a stable team; the three-year budget is in the district’s medium-term plan.',
    totalFen: 144_000_000,
    budgetLines: [
      { item: '人员经费（项目主管1名、社工2名，36个月）', amountFen: 114_840_000 },
      { item: '上门服务与社区活动经费', amountFen: 18_600_000 },
      { item: '专业督导与培训', amountFen: 6_000_000 },
      { item: '项目管理费', amountFen: 4_560_000 },
    ],
    deliverables: [
      {
        kind: 'MIDTERM_REPORT',
        dueDate: '2027-07-31',
        description: '中期报告：前18个月服务人次、个案进展与经费使用',
      },
      { kind: 'EVIDENCE', dueDate: '2028-06-30', description: '上门服务记录与服务对象满意度回访表' },
      { kind: 'FINAL_REPORT', dueDate: '2029-01-15', description: '终期报告：三年服务成效、财务决算与自评' },
    ],
  };
}

/**
 * Who does what: nobody answers a first ask or a reminder; the deputy answers every escalated
 * decision (approves, refuses the first signed copy, extends every late report, asks for
 * rectification while a round is left, then passes), except the approval levels separation of
 * duties keeps from them: the deputy approves the section chief's level, the administrator's queue
 * the finance section's, and the director answers the reminder of their own (no one may decide a
 * third level); the NGO uploads when escalated, and each mid-term report only after its round's
 * deadline was extended; the reassigned agency evaluates; finance confirms each tranche as its
 * notice arrives.
 */
function everyEscalationUsed(people: LifecyclePeople, proposal: Proposal): Cast {
  const { deputy: deputyPerson, administrator, approvers } = TEST_POLICY.approval;
  const deputy = deputyPerson.email;
  /** Who takes an approval level's escalation: the deputy for the first, the administrator for the next. */
  const escalatedApprover = (level: unknown) =>
    level === 'SECTION_CHIEF' ? deputy : (administrator?.email ?? 'no administrator configured');
  const ngo = proposal.ngo.contactEmail;
  const agencies = TEST_LIFECYCLE.evaluation.agencies.map((agency) => agency.email);
  /** Each mid-term round's first deadline (by the round's start): the one the NGO misses. */
  const missedDeadline = new Map<string, unknown>();

  const decision = (ask: Ask): [Decision, string] | undefined => {
    switch (ask.input.purpose ?? 'APPROVAL') {
      case 'APPROVAL':
        return ['APPROVE', '同意。'];
      case 'COUNTERSIGN':
        return ask.input.round === 1
          ? ['REFUSE', '乙方盖章不清晰，请重新签署后上传。']
          : ['COUNTERSIGN', '已会签。'];
      case 'LATE_REPORT':
        return ['EXTEND', '同意延期一次。'];
      case 'MIDTERM_REVIEW':
        return Number(ask.input.round) < Number(ask.input.maxRounds)
          ? ['RECTIFY', '服务记录不完整，请补充后重新提交。']
          : ['PASS', '通过。'];
      default:
        return undefined;
    }
  };

  return {
    answerTo(ask) {
      const purchaseId = String(ask.input.purchaseId);
      const escalated = ask.attempt === 'ESCALATION';
      switch (ask.step) {
        case 'RequestDecision': {
          const approval = (ask.input.purpose ?? 'APPROVAL') === 'APPROVAL';
          if (approval && ask.input.level === 'BUREAU_DIRECTOR' && ask.attempt === 'REMINDER')
            return () => people.decide(approvers.BUREAU_DIRECTOR.email, purchaseId, 'APPROVE', '同意。');
          const answer = escalated ? decision(ask) : undefined;
          const who = approval ? escalatedApprover(ask.input.level) : deputy;
          return answer && (() => people.decide(who, purchaseId, ...answer));
        }
        case 'AwaitUpload': {
          const kind = ask.input.kind as UploadKind;
          const upload = () => people.upload(ngo, purchaseId, kind);
          if (kind !== 'MIDTERM_REPORT') return escalated ? upload : undefined;
          const round = String(ask.input.since);
          if (!missedDeadline.has(round)) missedDeadline.set(round, ask.input.deadline);
          return ask.input.deadline === missedDeadline.get(round) ? undefined : upload;
        }
        case 'RequestEvaluation':
          return escalated ? () => people.evaluate(agencies, purchaseId, SCORES) : undefined;
      }
    },
    onPaymentNotice(notice) {
      return () => people.confirmPayment(notice, `BOC-2026-${notice.attributes.tranche}-0042`);
    },
  };
}

/** Each ask by what it asks, with the attempts it went through, in the order first asked. */
function asksByStep(asks: readonly Ask[]): [string, TaskAttempt[]][] {
  const uploadRounds = new Map<string, string[]>();
  const labelOf = (ask: Ask): string => {
    const { input } = ask;
    switch (ask.step) {
      case 'RequestDecision': {
        const purpose = String(input.purpose ?? 'APPROVAL');
        if (purpose === 'APPROVAL') return `APPROVAL ${input.level}`;
        const extension = purpose === 'LATE_REPORT' ? ` extension ${input.extension}` : '';
        return `${purpose} round ${input.round}${extension}`;
      }
      case 'AwaitUpload': {
        // An upload's round is the instant it started from: number them per kind.
        const kind = String(input.kind);
        const rounds = uploadRounds.get(kind) ?? [];
        if (!rounds.includes(String(input.since))) rounds.push(String(input.since));
        uploadRounds.set(kind, rounds);
        return `${kind} round ${rounds.indexOf(String(input.since)) + 1}`;
      }
      case 'RequestEvaluation':
        return 'EVALUATION';
    }
  };
  const byStep = new Map<string, TaskAttempt[]>();
  for (const ask of asks) {
    const label = labelOf(ask);
    byStep.set(label, [...(byStep.get(label) ?? []), ask.attempt]);
  }
  return [...byStep];
}

const ESCALATED: TaskAttempt[] = ['FIRST', 'REMINDER', 'ESCALATION'];

/** What the cast makes of the workflow's asks. */
function expectedAsks(): [string, TaskAttempt[]][] {
  const midtermRounds = Array.from({ length: MIDTERM_ROUNDS }, (_, i): [string, TaskAttempt[]][] => [
    // The report is asked for, its deadline passes, and it is asked for again after the extension.
    [`MIDTERM_REPORT round ${i + 1}`, ['FIRST', 'FIRST']],
    [`LATE_REPORT round ${i + 1} extension 1`, ESCALATED],
    [`MIDTERM_REVIEW round ${i + 1}`, ESCALATED],
  ]);
  return [
    ['APPROVAL SECTION_CHIEF', ESCALATED],
    ['APPROVAL FINANCE_SECTION', ESCALATED],
    ['APPROVAL BUREAU_DIRECTOR', ['FIRST', 'REMINDER']],
    ['SIGNED_CONTRACT round 1', ESCALATED],
    ['COUNTERSIGN round 1', ESCALATED],
    ['SIGNED_CONTRACT round 2', ESCALATED],
    ['COUNTERSIGN round 2', ESCALATED],
    ...midtermRounds.flat(),
    ['FINAL_REPORT round 1', ESCALATED],
    ['EVALUATION', ESCALATED],
  ];
}

function monthsAfter(instant: Date, months: number): Date {
  const later = new Date(instant);
  later.setUTCMonth(later.getUTCMonth() + months);
  return later;
}

const DAY_MS = 86_400_000;
const AVERAGE_MONTH_DAYS = 365.25 / 12;

/** The figures of the play, as one block in the test output. */
function report(play: Played): string {
  const { purchaseId, executions, stage, asks, realMs } = play;
  const rows = executions.map(
    (e) =>
      `  ${e.name.padEnd(48)} ${e.status.padEnd(11)} ${e.days.toFixed(1).padStart(7)} ${String(e.historyEvents).padStart(9)}`,
  );
  const longest = Math.max(0, ...executions.map((e) => e.days));
  const largest = Math.max(0, ...executions.map((e) => e.historyEvents));
  const { first, last } = span(executions);
  const spanDays = first && last ? (last.getTime() - first.getTime()) / DAY_MS : 0;
  const count = (attempt: TaskAttempt) => asks.filter((a) => a.attempt === attempt).length;
  return [
    `36-month purchase ${purchaseId} on the local Step Functions engine`,
    `  engine time from ${STARTS_AT}, ${FAST_MS_PER_SECOND} real ms per engine second while no step runs and nobody acts`,
    `  ${'execution'.padEnd(48)} ${'status'.padEnd(11)} ${'days'.padStart(7)} ${'events'.padStart(9)}`,
    ...rows,
    `  longest execution: ${longest.toFixed(1)} days (AWS limit ${AWS_MAX_EXECUTION_DAYS} days)`,
    `  largest history:   ${largest.toLocaleString('en-US')} events (AWS limit ${AWS_MAX_HISTORY_EVENTS.toLocaleString('en-US')} events)`,
    `  purchase: ${first?.toISOString() ?? '-'} to ${last?.toISOString() ?? '-'}, ${(spanDays / AVERAGE_MONTH_DAYS).toFixed(1)} months, ended at ${stage}`,
    `  asks: ${count('FIRST')} first, ${count('REMINDER')} reminders, ${count('ESCALATION')} escalations`,
    `  real time: ${(realMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

/** From the first execution's start to the last one's stop, in engine time. */
function span(executions: readonly ExecutionFigures[]): { first?: Date; last?: Date } {
  const starts = executions.flatMap((e) => (e.startDate ? [e.startDate.getTime()] : []));
  const stops = executions.flatMap((e) => (e.stopDate ? [e.stopDate.getTime()] : []));
  return {
    ...(starts.length > 0 ? { first: new Date(Math.min(...starts)) } : {}),
    ...(stops.length > 0 ? { last: new Date(Math.max(...stops)) } : {}),
  };
}

interface Played {
  purchaseId: string;
  executions: ExecutionFigures[];
  stage: string;
  asks: readonly Ask[];
  realMs: number;
}

let lifecycle: InProcessLifecycle | undefined;
let played: Played;

beforeAll(async () => {
  const proposal = threeYearElderlyCareProposal();
  const started = Date.now();
  lifecycle = await InProcessLifecycle.start({ startsAt: STARTS_AT, msPerSecond: FAST_MS_PER_SECOND });
  lifecycle.castAs(everyEscalationUsed(new LifecyclePeople(lifecycle.people), proposal));
  const purchaseId = await lifecycle.submit(proposal);
  const playing = Date.now();
  const outcome = await lifecycle.playUntilEnd(PLAY_LIMIT_MS).then(
    () => undefined,
    (error: unknown) => error,
  );
  played = {
    purchaseId,
    executions: await lifecycle.executionsOf(purchaseId),
    stage: (await lifecycle.fakes.purchases.getPurchase(purchaseId))?.stage ?? 'unknown',
    asks: lifecycle.asks,
    realMs: Date.now() - playing,
  };
  console.log(`${report(played)}\n  set-up: ${((playing - started) / 1000).toFixed(1)} s`);
  if (outcome) throw outcome;
}, 60_000);

afterAll(async () => {
  await lifecycle?.close();
});

describe('a 36-month purchase with every reminder, escalation, rectification round and grace period used', () => {
  it('ends CLOSED, every tranche confirmed by finance', async () => {
    expect(played.stage).toBe('CLOSED');
    const payments = await lifecycle?.fakes.payments.listPayments(played.purchaseId);
    expect(payments?.map((p) => [p.tranche, p.status])).toEqual([
      [1, 'CONFIRMED'],
      [2, 'CONFIRMED'],
      [3, 'CONFIRMED'],
    ]);
  });

  it('is carried by executions that all SUCCEEDED, each well inside one year and 25,000 history events', () => {
    // No one execution may hold three years.
    expect(played.executions.length).toBeGreaterThan(1);
    expect(played.executions.map((e) => [e.name, e.status])).toEqual(
      played.executions.map((e) => [e.name, 'SUCCEEDED']),
    );
    expect(Math.max(...played.executions.map((e) => e.days))).toBeLessThan(AWS_MAX_EXECUTION_DAYS);
    expect(Math.max(...played.executions.map((e) => e.historyEvents))).toBeLessThanOrEqual(
      HISTORY_EVENTS_BUDGET,
    );
  });

  it('spans more than 36 months of engine time from the first execution’s start to the last one’s stop', () => {
    const { first, last } = span(played.executions);
    expect(first).toBeDefined();
    expect(last?.getTime()).toBeGreaterThan(monthsAfter(first as Date, 36).getTime());
  });

  it('lets each ask go through its first mail and reminder, and answers it on escalation', () => {
    expect(asksByStep(played.asks)).toEqual(expectedAsks());
  });

  it('records the escalations on the audit trail, and the evaluation reassigned to an agency that declared independence', async () => {
    const audit = (await lifecycle?.fakes.purchases.listAudit(played.purchaseId)) ?? [];
    const escalations = (action: string) =>
      audit.filter((e) => e.action === action && e.detail.attempt === 'ESCALATION').length;
    // The section chief's and the finance section's levels; the director answered the reminder.
    expect(escalations('approval.requested')).toBe(2);
    // Countersignature twice, then the late report and the review of every mid-term round.
    expect(escalations('task.requested')).toBe(2 + 2 * MIDTERM_ROUNDS);
    // The signed contract twice and the final report.
    expect(escalations('ngo.asked')).toBe(3);
    expect(audit.filter((e) => e.action === 'officer.told-overdue')).toHaveLength(3);
    const assigned = audit.filter((e) => e.action === 'evaluation.assigned').map((e) => e.detail);
    expect(assigned).toHaveLength(2);
    expect(assigned[1]?.replaces).toBe(assigned[0]?.agencyId);
    const declared = audit.filter((e) => e.action === 'evaluation.independence-declared');
    expect(declared.map((e) => e.actor)).toEqual([
      TEST_LIFECYCLE.evaluation.agencies.find((a) => a.id === assigned[1]?.agencyId)?.email,
    ]);
    expect(audit.filter((e) => e.action === 'midterm.passed').map((e) => e.detail.round)).toEqual([
      MIDTERM_ROUNDS,
    ]);
  });
});

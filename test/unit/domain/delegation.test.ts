import { describe, expect, it } from 'vitest';
import {
  activeDelegation,
  type Delegation,
  type DelegationRequest,
  delegationErrors,
  MAX_DELEGATION_DAYS,
} from '../../../shared/domain/delegation.js';
import { assigneeFor } from '../../../shared/domain/escalation.js';
import {
  ADMINISTRATOR_ROLE,
  type ApprovalHistory,
  assignApprover,
} from '../../../shared/domain/separation-of-duties.js';
import { TEST_POLICY } from '../../support/settings.js';

const approval = {
  ...TEST_POLICY.approval,
  administrator: { name: '系统管理员', email: 'admin@civil-affairs.example.gov.cn' },
};
const { SECTION_CHIEF: chief, FINANCE_SECTION: finance } = approval.approvers;
const deputy = approval.deputy;
const delegate = { name: '王五', email: 'wang.wu@civil-affairs.example.gov.cn' };
const officer = 'li.officer@civil-affairs.example.gov.cn';
const fresh: ApprovalHistory = { registeredBy: officer, approvals: {} };
const TODAY = '2026-03-02';
// 08:00 UTC is 16:00 on 2 March in China.
const NOW = '2026-03-02T08:00:00.000Z';

const request = (overrides: Partial<DelegationRequest> = {}): DelegationRequest => ({
  approverEmail: chief.email,
  delegate,
  from: '2026-03-02',
  until: '2026-03-13',
  reason: 'annual leave',
  ...overrides,
});

const recorded = (overrides: Partial<Delegation> = {}): Delegation => ({
  id: 'DEL-1',
  approverEmail: chief.email,
  approverName: chief.name,
  delegate,
  from: '2026-03-02',
  until: '2026-03-13',
  reason: 'annual leave',
  createdBy: chief.email,
  createdAt: '2026-03-01T08:00:00.000Z',
  ...overrides,
});

const errorsOf = (r: DelegationRequest, existing: Delegation[] = []) =>
  delegationErrors(r, { approvers: approval.approvers, existing, today: TODAY });
const rules = (r: DelegationRequest, existing: Delegation[] = []) => errorsOf(r, existing).map((e) => e.rule);

describe('delegationErrors', () => {
  it('accepts a level approver naming another person for a period from today', () => {
    expect(errorsOf(request())).toEqual([]);
  });

  it('refuses a period that ends before it starts, naming until, in Chinese and English', () => {
    const [error] = errorsOf(request({ from: '2026-03-10', until: '2026-03-09' }));
    expect(error).toMatchObject({ field: 'until', rule: 'delegation-period-order', value: '2026-03-09' });
    expect(error?.zh).toContain('早于开始日期');
  });

  it('refuses a period that starts before today on the China calendar', () => {
    expect(errorsOf(request({ from: '2026-03-01' }))).toMatchObject([
      { field: 'from', rule: 'delegation-starts-past', allowed: `${TODAY} or later` },
    ]);
  });

  it(`accepts ${MAX_DELEGATION_DAYS} days, both counted, and refuses one more`, () => {
    expect(errorsOf(request({ from: '2026-03-02', until: '2026-05-30' }))).toEqual([]);
    expect(errorsOf(request({ from: '2026-03-02', until: '2026-05-31' }))).toMatchObject([
      { field: 'until', rule: 'delegation-too-long', message: expect.stringContaining('91 days') },
    ]);
  });

  it('refuses the approver as their own delegate, whatever the case of the address', () => {
    expect(errorsOf(request({ delegate: { name: 'x', email: chief.email.toUpperCase() } }))).toMatchObject([
      { field: 'delegate.email', rule: 'delegation-self' },
    ]);
  });

  it('refuses the deputy and the administrator: the deputy is the escalation path', () => {
    expect(rules(request({ approverEmail: deputy.email }))).toEqual(['delegation-not-approver']);
    expect(rules(request({ approverEmail: approval.administrator.email }))).toEqual([
      'delegation-not-approver',
    ]);
    expect(errorsOf(request({ approverEmail: 'someone@example.org' }))[0]).toMatchObject({
      field: 'approverEmail',
      zh: expect.stringContaining('不是审批名单上的审批人'),
    });
  });

  it('refuses a period overlapping a standing delegation of the same approver, not one that was ended', () => {
    const standing = recorded({ from: '2026-03-10', until: '2026-03-20' });
    expect(errorsOf(request(), [standing])).toMatchObject([{ field: 'from', rule: 'delegation-overlap' }]);
    expect(errorsOf(request({ from: '2026-03-21', until: '2026-03-25' }), [standing])).toEqual([]);
    expect(errorsOf(request(), [{ ...standing, endedAt: NOW, endedBy: chief.email }])).toEqual([]);
  });

  it('refuses a delegate who is away themselves during the period', () => {
    const financeAway = recorded({
      approverEmail: finance.email,
      approverName: finance.name,
      delegate: { name: '赵六', email: 'zhao@civil-affairs.example.gov.cn' },
      from: '2026-03-13',
      until: '2026-03-20',
    });
    expect(errorsOf(request({ delegate: finance }), [financeAway])).toMatchObject([
      { field: 'delegate.email', rule: 'delegate-away' },
    ]);
    expect(errorsOf(request({ delegate: finance, until: '2026-03-12' }), [financeAway])).toEqual([]);
  });
});

describe('activeDelegation', () => {
  it('is active from its first to its last China day, until it is ended', () => {
    const d = recorded({ from: '2026-03-03', until: '2026-03-04' });
    // 15:59 UTC on 2 March is 23:59 in China: not yet; 16:00 UTC is 3 March 00:00 in China.
    expect(activeDelegation([d], chief.email, '2026-03-02T15:59:00.000Z')).toBeUndefined();
    expect(activeDelegation([d], chief.email, '2026-03-02T16:00:00.000Z')).toEqual(d);
    expect(activeDelegation([d], chief.email, '2026-03-04T15:59:00.000Z')).toEqual(d);
    expect(activeDelegation([d], chief.email, '2026-03-04T16:00:00.000Z')).toBeUndefined();
    const ended = { ...d, endedAt: '2026-03-03T02:00:00.000Z', endedBy: chief.email };
    expect(activeDelegation([ended], chief.email, '2026-03-03T01:00:00.000Z')).toEqual(ended);
    expect(activeDelegation([ended], chief.email, '2026-03-03T03:00:00.000Z')).toBeUndefined();
  });
});

describe('assignment while an approver is away', () => {
  const away = { delegations: [recorded()], now: NOW };
  const forChief = { name: chief.name, email: chief.email, role: 'SECTION_CHIEF' };

  it('sends the first ask and the reminder to the delegate, for the approver, in the approver role', () => {
    for (const attempt of ['FIRST', 'REMINDER'] as const)
      expect(assignApprover(approval, 'SECTION_CHIEF', attempt, fresh, away)).toEqual({
        assignee: { ...delegate, role: 'SECTION_CHIEF', onBehalfOf: forChief },
        passedOver: [],
      });
  });

  it('sends the escalation to the deputy, never the delegate', () => {
    expect(assignApprover(approval, 'SECTION_CHIEF', 'ESCALATION', fresh, away).assignee).toEqual({
      ...deputy,
      role: 'DEPUTY',
    });
    expect(assigneeFor(approval, 'SECTION_CHIEF', 'ESCALATION', away)).toEqual({ ...deputy, role: 'DEPUTY' });
  });

  it('asks the approver themselves before the period and after it was ended', () => {
    const later = { delegations: [recorded({ from: '2026-03-03' })], now: NOW };
    expect(assignApprover(approval, 'SECTION_CHIEF', 'FIRST', fresh, later).assignee.email).toBe(chief.email);
    const ended = { delegations: [recorded({ endedAt: '2026-03-02T07:00:00.000Z' })], now: NOW };
    expect(assignApprover(approval, 'SECTION_CHIEF', 'FIRST', fresh, ended).assignee).toEqual({
      ...chief,
      role: 'SECTION_CHIEF',
    });
  });

  it('passes over a delegate who registered the proposal, checked under their own e-mail, to the deputy', () => {
    const theirs: ApprovalHistory = { registeredBy: delegate.email, approvals: {} };
    expect(assignApprover(approval, 'SECTION_CHIEF', 'FIRST', theirs, away)).toEqual({
      assignee: { ...deputy, role: 'DEPUTY' },
      passedOver: [{ email: delegate.email, name: delegate.name, conflict: { rule: 'OWN_PROPOSAL' } }],
    });
  });

  it('passes over a delegate who decided another level of the purchase', () => {
    const history: ApprovalHistory = {
      registeredBy: officer,
      approvals: { FINANCE_SECTION: { by: delegate.email } },
    };
    expect(assignApprover(approval, 'SECTION_CHIEF', 'FIRST', history, away).passedOver).toEqual([
      {
        email: delegate.email,
        name: delegate.name,
        conflict: { rule: 'DECIDED_ANOTHER_LEVEL', level: 'FINANCE_SECTION' },
      },
    ]);
  });

  it('does not let a delegate act for an approver in conflict: the deputy decides, then the administrator', () => {
    const chiefsOwn: ApprovalHistory = { registeredBy: chief.email, approvals: {} };
    expect(assignApprover(approval, 'SECTION_CHIEF', 'FIRST', chiefsOwn, away)).toEqual({
      assignee: { ...deputy, role: 'DEPUTY' },
      passedOver: [{ email: chief.email, name: chief.name, conflict: { rule: 'OWN_PROPOSAL' } }],
    });
    const deputyDecided: ApprovalHistory = {
      registeredBy: chief.email,
      approvals: { FINANCE_SECTION: { by: deputy.email } },
    };
    expect(assignApprover(approval, 'SECTION_CHIEF', 'FIRST', deputyDecided, away).assignee.role).toBe(
      ADMINISTRATOR_ROLE,
    );
  });

  it("sends the section chief's other tasks (countersignature, reviews) to the delegate too", () => {
    expect(assigneeFor(approval, 'SECTION_CHIEF', 'FIRST', away)).toEqual({
      ...delegate,
      role: 'SECTION_CHIEF',
      onBehalfOf: forChief,
    });
    expect(assigneeFor(approval, 'FINANCE_SECTION', 'FIRST', away)).toEqual({
      ...finance,
      role: 'FINANCE_SECTION',
    });
  });
});

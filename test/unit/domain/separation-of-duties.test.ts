import { describe, expect, it } from 'vitest';
import {
  ADMINISTRATOR_ROLE,
  type ApprovalHistory,
  assignApprover,
  dutyConflict,
  NoEligibleApproverError,
} from '../../../shared/domain/separation-of-duties.js';
import { TEST_POLICY } from '../../support/settings.js';

const approval = {
  ...TEST_POLICY.approval,
  administrator: { name: '系统管理员', email: 'admin@civil-affairs.example.gov.cn' },
};
const { SECTION_CHIEF: chief, FINANCE_SECTION: finance } = approval.approvers;
const deputy = approval.deputy;
const officer = 'li.officer@civil-affairs.example.gov.cn';
const fresh: ApprovalHistory = { registeredBy: officer, approvals: {} };

describe('dutyConflict', () => {
  it('finds the registering officer, whatever the case of the address', () => {
    expect(dutyConflict('LI.Officer@civil-affairs.example.gov.cn', 'SECTION_CHIEF', fresh)).toEqual({
      rule: 'OWN_PROPOSAL',
    });
  });

  it('finds who asked for the amendment under approval, beside the officer who registered the purchase', () => {
    const amendment: ApprovalHistory = { ...fresh, amendmentRequestedBy: approval.administrator.email };
    expect(dutyConflict('Admin@civil-affairs.example.gov.cn', 'SECTION_CHIEF', amendment)).toEqual({
      rule: 'OWN_AMENDMENT',
    });
    expect(dutyConflict(officer, 'SECTION_CHIEF', amendment)).toEqual({ rule: 'OWN_PROPOSAL' });
    expect(dutyConflict(approval.administrator.email, 'SECTION_CHIEF', fresh)).toBeUndefined();
  });

  it('finds a person who decided another level, not the level they are asked again', () => {
    const history: ApprovalHistory = {
      registeredBy: officer,
      approvals: { SECTION_CHIEF: { by: deputy.email } },
    };
    expect(dutyConflict(deputy.email, 'FINANCE_SECTION', history)).toEqual({
      rule: 'DECIDED_ANOTHER_LEVEL',
      level: 'SECTION_CHIEF',
    });
    expect(dutyConflict(deputy.email, 'SECTION_CHIEF', history)).toBeUndefined();
    expect(dutyConflict(finance.email, 'FINANCE_SECTION', history)).toBeUndefined();
  });
});

describe('assignApprover', () => {
  it('asks the level approver first and on the reminder, the deputy on escalation, when nothing conflicts', () => {
    expect(assignApprover(approval, 'SECTION_CHIEF', 'FIRST', fresh)).toEqual({
      assignee: { ...chief, role: 'SECTION_CHIEF' },
      passedOver: [],
    });
    expect(assignApprover(approval, 'SECTION_CHIEF', 'REMINDER', fresh).assignee.email).toBe(chief.email);
    expect(assignApprover(approval, 'SECTION_CHIEF', 'ESCALATION', fresh).assignee).toEqual({
      ...deputy,
      role: 'DEPUTY',
    });
  });

  it('gives the deputy the level of an approver who registered the proposal', () => {
    const history: ApprovalHistory = { registeredBy: chief.email, approvals: {} };
    const assigned = assignApprover(approval, 'SECTION_CHIEF', 'FIRST', history);
    expect(assigned.assignee).toEqual({ ...deputy, role: 'DEPUTY' });
    expect(assigned.passedOver).toEqual([
      { email: chief.email, name: chief.name, conflict: { rule: 'OWN_PROPOSAL' } },
    ]);
  });

  it('never escalates a second level to the deputy who decided the first: the administrator takes it', () => {
    const history: ApprovalHistory = {
      registeredBy: officer,
      approvals: { SECTION_CHIEF: { by: deputy.email } },
    };
    const assigned = assignApprover(approval, 'FINANCE_SECTION', 'ESCALATION', history);
    expect(assigned.assignee).toEqual({ ...approval.administrator, role: ADMINISTRATOR_ROLE });
    expect(assigned.passedOver).toEqual([
      {
        email: deputy.email,
        name: deputy.name,
        conflict: { rule: 'DECIDED_ANOTHER_LEVEL', level: 'SECTION_CHIEF' },
      },
    ]);
  });

  it('passes over both the approver and the deputy when neither may decide', () => {
    const history: ApprovalHistory = {
      registeredBy: finance.email,
      approvals: { SECTION_CHIEF: { by: deputy.email } },
    };
    const assigned = assignApprover(approval, 'FINANCE_SECTION', 'FIRST', history);
    expect(assigned.assignee.role).toBe(ADMINISTRATOR_ROLE);
    expect(assigned.passedOver.map((p) => p.conflict.rule)).toEqual([
      'OWN_PROPOSAL',
      'DECIDED_ANOTHER_LEVEL',
    ]);
  });

  it('throws, naming everyone passed over, when the administrator may not decide either or there is none', () => {
    const history: ApprovalHistory = {
      registeredBy: officer,
      approvals: {
        SECTION_CHIEF: { by: deputy.email },
        FINANCE_SECTION: { by: approval.administrator.email },
      },
    };
    expect(() => assignApprover(approval, 'BUREAU_DIRECTOR', 'ESCALATION', history)).toThrow(
      NoEligibleApproverError,
    );
    const { administrator: _none, ...withoutAdministrator } = approval;
    expect(() =>
      assignApprover(withoutAdministrator, 'FINANCE_SECTION', 'ESCALATION', {
        registeredBy: officer,
        approvals: { SECTION_CHIEF: { by: deputy.email } },
      }),
    ).toThrow(/deputy-director@.*DECIDED_ANOTHER_LEVEL.*no administrator is configured/);
  });
});

import type { BilingualText } from '../../shared/domain/bilingual.js';
import type { StaffRole } from '../../shared/domain/staff-roles.js';
import { ENV } from '../../shared/lambda/environment.js';
import type { LocalApp } from './assembly/model.js';

/**
 * The development accounts of the local sign-in page: one person for each role, and the approvers
 * and deputy under the names and addresses the app was deployed with, so that the person signed in
 * as the section chief is the one the approval mails go to.
 */
export interface DevAccount {
  /** The account's subject (`sub`). */
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly roles: readonly StaffRole[];
  /** What the person does at the bureau, shown on the sign-in page. */
  readonly title: BilingualText;
}

interface Person {
  readonly name: string;
  readonly email: string;
}

interface ApproverSettings {
  readonly approvers: Readonly<Record<string, Person>>;
  readonly deputy: Person;
}

const APPROVER_TITLES: Record<string, BilingualText> = {
  SECTION_CHIEF: { zh: '科长（审批）', en: 'section chief (approves)' },
  FINANCE_SECTION: { zh: '财务科（审批）', en: 'finance section (approves)' },
  BUREAU_DIRECTOR: { zh: '局长（审批）', en: 'bureau director (approves)' },
};

const DOMAIN = 'civil-affairs.example.gov.cn';

export function devAccounts(approval: ApproverSettings | undefined): DevAccount[] {
  const approvers = Object.entries(approval?.approvers ?? {}).map(([level, person]) => ({
    id: level.toLowerCase().replaceAll('_', '-'),
    name: person.name,
    email: person.email,
    roles: ['approver'] as const,
    title: APPROVER_TITLES[level] ?? { zh: '审批人', en: 'approver' },
  }));
  return [
    {
      id: 'officer-li',
      name: '李明 Li Ming',
      email: `li.officer@${DOMAIN}`,
      roles: ['officer'],
      title: { zh: '采购专员', en: 'purchasing officer' },
    },
    ...approvers,
    ...(approval
      ? [
          {
            id: 'deputy-director',
            name: approval.deputy.name,
            email: approval.deputy.email,
            roles: ['approver'] as const,
            title: { zh: '副局长（代审批）', en: 'deputy director (stands in for approvers)' },
          },
        ]
      : []),
    {
      id: 'finance-chen',
      name: '陈静 Chen Jing',
      email: `finance.clerk@${DOMAIN}`,
      roles: ['finance'],
      title: { zh: '财务人员', en: 'finance clerk' },
    },
    {
      id: 'finance-head-huang',
      name: '黄敏 Huang Min',
      email: `finance.head@${DOMAIN}`,
      roles: ['finance-head'],
      title: { zh: '财务科负责人', en: 'head of the finance section' },
    },
    {
      id: 'auditor-zhou',
      name: '周立 Zhou Li',
      email: `auditor@${DOMAIN}`,
      roles: ['auditor'],
      title: { zh: '审计员（只读）', en: 'auditor (read-only)' },
    },
    {
      id: 'admin-wu',
      name: '吴强 Wu Qiang',
      email: `admin@${DOMAIN}`,
      roles: ['admin'],
      title: { zh: '系统管理员', en: 'administrator' },
    },
  ];
}

/**
 * The approvers the app was deployed with: the reference data its seeding function is given (the
 * settings' approvers). An administrator's later change of an approver is not followed here.
 */
export function approverSettingsOf(app: LocalApp): ApproverSettings | undefined {
  for (const fn of app.functions) {
    const raw = fn.environment[ENV.referenceSeed];
    if (!raw) continue;
    const roster = (JSON.parse(raw) as { approvers?: Record<string, Person> }).approvers;
    if (!roster?.DEPUTY) continue;
    const { DEPUTY: deputy, ADMINISTRATOR: _administrator, ...approvers } = roster;
    return { approvers, deputy };
  }
  return undefined;
}

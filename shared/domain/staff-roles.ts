import type { BilingualText } from './bilingual.js';

/**
 * Who works in the staff console, and what each role may do. A role is a group of the identity
 * provider (a Cognito group on AWS, a development account's `roles` claim locally); the server
 * checks the permission of every route here, never the console.
 */

export const STAFF_ROLES = ['officer', 'approver', 'finance', 'finance-head', 'auditor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const STAFF_ROLE_LABELS: Record<StaffRole, BilingualText> = {
  officer: { zh: '采购专员', en: 'purchasing officer' },
  approver: { zh: '审批人', en: 'approver' },
  finance: { zh: '财务人员', en: 'finance clerk' },
  'finance-head': { zh: '财务科负责人', en: 'head of the finance section' },
  auditor: { zh: '审计员', en: 'auditor' },
  admin: { zh: '系统管理员', en: 'administrator' },
};

/** What the identity provider says of the signed-in person (the verified token's claims). */
export interface StaffMember {
  /** The token's subject. */
  readonly sub: string;
  readonly email?: string;
  readonly name?: string;
  /** Roles the person holds; unknown group names are dropped. */
  readonly roles: readonly StaffRole[];
}

export const STAFF_PERMISSIONS = {
  /** Register a proposal. */
  submitProposal: ['officer'],
  /** See every purchase (an approver sees only those assigned to them). */
  viewAllPurchases: ['officer', 'finance', 'finance-head', 'auditor', 'admin'],
  /** See the purchases one has a task on. */
  viewAssignedPurchases: ['approver'],
  /** Mail a pending task's link again. */
  resendTaskLink: ['officer', 'admin'],
  /** Withdraw a proposal before approval ends. */
  withdrawProposal: ['officer', 'admin'],
  /** Correct and resubmit a proposal an approver returned (an officer only their own: revise-proposal.ts). */
  reviseProposal: ['officer', 'admin'],
  /** Ask to amend a signed contract (an officer only their own purchase: request-amendment.ts). */
  amendPurchase: ['officer', 'admin'],
  /** Confirm a tranche was paid. */
  confirmPayment: ['finance'],
  /**
   * Give up what is still due on a tranche, with a reason. Not the clerk who confirms payments:
   * a waiver is the section head's decision (four eyes on money the NGO is owed), or in their
   * absence an administrator's; either is on the audit trail by name.
   */
  waiveTranche: ['finance-head', 'admin'],
  /** Correct a mistyped bank reference of a confirmed payment, with a reason (the original is kept). */
  correctPaymentRecord: ['finance', 'finance-head'],
  /** See the reference data (budget lines, benchmarks, approvers, agency roster) and its changes. */
  viewReferenceData: ['admin', 'auditor'],
  /** Edit budget lines, benchmarks, approvers and the agency roster. */
  editReferenceData: ['admin'],
  /** Name a delegate for a period away (an approver for themselves, an administrator for any approver). */
  delegateTasks: ['approver', 'admin'],
} as const satisfies Record<string, readonly StaffRole[]>;
export type StaffPermission = keyof typeof STAFF_PERMISSIONS;

export const STAFF_PERMISSION_LABELS: Record<StaffPermission, BilingualText> = {
  submitProposal: { zh: '登记项目立项', en: 'register proposals' },
  viewAllPurchases: { zh: '查看全部采购项目', en: 'see every purchase' },
  viewAssignedPurchases: { zh: '查看分配给本人的项目', en: 'see the purchases assigned to you' },
  resendTaskLink: { zh: '重新发送任务链接', en: 'send a task link again' },
  withdrawProposal: { zh: '撤回审批中的项目', en: 'withdraw proposals under approval' },
  reviseProposal: { zh: '修改被退回的立项申请并重新提交', en: 'revise and resubmit returned proposals' },
  amendPurchase: { zh: '申请变更已签署的合同', en: 'ask to amend signed contracts' },
  confirmPayment: { zh: '确认付款', en: 'confirm payments' },
  waiveTranche: { zh: '决定款项免于支付（须说明理由）', en: 'waive a tranche due, with a reason' },
  correctPaymentRecord: { zh: '更正付款记录的银行流水号', en: "correct a payment record's bank reference" },
  viewReferenceData: { zh: '查看基础数据及其变更', en: 'see the reference data and its changes' },
  editReferenceData: { zh: '维护基础数据', en: 'edit reference data' },
  delegateTasks: { zh: '外出时委托他人审批', en: 'name a delegate while away' },
};

/** The permissions the person's roles give, in the order they are listed above. */
export function permissionsOf(staff: StaffMember): StaffPermission[] {
  return (Object.keys(STAFF_PERMISSIONS) as StaffPermission[]).filter((p) => hasPermission(staff, p));
}

export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value);
}

export function hasPermission(staff: StaffMember, permission: StaffPermission): boolean {
  const allowed: readonly StaffRole[] = STAFF_PERMISSIONS[permission];
  return staff.roles.some((role) => allowed.includes(role));
}

/**
 * Whether the person may act on a purchase with a permission held for one's own purchases: an
 * administrator on any, an officer only on one they registered.
 */
export function mayActOnOwnPurchase(
  staff: StaffMember,
  permission: StaffPermission,
  purchase: { createdBy: string },
): boolean {
  if (staff.roles.includes('admin')) return true;
  if (!hasPermission(staff, permission)) return false;
  const registeredBy = purchase.createdBy.toLowerCase();
  return registeredBy === staff.email?.toLowerCase() || registeredBy === staff.sub.toLowerCase();
}

/** The signed-in person may not do or see this; the HTTP edge answers 403 with the message. */
export class NotPermittedError extends Error {
  override name = 'NotPermittedError';
}

/**
 * Whether the person may see a purchase: every purchase for the roles that see all of them, and
 * for an approver only a purchase on which a task was ever assigned to their e-mail address.
 */
export function mayViewPurchase(staff: StaffMember, assigneeEmails: readonly string[]): boolean {
  if (hasPermission(staff, 'viewAllPurchases')) return true;
  if (!hasPermission(staff, 'viewAssignedPurchases') || !staff.email) return false;
  const mine = staff.email.toLowerCase();
  return assigneeEmails.some((email) => email.toLowerCase() === mine);
}

/** Refuses (NotPermittedError) a person who may not see the purchase whose tasks' assignees are given. */
export function assertMayViewPurchase(staff: StaffMember, assigneeEmails: readonly string[]): void {
  if (!mayViewPurchase(staff, assigneeEmails))
    throw new NotPermittedError('this purchase has no task of yours');
}

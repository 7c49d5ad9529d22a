import type { ApproverRoster } from '../../../shared/domain/reference-data.js';
import { definedOnly } from '../proposal/typed-text.js';
import { APPROVER_ROLES, type ApproverRole } from './reference-view.js';
import { type SectionDrafting, trimmedText } from './section-drafting.js';

/** Each approver's name and e-mail as typed; the roles are fixed. */
export type ApproversDraft = Record<ApproverRole, { name: string; email: string }>;

const roster = <T>(of: (role: ApproverRole) => T) =>
  Object.fromEntries(APPROVER_ROLES.map((role) => [role, of(role)])) as Record<ApproverRole, T>;

export const APPROVERS: SectionDrafting<ApproverRoster, ApproversDraft> = {
  name: 'approvers',
  draftOf: (value) => roster((role) => ({ name: value[role]?.name ?? '', email: value[role]?.email ?? '' })),
  valueOf: (draft) =>
    roster((role) =>
      definedOnly({ name: trimmedText(draft[role].name), email: trimmedText(draft[role].email) }),
    ),
  shownPaths: () =>
    new Set(APPROVER_ROLES.flatMap((role) => [`approvers.${role}.name`, `approvers.${role}.email`])),
  typedProblems: () => new Map(),
};

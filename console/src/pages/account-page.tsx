import {
  STAFF_PERMISSION_LABELS,
  STAFF_ROLE_LABELS,
  type StaffMember,
  type StaffPermission,
} from '../../../shared/domain/staff-roles.js';
import { DelegationsSection } from '../account/delegations-section.js';
import type { TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { useApiGet } from '../use-api.js';

export interface Profile extends StaffMember {
  readonly permissions: readonly StaffPermission[];
}

/** Who the server takes the signed-in person for, and what their roles let them do. */
export function AccountPage({ token }: { token: TokenSource }) {
  const { data: profile, error } = useApiGet<Profile>(token, '/me');
  return (
    <>
      <h1>
        <Bilingual zh="我的账号" en="Your account" />
      </h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {profile && (
        <>
          <dl class="facts">
            <dt>姓名 · Name</dt>
            <dd>{profile.name ?? '—'}</dd>
            <dt>邮箱 · E-mail</dt>
            <dd>{profile.email ?? '—'}</dd>
            <dt>角色 · Roles</dt>
            <dd>
              {profile.roles.map((role) => (
                <span class="tag" key={role}>
                  {STAFF_ROLE_LABELS[role].zh} · {STAFF_ROLE_LABELS[role].en}
                </span>
              ))}
            </dd>
          </dl>
          <h2>
            <Bilingual zh="您可以" en="What you can do" />
          </h2>
          <ul>
            {profile.permissions.map((p) => (
              <li key={p}>
                {STAFF_PERMISSION_LABELS[p].zh} · <span lang="en">{STAFF_PERMISSION_LABELS[p].en}</span>
              </li>
            ))}
          </ul>
          {profile.permissions.includes('delegateTasks') && (
            <DelegationsSection token={token} admin={profile.roles.includes('admin')} />
          )}
        </>
      )}
    </>
  );
}

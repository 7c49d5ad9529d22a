import { useEffect, useState } from 'preact/hooks';
import {
  STAFF_PERMISSION_LABELS,
  STAFF_ROLE_LABELS,
  type StaffMember,
  type StaffPermission,
} from '../../shared/domain/staff-roles.js';
import { ApiError, apiGet, type TokenSource } from './api.js';
import { Bilingual } from './bilingual.js';
import type { Session, SignIn } from './session.js';

interface Profile extends StaffMember {
  readonly permissions: readonly StaffPermission[];
}

export function App({ signIn, session }: { signIn: SignIn; session: Session | undefined }) {
  if (!session) return <SignedOut signIn={signIn} />;
  const token: TokenSource = () => session.idToken;
  return (
    <>
      <a class="skip" href="#main">
        跳到正文 · Skip to content
      </a>
      <header class="bar">
        <p class="brand">
          <Bilingual zh="政府购买服务工作台" en="Purchases of NGO services" />
        </p>
        <div class="who">
          <span>{session.staff.name ?? session.staff.email ?? session.staff.sub}</span>
          <button type="button" class="link" onClick={() => void signIn.signOut()}>
            退出 · Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <AccountPage token={token} />
      </main>
    </>
  );
}

function SignedOut({ signIn }: { signIn: SignIn }) {
  return (
    <main id="main" class="signed-out">
      <h1>
        <Bilingual zh="政府购买服务工作台" en="Purchases of NGO services" />
      </h1>
      <p>
        <Bilingual
          zh="民政局工作人员请登录后办理立项、审批、付款和查询。"
          en="Bureau staff sign in to register proposals, decide, pay and look up purchases."
        />
      </p>
      <button type="button" class="primary" onClick={() => void signIn.signIn()}>
        登录 · Sign in
      </button>
    </main>
  );
}

/** Who the server takes the signed-in person for, and what their roles let them do. */
function AccountPage({ token }: { token: TokenSource }) {
  const [profile, setProfile] = useState<Profile>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    apiGet<Profile>(token, '/me').then(setProfile, (e: unknown) =>
      setError(e instanceof ApiError ? `${e.status}: ${e.message}` : String(e)),
    );
  }, [token]);
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
        </>
      )}
    </>
  );
}

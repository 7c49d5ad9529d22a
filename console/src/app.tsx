import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { hasPermission, type StaffMember, type StaffRole } from '../../shared/domain/staff-roles.js';
import type { TokenSource } from './api.js';
import { Bilingual } from './bilingual.js';
import { AccountPage } from './pages/account-page.js';
import { FinancePage } from './pages/finance-page.js';
import { MyTasksPage } from './pages/my-tasks-page.js';
import { ProposalPage } from './pages/proposal-page.js';
import { PurchasePage } from './pages/purchase-page.js';
import { PurchasesPage } from './pages/purchases-page.js';
import { ReferenceDataPage } from './pages/reference-data-page.js';
import { RevisePage } from './pages/revise-page.js';
import { href, type Route, useRoute } from './route.js';
import type { Session, SignIn } from './session.js';

interface Section {
  readonly path: string;
  readonly zh: string;
  readonly en: string;
  readonly shownTo: (staff: StaffMember) => boolean;
  /** Where these roles land after signing in (the first section naming one of the person's roles). */
  readonly homeOf?: readonly StaffRole[];
  readonly page: (props: { token: TokenSource; route: Route; staff: StaffMember }) => ComponentChildren;
}

/** The console's sections, in the order of the navigation; each is offered to the roles it serves. */
const SECTIONS: readonly Section[] = [
  {
    path: '/purchases',
    zh: '采购项目',
    en: 'Purchases',
    homeOf: ['officer', 'auditor', 'admin'],
    shownTo: (s) => hasPermission(s, 'viewAllPurchases') || hasPermission(s, 'viewAssignedPurchases'),
    page: ({ token, route, staff }) => {
      const revising = /^\/purchases\/([^/]+)\/revise$/.exec(route.path)?.[1];
      if (revising)
        return <RevisePage token={token} purchaseId={decodeURIComponent(revising)} staff={staff} />;
      const purchaseId = /^\/purchases\/([^/]+)$/.exec(route.path)?.[1];
      return purchaseId ? (
        <PurchasePage token={token} purchaseId={decodeURIComponent(purchaseId)} staff={staff} />
      ) : (
        <PurchasesPage token={token} route={route} />
      );
    },
  },
  {
    path: '/proposals/new',
    zh: '新建立项',
    en: 'New proposal',
    shownTo: (s) => hasPermission(s, 'submitProposal'),
    page: ({ token, staff }) => <ProposalPage token={token} staff={staff} />,
  },
  {
    path: '/my/tasks',
    zh: '我的待办',
    en: 'My tasks',
    homeOf: ['approver'],
    shownTo: () => true,
    page: ({ token }) => <MyTasksPage token={token} />,
  },
  {
    path: '/finance',
    zh: '待付款项',
    en: 'Tranches due',
    homeOf: ['finance', 'finance-head'],
    shownTo: (s) => hasPermission(s, 'confirmPayment') || hasPermission(s, 'viewAllPurchases'),
    page: ({ token, staff }) => <FinancePage token={token} staff={staff} />,
  },
  {
    path: '/reference-data',
    zh: '基础数据',
    en: 'Reference data',
    shownTo: (s) => hasPermission(s, 'viewReferenceData'),
    page: ({ token, staff }) => <ReferenceDataPage token={token} staff={staff} />,
  },
  {
    path: '/account',
    zh: '我的账号',
    en: 'Your account',
    shownTo: () => true,
    page: ({ token }) => <AccountPage token={token} />,
  },
];

export function App({ signIn, session }: { signIn: SignIn; session: Session | undefined }) {
  if (!session) return <SignedOut signIn={signIn} />;
  return <SignedIn signIn={signIn} session={session} />;
}

function SignedIn({ signIn, session }: { signIn: SignIn; session: Session }) {
  const route = useRoute();
  const token: TokenSource = () => session.idToken;
  const sections = SECTIONS.filter((s) => s.shownTo(session.staff));
  const home =
    sections.find((s) => s.homeOf?.some((role) => session.staff.roles.includes(role))) ?? sections[0];
  const section = sections.find((s) => route.path === s.path || route.path.startsWith(`${s.path}/`)) ?? home;
  const main = useRef<HTMLElement>(null);
  // A new page moves the keyboard focus to its content, as a page load would.
  useEffect(() => main.current?.focus(), [route.path]);
  return (
    <>
      {/* A button, not a link: the address's `#` part is the console's route. */}
      <button type="button" class="skip" onClick={() => main.current?.focus()}>
        跳到正文 · Skip to content
      </button>
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
      <nav class="sections" aria-label="主菜单 · Main menu">
        <ul>
          {sections.map((s) => (
            <li key={s.path}>
              <a href={href(s.path)} aria-current={s === section ? 'page' : undefined}>
                {s.zh} <span lang="en">{s.en}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        {section?.page({ token, route, staff: session.staff })}
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

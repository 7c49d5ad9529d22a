import { useState } from 'preact/hooks';
import { type Amendment, openAmendment } from '../../../shared/domain/amendments.js';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { chinaCalendarDate, formatChinaTime } from '../../../shared/domain/china-time.js';
import { ALLOWED_TRANSITIONS, STAGES, type Stage } from '../../../shared/domain/lifecycle.js';
import type { ApprovalLevel } from '../../../shared/domain/policy-settings.js';
import type { ServiceArea } from '../../../shared/domain/proposal.js';
import type { Outcome, TerminationRecord } from '../../../shared/domain/purchase.js';
import type { RevisionRecord } from '../../../shared/domain/revision.js';
import { hasPermission, mayActOnOwnPurchase, type StaffMember } from '../../../shared/domain/staff-roles.js';
import type { RecordedDecision, TaskAttempt, TaskPurpose } from '../../../shared/domain/tasks.js';
import { WITHDRAWABLE_STAGES, type WithdrawalRecord } from '../../../shared/domain/withdrawal.js';
import {
  APPROVAL_LEVEL_LABELS,
  OUTCOME_LABELS,
  SERVICE_AREA_LABELS,
  STAGE_LABELS,
  TASK_ATTEMPT_LABELS,
  TASK_PURPOSE_LABELS,
} from '../../../shared/presentation/labels.js';
import { ApiError, apiPost, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import type { ContractMoney } from '../purchase/amendment-value.js';
import { AmendmentsSection } from '../purchase/amendments-section.js';
import { DocumentsSection, type DocumentView } from '../purchase/documents-section.js';
import { EvaluationSection, type EvaluationView } from '../purchase/evaluation-section.js';
import { PaymentsSection, type TrancheView } from '../purchase/payments-section.js';
import { type AuditEntryView, TimelineSection } from '../purchase/timeline-section.js';
import { WithdrawForm } from '../purchase/withdraw-form.js';
import { href } from '../route.js';
import { useApiGet } from '../use-api.js';

/** What the page reads of GET /purchases/{id} (purchaseView on the server). */
interface PurchaseView {
  readonly purchaseId: string;
  readonly stage: Stage;
  readonly title: string;
  readonly ngo: { readonly name: string; readonly creditCode: string };
  readonly serviceArea: ServiceArea;
  readonly term: { readonly start: string; readonly end: string };
  readonly totalYuan: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly pendingTasks: readonly {
    readonly taskId: string;
    readonly purpose: TaskPurpose;
    readonly assignee: { readonly name: string; readonly email: string };
    readonly attempt: TaskAttempt;
    readonly createdAt: string;
    readonly expiresAt: string;
  }[];
  /** The newest uploads; `deliverablesNext` reads the page before them. */
  readonly deliverables: readonly DocumentView[];
  readonly deliverablesNext?: string;
  readonly deliverablesTotal: number;
  /** Later versions quarantined under recorded uploads, counted over the whole trail. */
  readonly laterVersionsQuarantined: number;
  readonly payments: readonly TrancheView[];
  /** The newest entries of the audit trail; `auditNext` reads the page before them. */
  readonly audit: readonly AuditEntryView[];
  readonly auditNext?: string;
  /** The whole trail's verification. */
  readonly auditChain: { readonly valid: boolean; readonly entries?: number; readonly reason?: string };
  readonly outcome?: Pick<Outcome, 'result' | 'reason' | 'reasonText' | 'by' | 'at'>;
  readonly termination?: TerminationRecord;
  readonly withdrawal?: WithdrawalRecord;
  readonly evaluation?: EvaluationView;
  /** The return the officer is asked to answer now, while the revision waits. */
  readonly awaitingRevision?: {
    readonly level: ApprovalLevel;
    readonly round: number;
    readonly returned: RecordedDecision;
    readonly dueBy: string;
  };
  readonly revisions: readonly RevisionRecord[];
  readonly contract?: { readonly signedAt?: string };
  /** Every amendment of the signed contract, oldest first. */
  readonly amendments?: readonly Amendment[];
  /** The proposal as it stands (with every amendment in force): the amendment form starts from its money. */
  readonly proposal: ContractMoney;
}

/** The officer who registered the purchase, or an administrator, corrects a returned proposal. */
function mayReviseIt(staff: StaffMember, createdBy: string): boolean {
  return mayActOnOwnPurchase(staff, 'reviseProposal', { createdBy });
}

/** The form is offered while the contract is in force, the purchase open and no amendment open. */
function mayAmendIt(staff: StaffMember, view: PurchaseView): boolean {
  const ended = view.stage === 'CLOSED' || view.stage === 'TERMINATED' || view.stage === 'REJECTED';
  return (
    Boolean(view.contract?.signedAt) &&
    !ended &&
    !openAmendment({ amendments: [...(view.amendments ?? [])] }) &&
    mayActOnOwnPurchase(staff, 'amendPurchase', view)
  );
}

/**
 * Why a purchase ended as it did, in both languages; an end recorded before reasons were kept in
 * both shows the English line it has.
 */
function Reason({ text, recorded }: { text: BilingualText | undefined; recorded: string }) {
  return text ? <Bilingual zh={text.zh} en={text.en} /> : <span lang="en">{recorded}</span>;
}

/** The path a purchase takes; a purchase that ends early ends at REJECTED or TERMINATED instead. */
const PATH: readonly Stage[] = STAGES.filter((s) => s !== 'REJECTED' && s !== 'TERMINATED');

export function PurchasePage({
  token,
  purchaseId,
  staff,
}: {
  token: TokenSource;
  purchaseId: string;
  staff: StaffMember;
}) {
  const {
    data: view,
    error,
    reload,
  } = useApiGet<PurchaseView>(token, `/purchases/${encodeURIComponent(purchaseId)}`);
  const [notice, setNotice] = useState<string>();

  const mayResend = hasPermission(staff, 'resendTaskLink');
  const mayWithdraw = hasPermission(staff, 'withdrawProposal');
  const resend = async (taskId: string) => {
    try {
      const sent = await apiPost<{ to: string }>(
        token,
        `/purchases/${encodeURIComponent(purchaseId)}/resend-link`,
        {
          taskId,
        },
      );
      setNotice(
        `新链接已发送至 ${sent.to}，旧链接已失效。· A new link was mailed to ${sent.to}; the old one no longer works.`,
      );
    } catch (e) {
      setNotice(`未能重新发送 · Not sent: ${e instanceof ApiError ? e.message : String(e)}`);
    }
    reload();
  };

  if (error)
    return (
      <>
        <p>
          <a href={href('/purchases')}>← 采购项目 · Purchases</a>
        </p>
        <p role="alert" class="error">
          {error}
        </p>
      </>
    );
  if (!view) return <p aria-live="polite">加载中 · Loading…</p>;
  const today = chinaCalendarDate(new Date().toISOString());
  return (
    <>
      <p>
        <a href={href('/purchases')}>← 采购项目 · Purchases</a>
      </p>
      <h1>
        {view.title}
        <span class="en id">{view.purchaseId}</span>
      </h1>
      <Lifecycle stage={view.stage} />
      <dl class="facts">
        <dt>承接机构 · NGO</dt>
        <dd>
          {view.ngo.name} <span class="id">{view.ngo.creditCode}</span>
        </dd>
        <dt>服务领域 · Service area</dt>
        <dd>
          {SERVICE_AREA_LABELS[view.serviceArea].zh} · {SERVICE_AREA_LABELS[view.serviceArea].en}
        </dd>
        <dt>金额 · Amount</dt>
        <dd>{view.totalYuan}</dd>
        <dt>服务期 · Term</dt>
        <dd>
          {view.term.start} – {view.term.end}
        </dd>
        <dt>登记 · Registered</dt>
        <dd>
          {view.createdBy}, {formatChinaTime(view.createdAt)}
        </dd>
        {view.outcome && (
          <>
            <dt>审批结果 · Outcome</dt>
            <dd>
              <strong>
                {OUTCOME_LABELS[view.outcome.result].zh} · {OUTCOME_LABELS[view.outcome.result].en}
              </strong>{' '}
              <Reason text={view.outcome.reasonText} recorded={view.outcome.reason} />
              <span class="id">
                {view.outcome.by}, {formatChinaTime(view.outcome.at)}
              </span>
            </dd>
          </>
        )}
        {view.termination && (
          <>
            <dt>终止 · Terminated</dt>
            <dd>
              <Reason text={view.termination.reasonText} recorded={view.termination.reason} />
              <span class="id">{formatChinaTime(view.termination.at)}</span>
            </dd>
          </>
        )}
      </dl>
      {view.withdrawal && !view.outcome && (
        <p role="status" class="notice">
          <Bilingual
            zh={`${view.withdrawal.by} 已撤回此项目（${view.withdrawal.reason}），审批正在终止。`}
            en={`${view.withdrawal.by} withdrew this proposal (${view.withdrawal.reason}); approval is being ended.`}
          />
        </p>
      )}
      {view.awaitingRevision && (
        <ReturnedNotice
          purchaseId={view.purchaseId}
          returned={view.awaitingRevision}
          mayRevise={mayReviseIt(staff, view.createdBy)}
        />
      )}
      {mayWithdraw && !view.withdrawal && WITHDRAWABLE_STAGES.includes(view.stage) && (
        <details class="withdraw-panel">
          <summary>
            撤回项目 <span lang="en">Withdraw this proposal</span>
          </summary>
          <WithdrawForm token={token} purchaseId={view.purchaseId} onDone={reload} />
        </details>
      )}

      <h2>
        <Bilingual zh="待办任务" en="Pending tasks" />
      </h2>
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      {view.pendingTasks.length === 0 ? (
        <p>
          <Bilingual zh="当前没有等待处理的任务。" en="Nothing is waiting on anyone." />
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">任务 · Task</th>
                <th scope="col">处理人 · Held by</th>
                <th scope="col">发出 · Since</th>
                <th scope="col">期限 · Due</th>
                <th scope="col">状态 · Asking</th>
                {mayResend && <th scope="col">链接 · Link</th>}
              </tr>
            </thead>
            <tbody>
              {view.pendingTasks.map((t) => (
                <tr key={t.taskId}>
                  <td>
                    {TASK_PURPOSE_LABELS[t.purpose].zh} · {TASK_PURPOSE_LABELS[t.purpose].en}
                  </td>
                  <td>
                    {t.assignee.name}
                    <span class="id">{t.assignee.email}</span>
                  </td>
                  <td>{formatChinaTime(t.createdAt)}</td>
                  <td>{formatChinaTime(t.expiresAt)}</td>
                  <td>
                    {TASK_ATTEMPT_LABELS[t.attempt].zh} · {TASK_ATTEMPT_LABELS[t.attempt].en}
                  </td>
                  {mayResend && (
                    <td>
                      {t.purpose === 'PAYMENT_CONFIRMATION' || t.purpose === 'REVISION' ? (
                        '—'
                      ) : (
                        <button type="button" onClick={() => void resend(t.taskId)}>
                          重新发送 · Send again
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <PaymentsSection
        token={token}
        staff={staff}
        purchaseId={view.purchaseId}
        payments={view.payments}
        today={today}
        onDone={reload}
      />

      <DocumentsSection
        token={token}
        purchaseId={view.purchaseId}
        documents={view.deliverables}
        documentsNext={view.deliverablesNext}
        total={view.deliverablesTotal}
        laterVersions={view.laterVersionsQuarantined}
      />

      {view.evaluation && <EvaluationSection evaluation={view.evaluation} />}

      {view.revisions.length > 0 && <RevisionsSection revisions={view.revisions} />}

      {view.contract?.signedAt && (
        <AmendmentsSection
          token={token}
          purchaseId={view.purchaseId}
          amendments={view.amendments ?? []}
          mayAmend={mayAmendIt(staff, view)}
          money={view.proposal}
          payments={view.payments}
          onDone={reload}
        />
      )}

      <TimelineSection
        token={token}
        purchaseId={view.purchaseId}
        audit={view.audit}
        auditNext={view.auditNext}
        auditChain={view.auditChain}
      />
    </>
  );
}

/** 退回修改 · Returned for revision: who returned it, when, what to correct, and for its officer the way to do it. */
function ReturnedNotice({
  purchaseId,
  returned,
  mayRevise,
}: {
  purchaseId: string;
  returned: NonNullable<PurchaseView['awaitingRevision']>;
  mayRevise: boolean;
}) {
  const level = APPROVAL_LEVEL_LABELS[returned.level];
  const r = returned.returned;
  return (
    <section class="notice returned" aria-labelledby="returned-heading">
      <h2 id="returned-heading">
        <Bilingual zh="退回修改" en="Returned for revision" />
      </h2>
      <p>
        <Bilingual
          zh={`${level.zh} ${r.byName}（${r.by}）于 ${formatChinaTime(r.at)} 退回修改（第 ${returned.round} 轮），请于 ${formatChinaTime(returned.dueBy)} 前修改并重新提交：`}
          en={`${level.en} ${r.byName} (${r.by}) returned it for revision on ${formatChinaTime(r.at)} (round ${returned.round}); resubmit it by ${formatChinaTime(returned.dueBy)}:`}
        />
      </p>
      <blockquote class="pre">{r.comment}</blockquote>
      {mayRevise && (
        <p>
          <a class="button primary" href={href(`/purchases/${encodeURIComponent(purchaseId)}/revise`)}>
            修改并重新提交 · Revise and resubmit
          </a>
        </p>
      )}
    </section>
  );
}

/** Each time the proposal was returned and resubmitted: who returned it and why, who revised it, the note and what changed. */
function RevisionsSection({ revisions }: { revisions: readonly RevisionRecord[] }) {
  return (
    <>
      <h2>
        <Bilingual zh="修改记录" en="Revisions" />
      </h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">轮次 · Round</th>
              <th scope="col">退回 · Returned</th>
              <th scope="col">修改 · Revised</th>
              <th scope="col">修改的栏目 · Fields changed</th>
            </tr>
          </thead>
          <tbody>
            {revisions.map((r) => (
              <tr key={r.round}>
                <td>{r.round}</td>
                <td>
                  {APPROVAL_LEVEL_LABELS[r.level].zh} · {APPROVAL_LEVEL_LABELS[r.level].en}:{' '}
                  {r.returned.byName}, {formatChinaTime(r.returned.at)}
                  <div class="pre">{r.returned.comment}</div>
                </td>
                <td>
                  {r.revisedBy}, {formatChinaTime(r.revisedAt)}
                  {r.note && <div class="pre">{r.note}</div>}
                </td>
                <td>{r.changed.length === 0 ? '—' : r.changed.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * The steps an early end can follow: the path up to the last stage it can end from (a proposal is
 * rejected or withdrawn before contracting, so its row must not show contracting as done).
 */
function stepsEndingAt(end: Stage): readonly Stage[] {
  const last = PATH.findLastIndex((s) => ALLOWED_TRANSITIONS[s].includes(end));
  return [...PATH.slice(0, last + 1), end];
}

/** The lifecycle as a row of steps, the current one marked (for a screen reader too). */
function Lifecycle({ stage }: { stage: Stage }) {
  const ended = stage === 'REJECTED' || stage === 'TERMINATED';
  const steps: readonly Stage[] = ended ? stepsEndingAt(stage) : PATH;
  const current = steps.indexOf(stage);
  return (
    <ol class="lifecycle" aria-label="流程 · Lifecycle">
      {steps.map((s, i) => (
        <li
          key={s}
          class={i < current ? 'done' : i === current ? `current${ended ? ' ended' : ''}` : 'todo'}
          aria-current={i === current ? 'step' : undefined}
        >
          {STAGE_LABELS[s].zh}
          <span class="en" lang="en">
            {STAGE_LABELS[s].en}
          </span>
        </li>
      ))}
    </ol>
  );
}

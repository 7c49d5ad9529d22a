import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { formatYuan } from '../../../shared/domain/money.js';
import { PAYMENT_REASON_MAX_CHARS } from '../../../shared/domain/payment-records.js';
import type { TrancheMilestone } from '../../../shared/domain/proposal.js';
import { hasPermission, type StaffMember } from '../../../shared/domain/staff-roles.js';
import { TRANCHE_MILESTONE_LABELS } from '../../../shared/presentation/labels.js';
import { apiPost, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { ReasonForm } from '../reason-form.js';
import { href } from '../route.js';
import { useApiGet } from '../use-api.js';

/** A row of GET /finance/tranches (TrancheDue on the server). */
interface TrancheDue {
  readonly purchaseId: string;
  readonly title: string;
  readonly ngoName: string;
  readonly tranche: number;
  readonly milestone: TrancheMilestone;
  readonly amountFen: number;
  readonly paidFen: number;
  readonly outstandingFen: number;
  readonly dueDate?: string;
  readonly overdue: boolean;
  readonly confirmLink?: string;
}

const keyOf = (t: TrancheDue) => `${t.purchaseId}-${t.tranche}`;

/**
 * The head of the finance section (or an administrator) gives up what is left of a tranche, with
 * a reason: in a row of its own under the tranche's, opened from the tranche's Waive button, so
 * the list stays a list and the form has the page's width.
 */
function WaiveForm({
  token,
  tranche,
  onDone,
}: {
  token: TokenSource;
  tranche: TrancheDue;
  onDone: () => void;
}) {
  return (
    <ReasonForm
      id={`waive-${keyOf(tranche)}`}
      class="waive-form"
      label={{ zh: '免于支付的理由', en: 'Why it will not be paid' }}
      hint={{
        zh: `余额 ${formatYuan(tranche.outstandingFen)} 将不再支付，并在结项时退回预算指标；理由记入审计记录。`,
        en: `The ${formatYuan(tranche.outstandingFen)} left will not be paid and goes back to the budget line at closing; the reason goes on the audit trail.`,
      }}
      maxLength={PAYMENT_REASON_MAX_CHARS}
      action={{ zh: '免于支付', en: 'Waive' }}
      confirm={{ zh: '确认免于支付', en: 'Confirm: waive' }}
      failed={{ zh: '未能免于支付。', en: 'Not waived' }}
      submit={(reason) =>
        apiPost(
          token,
          `/purchases/${encodeURIComponent(tranche.purchaseId)}/tranches/${tranche.tranche}/waive`,
          { reason },
        )
      }
      onDone={onDone}
    />
  );
}

/** What finance owes across purchases: overdue first marked, each with its confirmation page. */
export function FinancePage({ token, staff }: { token: TokenSource; staff: StaffMember }) {
  const {
    data: answer,
    error,
    reload,
  } = useApiGet<{ today: string; tranches: TrancheDue[] }>(token, '/finance/tranches');
  const waives = hasPermission(staff, 'waiveTranche');
  const [waiving, setWaiving] = useState<string>();
  const overdue = answer?.tranches.filter((t) => t.overdue).length ?? 0;
  const totalFen = answer?.tranches.reduce((sum, t) => sum + t.outstandingFen, 0) ?? 0;
  return (
    <>
      <h1>
        <Bilingual zh="待付款项" en="Tranches due" />
      </h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!answer && !error && <p aria-live="polite">加载中 · Loading…</p>}
      {answer && (
        <p>
          截至 {answer.today}：{answer.tranches.length} 笔待付，共 {formatYuan(totalFen)}，其中 {overdue}{' '}
          笔逾期 ·{' '}
          <span lang="en">
            On {answer.today}: {answer.tranches.length} to pay, {formatYuan(totalFen)} in all, {overdue}{' '}
            overdue
          </span>
        </p>
      )}
      {answer && answer.tranches.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">项目 · Purchase</th>
                <th scope="col">期次 · Tranche</th>
                <th scope="col" class="num">
                  待付 · To pay
                </th>
                <th scope="col">到期 · Due</th>
                <th scope="col">确认 · Confirm</th>
                {waives && <th scope="col">免于支付 · Waive</th>}
              </tr>
            </thead>
            <tbody>
              {answer.tranches.map((t) => (
                <Fragment key={keyOf(t)}>
                  <tr class={t.overdue ? 'overdue' : undefined}>
                    <td>
                      <a href={href(`/purchases/${t.purchaseId}`)}>{t.title}</a>
                      <span class="id">{t.ngoName}</span>
                    </td>
                    <td>
                      {t.tranche} · {TRANCHE_MILESTONE_LABELS[t.milestone].zh}
                    </td>
                    <td class="num">
                      {formatYuan(t.outstandingFen)}
                      {t.paidFen > 0 && (
                        <span class="hint paid-so-far">
                          已付 {formatYuan(t.paidFen)} / {formatYuan(t.amountFen)} ·{' '}
                          <span lang="en">paid so far</span>
                        </span>
                      )}
                    </td>
                    <td>
                      {t.dueDate ?? '—'}
                      {t.overdue && <strong class="flag"> 已逾期 · overdue</strong>}
                    </td>
                    <td>
                      {t.confirmLink ? (
                        <a class="button" href={t.confirmLink}>
                          确认付款 · Confirm
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                    {waives && (
                      <td>
                        <button
                          type="button"
                          aria-expanded={waiving === keyOf(t) ? 'true' : 'false'}
                          aria-controls={`waive-row-${keyOf(t)}`}
                          onClick={() => setWaiving(waiving === keyOf(t) ? undefined : keyOf(t))}
                        >
                          免于支付… · Waive…
                        </button>
                      </td>
                    )}
                  </tr>
                  {waives && waiving === keyOf(t) && (
                    <tr id={`waive-row-${keyOf(t)}`} class="waive-row">
                      <td colSpan={6}>
                        <WaiveForm
                          token={token}
                          tranche={t}
                          onDone={() => {
                            setWaiving(undefined);
                            reload();
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

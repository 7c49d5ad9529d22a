import { formatChinaTime } from '../../../shared/domain/china-time.js';
import { formatYuan } from '../../../shared/domain/money.js';
import {
  currentReference,
  isOverdue,
  PAYMENT_REASON_MAX_CHARS,
  type PaymentStatus,
  type PaymentTransfer,
} from '../../../shared/domain/payment-records.js';
import type { TrancheMilestone } from '../../../shared/domain/proposal.js';
import { hasPermission, type StaffMember } from '../../../shared/domain/staff-roles.js';
import { PAYMENT_STATUS_LABELS } from '../../../shared/presentation/labels.js';
import { apiPost, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { ReasonForm } from '../reason-form.js';

/** A tranche as GET /purchases/{id} gives it (the payment record). */
export interface TrancheView {
  readonly tranche: number;
  readonly milestone: TrancheMilestone;
  /** When finance was told to pay it (absent on a tranche withheld or cancelled before that). */
  readonly notifiedAt?: string;
  readonly amountFen: number;
  readonly paidFen?: number;
  readonly dueDate?: string;
  readonly status: PaymentStatus;
  readonly reason?: string;
  readonly transfers?: readonly PaymentTransfer[];
}

/** Finance corrects a transfer's mistyped bank reference, with a reason; the one confirmed is kept. */
function CorrectionControl(props: {
  token: TokenSource;
  purchaseId: string;
  tranche: number;
  transfer: PaymentTransfer;
  onDone: () => void;
}) {
  const { tranche, transfer } = props;
  return (
    <details class="correct">
      <summary>
        更正流水号… <span lang="en">Correct the reference…</span>
      </summary>
      <ReasonForm
        id={`correct-${tranche}-${transfer.seq}`}
        class="correct-form"
        field={{
          name: 'reference',
          label: { zh: '正确的银行交易流水号', en: 'The right bank transaction reference' },
          hint: {
            zh: `现为 ${currentReference(transfer)}；原记录保留，更正和理由记入审计记录。`,
            en: `Now ${currentReference(transfer)}; the record keeps it, and the correction and its reason go on the audit trail.`,
          },
          maxLength: 64,
        }}
        label={{ zh: '更正理由', en: 'Why it is corrected' }}
        hint={{
          zh: '例如：字母 O 误录为数字 0。',
          en: 'For example: the letter O was typed for the digit 0.',
        }}
        maxLength={PAYMENT_REASON_MAX_CHARS}
        action={{ zh: '更正', en: 'Correct' }}
        confirm={{ zh: '确认更正', en: 'Confirm: correct' }}
        failed={{ zh: '未能更正。', en: 'Not corrected' }}
        submit={(reason, reference) =>
          apiPost(
            props.token,
            `/purchases/${encodeURIComponent(props.purchaseId)}/tranches/${tranche}/transfers/${transfer.seq}/correction`,
            { reference, reason },
          )
        }
        onDone={props.onDone}
      />
    </details>
  );
}

/** Each transfer of a tranche: amount, reference as it goes now, and each correction made of it. */
function Transfers(props: {
  token: TokenSource;
  purchaseId: string;
  tranche: TrancheView;
  corrects: boolean;
  onDone: () => void;
}) {
  const transfers = props.tranche.transfers ?? [];
  if (transfers.length === 0) return null;
  return (
    <ol class="transfers">
      {transfers.map((t) => (
        <li key={t.seq}>
          {formatYuan(t.amountFen)} · <span class="code">{currentReference(t)}</span>
          <span class="id">
            {t.by}, {formatChinaTime(t.at)}
          </span>
          {(t.corrections ?? []).map((c) => (
            <p class="correction" key={c.at}>
              更正 <span lang="en">corrected</span>: <span class="code">{c.reference}</span> — {c.reason}{' '}
              <span class="id">
                {c.by}, {formatChinaTime(c.at)}
              </span>
            </p>
          ))}
          {(t.corrections?.length ?? 0) > 0 && (
            <p class="correction">
              原记录 <span lang="en">as confirmed</span>: <span class="code">{t.reference}</span>
            </p>
          )}
          {props.corrects && (
            <CorrectionControl
              token={props.token}
              purchaseId={props.purchaseId}
              tranche={props.tranche.tranche}
              transfer={t}
              onDone={props.onDone}
            />
          )}
        </li>
      ))}
    </ol>
  );
}

/**
 * The purchase's tranches: what each is, when it is due and where it stands, and the transfers
 * finance confirmed on it (in parts, where it was paid in parts), with their references; finance
 * may correct a mistyped one.
 */
export function PaymentsSection(props: {
  token: TokenSource;
  staff: StaffMember;
  purchaseId: string;
  payments: readonly TrancheView[];
  today: string;
  onDone: () => void;
}) {
  const corrects = hasPermission(props.staff, 'correctPaymentRecord');
  return (
    <>
      <h2>
        <Bilingual zh="分期付款" en="Tranches" />
      </h2>
      {props.payments.length === 0 ? (
        <p>
          <Bilingual zh="尚未通知财务付款。" en="Finance has not been told to pay anything yet." />
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">期次 · Tranche</th>
                <th scope="col" class="num">
                  金额 · Amount
                </th>
                <th scope="col">到期 · Due</th>
                <th scope="col">状态 · Status</th>
                <th scope="col">付款 · Transfers</th>
              </tr>
            </thead>
            <tbody>
              {props.payments.map((p) => {
                const overdue = isOverdue(p, props.today);
                const paid = p.paidFen ?? 0;
                return (
                  <tr key={p.tranche} class={overdue ? 'overdue' : undefined}>
                    <td>{p.tranche}</td>
                    <td class="num">
                      {formatYuan(p.amountFen)}
                      {p.status === 'NOTIFIED' && paid > 0 && (
                        <span class="id">
                          已付 {formatYuan(paid)} · <span lang="en">paid so far</span>
                        </span>
                      )}
                    </td>
                    <td>{p.dueDate ?? '—'}</td>
                    <td>
                      {PAYMENT_STATUS_LABELS[p.status].zh} · {PAYMENT_STATUS_LABELS[p.status].en}
                      {overdue && <strong class="flag"> 已逾期 · overdue</strong>}
                      {p.status === 'WAIVED' && p.reason && <span class="id">{p.reason}</span>}
                    </td>
                    <td>
                      <Transfers
                        token={props.token}
                        purchaseId={props.purchaseId}
                        tranche={p}
                        corrects={corrects}
                        onDone={props.onDone}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

import { formatYuan } from '../../../shared/domain/money.js';
import type { TrancheMilestone } from '../../../shared/domain/proposal.js';
import { TRANCHE_MILESTONE_LABELS } from '../../../shared/presentation/labels.js';
import type { TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
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
  readonly dueDate?: string;
  readonly overdue: boolean;
  readonly confirmLink?: string;
}

/** What finance owes across purchases: overdue first marked, each with its confirmation page. */
export function FinancePage({ token }: { token: TokenSource }) {
  const { data: answer, error } = useApiGet<{ today: string; tranches: TrancheDue[] }>(
    token,
    '/finance/tranches',
  );
  const overdue = answer?.tranches.filter((t) => t.overdue).length ?? 0;
  const totalFen = answer?.tranches.reduce((sum, t) => sum + t.amountFen, 0) ?? 0;
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
                  金额 · Amount
                </th>
                <th scope="col">到期 · Due</th>
                <th scope="col">确认 · Confirm</th>
              </tr>
            </thead>
            <tbody>
              {answer.tranches.map((t) => (
                <tr key={`${t.purchaseId}-${t.tranche}`} class={t.overdue ? 'overdue' : undefined}>
                  <td>
                    <a href={href(`/purchases/${t.purchaseId}`)}>{t.title}</a>
                    <span class="id">{t.ngoName}</span>
                  </td>
                  <td>
                    {t.tranche} · {TRANCHE_MILESTONE_LABELS[t.milestone].zh}
                  </td>
                  <td class="num">{formatYuan(t.amountFen)}</td>
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

import { useMemo, useState } from 'preact/hooks';
import { type Amendment, MAX_RATIONALE, MIN_RATIONALE } from '../../../shared/domain/amendments.js';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { formatChinaTime } from '../../../shared/domain/china-time.js';
import { changeLines } from '../../../shared/presentation/amendment-text.js';
import { ApiError, apiPost, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { type ErrorsByPath, placeServerErrors, WHOLE_FORM, withoutPaths } from '../proposal/field-errors.js';
import { type Edit, ErrorList, Field } from '../proposal/fields.js';
import {
  type AmendmentValueDraft,
  type ContractMoney,
  type TranchePayment,
  valueDraftOf,
  valuePaths,
  valueRequest,
  valueTypedProblems,
} from './amendment-value.js';
import { AmendmentValueFields } from './amendment-value-fields.js';

const STATUS_LABELS: Readonly<Record<Amendment['status'], BilingualText>> = {
  PROPOSED: { zh: '审批中', en: 'Awaiting approval' },
  APPROVED: { zh: '已生效', en: 'In force' },
  REJECTED: { zh: '未获批准', en: 'Not approved' },
};

/**
 * 合同变更 · Amendments: every amendment of the signed contract (each change former → new, its
 * status and why it was not approved), and for the officer who registered the purchase a form to
 * ask for one: a new end of the term, a new value with its cost breakdown and tranche amounts, or
 * a new NGO contact address, with a rationale; the server's field errors land at their fields.
 */
export function AmendmentsSection({
  token,
  purchaseId,
  amendments,
  mayAmend,
  money,
  payments,
  onDone,
}: {
  token: TokenSource;
  purchaseId: string;
  amendments: readonly Amendment[];
  /** The contract's value, cost breakdown and tranche plan as they stand (the form starts from them). */
  money: ContractMoney;
  /** Each tranche's payment step: a notified one keeps its amount. */
  payments: readonly TranchePayment[];
  /** Whether the form is offered: the contract in force, the purchase open, none open, and the caller may. */
  mayAmend: boolean;
  onDone: () => void;
}) {
  return (
    <section aria-labelledby="amendments-heading">
      <h2 id="amendments-heading">
        <Bilingual zh="合同变更" en="Amendments" />
      </h2>
      {amendments.length === 0 ? (
        <p>
          <Bilingual zh="合同尚无变更。" en="The contract has not been amended." />
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">编号 · No.</th>
                <th scope="col">申请 · Requested</th>
                <th scope="col">变更内容 · Changes</th>
                <th scope="col">状态 · Status</th>
              </tr>
            </thead>
            <tbody>
              {amendments.map((a) => (
                <tr key={a.id}>
                  <td>{a.id}</td>
                  <td>
                    {a.requestedBy}, {formatChinaTime(a.requestedAt)}
                    <div class="pre">{a.rationale}</div>
                  </td>
                  <td>
                    {changeLines(a.changes).map((line) => (
                      <div key={line.en}>
                        <Bilingual zh={line.zh} en={line.en} />
                      </div>
                    ))}
                  </td>
                  <td>
                    <Bilingual zh={STATUS_LABELS[a.status].zh} en={STATUS_LABELS[a.status].en} />
                    {a.reason && (
                      <div>
                        <Bilingual zh={a.reason.zh} en={a.reason.en} />
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayAmend && (
        <AmendmentForm
          token={token}
          purchaseId={purchaseId}
          money={money}
          payments={payments}
          onDone={onDone}
        />
      )}
    </section>
  );
}

function AmendmentForm({
  token,
  purchaseId,
  money,
  payments,
  onDone,
}: {
  token: TokenSource;
  purchaseId: string;
  money: ContractMoney;
  payments: readonly TranchePayment[];
  onDone: () => void;
}) {
  const initial = useMemo(() => valueDraftOf(money, payments), [money, payments]);
  const [rationale, setRationale] = useState('');
  const [endDate, setEndDate] = useState('');
  const [contact, setContact] = useState('');
  const [value, setValue] = useState<AmendmentValueDraft>(initial);
  const [errors, setErrors] = useState<ErrorsByPath>(new Map());
  const [busy, setBusy] = useState(false);

  /** A change at `path` drops the errors about it (and about the list it is in). */
  const edit: Edit<AmendmentValueDraft> = (path, change) => {
    const next = structuredClone(value);
    change(next);
    setValue(next);
    const list = path.replace(/\[.*$/, '');
    setErrors(withoutPaths(errors, (p) => p === path || p === list));
  };
  const shown = new Set(['endDate', 'ngoContactEmail', 'rationale', ...valuePaths(value)]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const typed = valueTypedProblems(value);
    if (typed.size > 0) {
      setErrors(new Map([...typed].map(([path, problem]) => [path, [problem]])));
      return;
    }
    setBusy(true);
    try {
      await apiPost(token, `/purchases/${encodeURIComponent(purchaseId)}/amendments`, {
        rationale,
        ...(endDate ? { endDate } : {}),
        ...valueRequest(value, initial),
        ...(contact ? { ngoContactEmail: contact } : {}),
      });
      setRationale('');
      setEndDate('');
      setContact('');
      setErrors(new Map());
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.fieldErrors.length > 0)
        setErrors(placeServerErrors(e.fieldErrors, shown));
      else if (e instanceof ApiError && e.notice)
        setErrors(
          new Map([
            [WHOLE_FORM, [{ zh: `未能提交变更：${e.notice.zh}`, en: `Not requested: ${e.notice.en}` }]],
          ]),
        );
      else
        setErrors(
          new Map([
            [
              WHOLE_FORM,
              [{ zh: '未能提交变更。', en: `Not requested: ${e instanceof Error ? e.message : String(e)}` }],
            ],
          ]),
        );
    } finally {
      setBusy(false);
    }
  };

  const formErrors = errors.get(WHOLE_FORM) ?? [];
  return (
    <form
      class="amendment"
      onSubmit={submit}
      noValidate
      {...(formErrors.length > 0 ? { 'aria-describedby': 'amendment-errors' } : {})}
    >
      <h3>
        <Bilingual zh="申请变更合同" en="Ask to amend the contract" />
      </h3>
      <p class="hint">
        <Bilingual
          zh="变更按新金额所需的层级审批，全部批准后生效；审批前合同保持不变。只填写要改变的内容。"
          en="The amendment is approved at the levels its value requires and takes effect once every level approved; until then the contract stays as it is. Change only what is to change."
        />
      </p>
      <ErrorList id="amendment-errors" errors={formErrors} />
      <div class="form-grid">
        <Field
          path="endDate"
          label={{ zh: '新的服务期限截止日期（可不填）', en: 'New end of the term (optional)' }}
          errors={errors}
        >
          {(w) => (
            <input {...w} type="date" value={endDate} onInput={(e) => setEndDate(e.currentTarget.value)} />
          )}
        </Field>
        <Field
          path="ngoContactEmail"
          label={{ zh: '承接机构新的联系邮箱（可不填）', en: "NGO's new contact e-mail (optional)" }}
          errors={errors}
        >
          {(w) => (
            <input
              {...w}
              type="email"
              autocomplete="off"
              value={contact}
              onInput={(e) => setContact(e.currentTarget.value)}
            />
          )}
        </Field>
      </div>
      <AmendmentValueFields draft={value} edit={edit} errors={errors} />
      <div class="form-grid">
        <Field path="rationale" label={{ zh: '变更理由', en: 'Rationale' }} errors={errors} size="wide">
          {(w) => (
            <textarea
              {...w}
              required
              minLength={MIN_RATIONALE}
              maxLength={MAX_RATIONALE}
              rows={4}
              value={rationale}
              onInput={(e) => setRationale(e.currentTarget.value)}
            />
          )}
        </Field>
      </div>
      <button type="submit" class="primary" disabled={busy}>
        提交变更申请 · Request the amendment
      </button>
    </form>
  );
}

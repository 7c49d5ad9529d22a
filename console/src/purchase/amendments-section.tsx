import { useState } from 'preact/hooks';
import { type Amendment, MAX_RATIONALE } from '../../../shared/domain/amendments.js';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { formatChinaTime } from '../../../shared/domain/china-time.js';
import { changeLines } from '../../../shared/presentation/amendment-text.js';
import { fieldErrorText } from '../../../shared/presentation/field-error-messages.js';
import { ApiError, apiPost, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { ErrorList } from '../proposal/fields.js';

const STATUS_LABELS: Readonly<Record<Amendment['status'], BilingualText>> = {
  PROPOSED: { zh: '审批中', en: 'Awaiting approval' },
  APPROVED: { zh: '已生效', en: 'In force' },
  REJECTED: { zh: '未获批准', en: 'Not approved' },
};

/**
 * 合同变更 · Amendments: every amendment of the signed contract (each change former → new, its
 * status and why it was not approved), and for the officer who registered the purchase a form to
 * ask for one: a new end of the term or NGO contact address, with a rationale. A new value or
 * tranche plan needs budget lines and tranche amounts, which the API takes (not this form yet).
 */
export function AmendmentsSection({
  token,
  purchaseId,
  amendments,
  mayAmend,
  onDone,
}: {
  token: TokenSource;
  purchaseId: string;
  amendments: readonly Amendment[];
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
      {mayAmend && <AmendmentForm token={token} purchaseId={purchaseId} onDone={onDone} />}
    </section>
  );
}

function AmendmentForm({
  token,
  purchaseId,
  onDone,
}: {
  token: TokenSource;
  purchaseId: string;
  onDone: () => void;
}) {
  const [rationale, setRationale] = useState('');
  const [endDate, setEndDate] = useState('');
  const [contact, setContact] = useState('');
  const [errors, setErrors] = useState<readonly BilingualText[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await apiPost(token, `/purchases/${encodeURIComponent(purchaseId)}/amendments`, {
        rationale,
        ...(endDate ? { endDate } : {}),
        ...(contact ? { ngoContactEmail: contact } : {}),
      });
      setRationale('');
      setEndDate('');
      setContact('');
      setErrors([]);
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.fieldErrors.length > 0) setErrors(e.fieldErrors.map(fieldErrorText));
      else if (e instanceof ApiError && e.notice)
        setErrors([{ zh: `未能提交变更：${e.notice.zh}`, en: `Not requested: ${e.notice.en}` }]);
      else
        setErrors([
          { zh: '未能提交变更。', en: `Not requested: ${e instanceof Error ? e.message : String(e)}` },
        ]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="amendment" onSubmit={submit} aria-describedby="amendment-errors">
      <h3>
        <Bilingual zh="申请变更合同" en="Ask to amend the contract" />
      </h3>
      <p class="hint">
        <Bilingual
          zh="变更按新金额所需的层级审批，全部批准后生效；审批前合同保持不变。"
          en="The amendment is approved at the levels its value requires and takes effect once every level approved; until then the contract stays as it is."
        />
      </p>
      <label for="amendment-end">
        <Bilingual zh="新的服务期限截止日期（可不填）" en="New end of the term (optional)" />
      </label>
      <input
        id="amendment-end"
        type="date"
        value={endDate}
        onInput={(e) => setEndDate(e.currentTarget.value)}
      />
      <label for="amendment-contact">
        <Bilingual zh="承接机构新的联系邮箱（可不填）" en="NGO's new contact e-mail (optional)" />
      </label>
      <input
        id="amendment-contact"
        type="email"
        autocomplete="off"
        value={contact}
        onInput={(e) => setContact(e.currentTarget.value)}
      />
      <label for="amendment-rationale">
        <Bilingual zh="变更理由" en="Rationale" />
      </label>
      <textarea
        id="amendment-rationale"
        required
        minLength={10}
        maxLength={MAX_RATIONALE}
        rows={4}
        value={rationale}
        onInput={(e) => setRationale(e.currentTarget.value)}
      />
      <ErrorList id="amendment-errors" errors={errors} />
      <button type="submit" class="primary" disabled={busy}>
        提交变更申请 · Request the amendment
      </button>
    </form>
  );
}

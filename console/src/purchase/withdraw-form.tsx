import { useState } from 'preact/hooks';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { WITHDRAWAL_REASON_MAX_CHARS } from '../../../shared/domain/withdrawal.js';
import { fieldErrorText } from '../../../shared/presentation/field-error-messages.js';
import { ApiError, apiPost, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { ErrorList } from '../proposal/fields.js';

/**
 * Withdrawing a proposal under approval: a reason, then a second, deliberate click. The server
 * records it, closes the approvers' links and the workflow releases the budget; `onDone` reloads
 * the page, which then shows the withdrawal.
 */
export function WithdrawForm({
  token,
  purchaseId,
  onDone,
}: {
  token: TokenSource;
  purchaseId: string;
  onDone: () => void;
}) {
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<readonly BilingualText[]>([]);
  const [busy, setBusy] = useState(false);
  const id = 'withdraw-reason';

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!confirming) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    try {
      await apiPost(token, `/purchases/${encodeURIComponent(purchaseId)}/withdraw`, { reason });
      setErrors([]);
      onDone();
    } catch (e) {
      setConfirming(false);
      if (e instanceof ApiError && e.fieldErrors.length > 0) setErrors(e.fieldErrors.map(fieldErrorText));
      else
        setErrors([{ zh: '未能撤回。', en: `Not withdrawn: ${e instanceof Error ? e.message : String(e)}` }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="withdraw" onSubmit={(e) => void submit(e)} noValidate>
      <div class={`field wide${errors.length > 0 ? ' invalid' : ''}`}>
        <label for={id}>
          撤回理由 <span lang="en">Reason for withdrawing</span>
        </label>
        <textarea
          id={id}
          name="reason"
          rows={3}
          maxLength={WITHDRAWAL_REASON_MAX_CHARS}
          value={reason}
          aria-describedby={`${id}-hint${errors.length > 0 ? ` ${id}-error` : ''}`}
          aria-invalid={errors.length > 0 ? 'true' : undefined}
          onInput={(e) => {
            setReason(e.currentTarget.value);
            setConfirming(false);
          }}
        />
        <p class="hint" id={`${id}-hint`}>
          <Bilingual
            zh="审批随即终止：审批人的链接失效，预留的预算释放，理由记入审计记录。"
            en="Approval ends at once: the approvers' links stop working, the reserved budget is released and the reason goes on the audit trail."
          />
        </p>
        <ErrorList id={`${id}-error`} errors={errors} />
      </div>
      <p>
        <button type="submit" class={confirming ? 'primary danger' : undefined} disabled={busy}>
          {confirming ? '确认撤回 · Confirm: withdraw' : '撤回项目 · Withdraw proposal'}
        </button>
        {confirming && (
          <button type="button" onClick={() => setConfirming(false)}>
            取消 · Cancel
          </button>
        )}
      </p>
    </form>
  );
}

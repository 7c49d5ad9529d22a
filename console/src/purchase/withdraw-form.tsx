import { WITHDRAWAL_REASON_MAX_CHARS } from '../../../shared/domain/withdrawal.js';
import { apiPost, type TokenSource } from '../api.js';
import { ReasonForm } from '../reason-form.js';

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
  return (
    <ReasonForm
      id="withdraw-reason"
      class="withdraw"
      label={{ zh: '撤回理由', en: 'Reason for withdrawing' }}
      hint={{
        zh: '审批随即终止：审批人的链接失效，预留的预算释放，理由记入审计记录。',
        en: "Approval ends at once: the approvers' links stop working, the reserved budget is released and the reason goes on the audit trail.",
      }}
      maxLength={WITHDRAWAL_REASON_MAX_CHARS}
      action={{ zh: '撤回项目', en: 'Withdraw proposal' }}
      confirm={{ zh: '确认撤回', en: 'Confirm: withdraw' }}
      failed={{ zh: '未能撤回。', en: 'Not withdrawn' }}
      submit={(reason) => apiPost(token, `/purchases/${encodeURIComponent(purchaseId)}/withdraw`, { reason })}
      onDone={onDone}
    />
  );
}

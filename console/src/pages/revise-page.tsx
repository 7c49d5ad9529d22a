import type { ApprovalLevel } from '../../../shared/domain/policy-settings.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { StaffMember } from '../../../shared/domain/staff-roles.js';
import type { RecordedDecision } from '../../../shared/domain/tasks.js';
import type { TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { href } from '../route.js';
import { useApiGet } from '../use-api.js';
import { ProposalPage } from './proposal-page.js';

/** What the revise page reads of GET /purchases/{id}. */
interface ReturnedPurchase {
  readonly purchaseId: string;
  readonly proposal: Proposal;
  readonly awaitingRevision?: {
    readonly level: ApprovalLevel;
    readonly round: number;
    readonly returned: RecordedDecision;
  };
}

/**
 * "修改并重新提交 · Revise and resubmit": the proposal form filled with the purchase's proposal as an
 * approver returned it. A purchase that waits for no revision says so and links back.
 */
export function RevisePage({
  token,
  purchaseId,
  staff,
}: {
  token: TokenSource;
  purchaseId: string;
  staff: StaffMember;
}) {
  const { data: view, error } = useApiGet<ReturnedPurchase>(
    token,
    `/purchases/${encodeURIComponent(purchaseId)}`,
  );
  const back = (
    <p>
      <a href={href(`/purchases/${encodeURIComponent(purchaseId)}`)}>← {purchaseId}</a>
    </p>
  );
  if (error)
    return (
      <>
        {back}
        <p role="alert" class="error">
          {error}
        </p>
      </>
    );
  if (!view) return <p aria-live="polite">加载中 · Loading…</p>;
  if (!view.awaitingRevision)
    return (
      <>
        {back}
        <h1>
          <Bilingual zh="修改并重新提交" en="Revise and resubmit" />
        </h1>
        <p role="status" class="notice">
          <Bilingual zh="该项目目前没有待修改的退回。" en="Nothing waits for a revision of this purchase." />
        </p>
      </>
    );
  return (
    <ProposalPage
      token={token}
      staff={staff}
      revising={{
        purchaseId: view.purchaseId,
        proposal: view.proposal,
        returned: view.awaitingRevision.returned,
      }}
    />
  );
}

import type { BilingualText } from './bilingual.js';
import { assertFen, type Fen } from './money.js';
import type { ApprovalLevel, PolicySettings } from './policy-settings.js';
import type { RecordedDecision } from './tasks.js';

/**
 * Who must approve a proposal, in order. Up to the configured threshold the section chief
 * alone decides; above it the finance section and the bureau director approve as well.
 */
export function requiredApprovalLevels(totalFen: Fen, policySettings: PolicySettings): ApprovalLevel[] {
  assertFen(totalFen, 'totalFen');
  if (totalFen <= policySettings.approval.fullChainAboveFen) return ['SECTION_CHIEF'];
  return ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'];
}

/** Why a purchase an approver rejected ended, in both languages: who, and their comment. */
export function approverRejection(
  rejection: Pick<RecordedDecision, 'by' | 'byName' | 'comment'>,
): BilingualText {
  return {
    zh: `${rejection.byName}（${rejection.by}）驳回：${rejection.comment}`,
    en: `rejected by ${rejection.byName} (${rejection.by}): ${rejection.comment}`,
  };
}

import { assertFen, type Fen } from './money.js';
import type { ApprovalLevel, PolicySettings } from './policy-settings.js';

/**
 * Who must approve a proposal, in order. Up to the configured threshold the section chief
 * alone decides; above it the finance section and the bureau director approve as well.
 */
export function requiredApprovalLevels(totalFen: Fen, policySettings: PolicySettings): ApprovalLevel[] {
  assertFen(totalFen, 'totalFen');
  if (totalFen <= policySettings.approval.fullChainAboveFen) return ['SECTION_CHIEF'];
  return ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'];
}

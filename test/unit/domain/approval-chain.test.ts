import { describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposal,
  smallMinorProtectionProposal,
} from '../../../infra/local/samples/proposals.js';
import { requiredApprovalLevels } from '../../../shared/domain/approval-chain.js';
import { InvalidAmountError } from '../../../shared/domain/money.js';
import { TEST_POLICY } from '../../support/settings.js';

const policy = TEST_POLICY;
const threshold = policy.approval.fullChainAboveFen;

describe('requiredApprovalLevels', () => {
  it('reads a threshold of ¥300,000 from config/settings.json', () => {
    expect(threshold).toBe(30_000_000);
  });

  it('asks only the section chief for a total exactly at the threshold', () => {
    expect(requiredApprovalLevels(threshold, policy)).toEqual(['SECTION_CHIEF']);
  });

  it('asks only the section chief for a total below the threshold', () => {
    expect(requiredApprovalLevels(threshold - 1, policy)).toEqual(['SECTION_CHIEF']);
  });

  it('adds the finance section and the bureau director one fen above the threshold', () => {
    expect(requiredApprovalLevels(threshold + 1, policy)).toEqual([
      'SECTION_CHIEF',
      'FINANCE_SECTION',
      'BUREAU_DIRECTOR',
    ]);
  });

  it('follows the configured threshold rather than a fixed amount', () => {
    const lower = { ...policy, approval: { ...policy.approval, fullChainAboveFen: 5_000_000 } };
    expect(requiredApprovalLevels(12_000_000, lower)).toHaveLength(3);
    expect(requiredApprovalLevels(12_000_000, policy)).toHaveLength(1);
  });

  it('sends the ¥480,000 elderly-care sample up the full chain and the ¥120,000 minor-protection sample to the section chief', () => {
    expect(requiredApprovalLevels(largeElderlyCareProposal().totalFen, policy)).toHaveLength(3);
    expect(requiredApprovalLevels(smallMinorProtectionProposal().totalFen, policy)).toEqual([
      'SECTION_CHIEF',
    ]);
  });

  it('refuses an amount that is not whole fen', () => {
    expect(() => requiredApprovalLevels(30_000_000.5, policy)).toThrow(InvalidAmountError);
  });
});

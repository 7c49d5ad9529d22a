import { describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { requestDecision } from '../../../shared/usecases/request-decision.js';
import { createFakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

describe('requestDecision after a restart', () => {
  it('a resumed execution asking a level whose approver was escalated re-arms the deputy task with its token', async () => {
    const fakes = createFakes('2026-03-02T08:00:00.000Z');
    const settings = TEST_POLICY;
    const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'APPROVAL',
        approvalLevels: ['SECTION_CHIEF'],
      }),
    );
    const deps = {
      ...fakes,
      settings,
      now: fakes.clock.now,
      linkKey: async () => TEST_LINK_KEY,
      baseUrl: 'https://purchases.example',
    };
    const ask = (attempt: 'FIRST' | 'REMINDER' | 'ESCALATION', taskToken: string) =>
      requestDecision(deps, { purchaseId: PURCHASE_ID, level: 'SECTION_CHIEF', attempt, taskToken });

    await ask('FIRST', 'token-old-first');
    fakes.clock.advanceSeconds(settings.approval.timeoutSeconds);
    await ask('REMINDER', 'token-old-reminder');
    fakes.clock.advanceSeconds(settings.approval.timeoutSeconds);
    const deputy = await ask('ESCALATION', 'token-old-escalation');

    // The runtime restarts: resumeOpenPurchases starts a new execution at APPROVAL; it asks FIRST.
    fakes.clock.advanceSeconds(60);
    const resumed = await ask('FIRST', 'token-resumed');

    // The only live link is the deputy's: it must now lead to the running execution.
    expect(fakes.tasks.stored(deputy.taskId).taskToken).toBe('token-resumed');
    expect(resumed.taskId).toBe(deputy.taskId);
    // Nobody is mailed twice: one request, one reminder, one escalation.
    expect(fakes.mailer.sent).toHaveLength(3);
  });
});

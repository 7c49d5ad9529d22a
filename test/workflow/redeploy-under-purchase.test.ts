import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleProposal } from '../../infra/local/samples/proposals.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import type { Decision } from '../../shared/domain/tasks.js';
import type { UploadKind } from '../../shared/domain/uploads.js';
import { type Ask, type ExecutionFigures, InProcessLifecycle } from '../support/in-process-lifecycle.js';
import { lifecycleDefinition } from '../support/lifecycle-definition.js';
import { LifecyclePeople, type Scores } from '../support/lifecycle-people.js';
import { TEST_LIFECYCLE, TEST_POLICY, TEST_SETTINGS } from '../support/settings.js';

/**
 * A deploy under a running purchase: version 1 of the lifecycle carries the purchase into
 * contracting; while the NGO holds the link to upload its signed copy, version 2 is deployed (the
 * same app synthesized with a longer mid-term review timeout, so its definition differs). The NGO
 * uses the link it got before the deploy, contracting ends on version 1, and from the next stage
 * boundary on the purchase runs on version 2 by itself, to CLOSED. Everyone answers at once.
 */

const STARTS_AT = '2025-12-01T01:00:00.000Z';
/** A real second is about 12 days: every wait here is the time it takes someone to answer. */
const FAST_MS_PER_SECOND = 0.001;
const V2_REVIEW_TIMEOUT_SECONDS = 2 * TEST_LIFECYCLE.midterm.reviewTimeoutSeconds;
const SCORES: Scores = { PROFESSIONAL_SERVICE: '90', OUTCOMES: '88', MANAGEMENT: '92' };

/** The settings of the second deploy: only the chief's time for a mid-term review changes. */
function secondDeploySettings(): DeploymentSettings {
  const settings = structuredClone(TEST_SETTINGS) as DeploymentSettings;
  settings.lifecycle.midterm.reviewTimeoutSeconds = V2_REVIEW_TIMEOUT_SECONDS;
  return settings;
}

/** The assignee of a first ask decides it (every decision here is the happy one). */
function answerAtOnce(ask: Ask): [string, Decision] | undefined {
  const level = String(ask.input.level) as keyof typeof TEST_POLICY.approval.approvers;
  const assignee = TEST_POLICY.approval.approvers[level]?.email;
  const decision: Record<string, Decision> = {
    APPROVAL: 'APPROVE',
    COUNTERSIGN: 'COUNTERSIGN',
    MIDTERM_REVIEW: 'PASS',
  };
  const answer = decision[String(ask.input.purpose ?? 'APPROVAL')];
  return assignee && answer ? [assignee, answer] : undefined;
}

let lifecycle: InProcessLifecycle | undefined;
let executions: ExecutionFigures[] = [];
let purchaseId = '';
/** The definitions the two deploys ran. */
let v1: Record<string, unknown>;
let v2: Record<string, unknown>;
let deployedWhile: { stage?: string; linkMailedBefore: boolean } = { linkMailedBefore: false };

beforeAll(async () => {
  v1 = lifecycleDefinition();
  v2 = lifecycleDefinition(secondDeploySettings());
  lifecycle = await InProcessLifecycle.start({ startsAt: STARTS_AT, msPerSecond: FAST_MS_PER_SECOND });
  const running = lifecycle;
  const people = new LifecyclePeople(running.people);
  const proposal = sampleProposal();
  const ngo = proposal.ngo.contactEmail;
  let deployed = false;
  running.castAs({
    answerTo(ask) {
      const id = String(ask.input.purchaseId);
      if (ask.attempt !== 'FIRST') return undefined;
      switch (ask.step) {
        case 'RequestDecision': {
          const answer = answerAtOnce(ask);
          return answer && (() => people.decide(answer[0], id, answer[1]));
        }
        case 'AwaitUpload': {
          const kind = ask.input.kind as UploadKind;
          if (kind !== 'SIGNED_CONTRACT' || deployed) return () => people.upload(ngo, id, kind);
          // The NGO has its link; the bureau deploys version 2 before the NGO uses it.
          deployed = true;
          return async () => {
            const mailed = running.people.mail.sent.filter((m) => m.to === ngo).length;
            await running.redeploy(v2);
            deployedWhile = {
              stage: (await running.fakes.purchases.getPurchase(id))?.stage,
              linkMailedBefore: mailed > 0,
            };
            await people.upload(ngo, id, kind);
          };
        }
        case 'RequestEvaluation':
          return () =>
            people.evaluate(
              TEST_LIFECYCLE.evaluation.agencies.map((a) => a.email),
              id,
              SCORES,
            );
      }
    },
    onPaymentNotice: (notice) => () =>
      people.confirmPayment(notice, `BOC-2026-${notice.attributes.tranche}-7`),
  });
  purchaseId = await running.submit(proposal);
  await running.playUntilEnd(45_000);
  executions = await running.executionsOf(purchaseId);
  console.log(
    [
      `redeploy under purchase ${purchaseId}`,
      ...executions.map((e) => `  ${e.name.padEnd(48)} version ${e.version ?? '-'}  ${e.status}`),
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await lifecycle?.close();
});

describe('deploying version 2 under a running purchase', () => {
  it('differs from version 1 where the settings changed', () => {
    expect(JSON.stringify(v2)).not.toBe(JSON.stringify(v1));
    const states = (definition: Record<string, unknown>) =>
      definition.States as Record<string, { TimeoutSeconds?: number }>;
    // The mid-term review's ask is a state of the first level: its timeout is the setting.
    expect(states(v2)['Ask mid-term review']?.TimeoutSeconds).toBe(V2_REVIEW_TIMEOUT_SECONDS);
    expect(states(v1)['Ask mid-term review']?.TimeoutSeconds).toBe(
      TEST_LIFECYCLE.midterm.reviewTimeoutSeconds,
    );
  });

  it('came while the purchase was in contracting and the NGO held a link mailed before it', () => {
    expect(deployedWhile).toEqual({ stage: 'CONTRACTING', linkMailedBefore: true });
  });

  it('lets the purchase finish CLOSED: the executions before the deploy ran version 1, those after it version 2', async () => {
    expect((await lifecycle?.fakes.purchases.getPurchase(purchaseId))?.stage).toBe('CLOSED');
    expect(executions.map((e) => [e.name, e.status, e.version])).toEqual([
      [purchaseId, 'SUCCEEDED', 1],
      [`${purchaseId}-CONTRACTING-1`, 'SUCCEEDED', 1],
      [`${purchaseId}-MIDTERM_REVIEW-1`, 'SUCCEEDED', 2],
      [`${purchaseId}-EVALUATION-1`, 'SUCCEEDED', 2],
    ]);
  });

  it('runs the later stages on the new definition itself', async () => {
    const last = executions.at(-1);
    const ran = await lifecycle?.engine.describeStateMachineForExecution({
      executionArn: `arn:aws:states:local:000000000000:execution:purchase-lifecycle:${last?.name}`,
    });
    expect(JSON.parse(ran?.definition ?? '{}')).toEqual(v2);
  });
});

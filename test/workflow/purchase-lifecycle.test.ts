import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../infra/local/stepfunctions/index.js';
import { lifecycleDefinition } from '../support/lifecycle-definition.js';

/**
 * Runs the synthesized state machine definition (the one CloudFormation would deploy) on the
 * local engine, with each Lambda replaced by a scripted fake keyed by its logical id. Every
 * branch of the approval stage is driven to its end.
 */

let definition: object;

beforeAll(() => {
  definition = lifecycleDefinition();
});

type Step =
  | 'ValidateProposal'
  | 'ReserveBudget'
  | 'PlanApproval'
  | 'RequestDecision'
  | 'RequestRevision'
  | 'ConcludeApproval'
  | 'RejectPurchase'
  | 'IssueContract'
  | 'PlanContracting'
  | 'AwaitUpload'
  | 'ConcludeContracting'
  | 'NotifyPayment'
  | 'TerminatePurchase'
  | 'PlanMidterm'
  | 'ConcludeMidterm'
  | 'PlanEvaluation'
  | 'RecordMissingReport'
  | 'RequestEvaluation'
  | 'ConcludeEvaluation'
  | 'ClosePurchase'
  | 'AwaitSettlement'
  | 'HandOverExecution'
  | 'RecordWorkflowFailure';
interface Call {
  step: Step;
  payload: Record<string, unknown>;
}
type Script = Partial<Record<Step, (payload: Record<string, unknown>) => unknown>>;

const SM_ARN = 'arn:aws:states:local:000000000000:stateMachine:purchase-lifecycle';
let engine: LocalStepFunctions | undefined;
/** Each execution that handed its purchase over, by ARN, with the ARN of the one it started. */
let successors: Map<string, string>;
/** The stage DynamoDB would hold after each conclude step, which the hand-over starts at. */
const STAGE_AFTER: Partial<Record<Step, string>> = {
  ConcludeApproval: 'CONTRACTING',
  ConcludeContracting: 'MIDTERM_REVIEW',
  ConcludeMidterm: 'EVALUATION',
};

function harness(script: Script, msPerSecond = 1000) {
  successors = new Map();
  const calls: Call[] = [];
  const waiting: { level: string; attempt: string; token: string; step: Step; purpose?: string }[] = [];
  // Unless a test scripts contracting, it is already countersigned: approval tests end at payment.
  const withDefaults: Script = {
    PlanContracting: () => ({ next: 'DONE', round: 1, since: '2026-03-01T00:00:00.000Z', uploadId: 'u1' }),
    // ...and the mid-term review already passed: they end at the evaluation boundary.
    PlanMidterm: () => ({ next: 'PASSED', round: 1 }),
    // ...and the evaluation already scored GOOD: they end CLOSED.
    PlanEvaluation: () => ({ next: 'DONE', grade: 'GOOD', totalTenths: 850 }),
    ConcludeEvaluation: () => ({ finalTranche: 'PAY_IN_FULL' }),
    ...script,
  };
  engine = new LocalStepFunctions({
    clock: { msPerSecond },
    invokeLambda: async (functionName, payload) => {
      const step = functionName.replace(/[0-9A-F]{8}$/, '') as Step;
      const body = payload as Record<string, unknown>;
      calls.push({ step, payload: body });
      if (step === 'HandOverExecution' && !script.HandOverExecution) return { payload: await handOver(body) };
      // Unless a test scripts it, every tranche is settled: the closing step is handed CLOSE at once.
      if (step === 'AwaitSettlement' && !script.AwaitSettlement) {
        const taskToken = String(body.taskToken);
        setImmediate(() => void engine?.sendTaskSuccess({ taskToken, output: '{"next":"CLOSE"}' }));
      }
      if (
        step === 'RequestDecision' ||
        step === 'RequestRevision' ||
        step === 'AwaitUpload' ||
        step === 'RequestEvaluation' ||
        step === 'AwaitSettlement'
      ) {
        waiting.push({
          step,
          level: String(body.level ?? body.kind),
          attempt: String(body.attempt),
          token: String(body.taskToken),
          purpose: body.purpose === undefined ? undefined : String(body.purpose),
        });
      }
      try {
        const result = withDefaults[step]?.(body);
        return { payload: result ?? {} };
      } catch (error) {
        const e = error as Error;
        return { errorType: e.name, errorMessage: e.message };
      }
    },
  });
  engine.registerStateMachine({ arn: SM_ARN, name: 'purchase-lifecycle', definition });
  /**
   * As the hand-over function does: the successor starts at the stage DynamoDB holds, which a
   * conclude step just before the hand-over moved on; otherwise the stage this execution runs.
   */
  async function handOver(body: Record<string, unknown>) {
    const purchaseId = String(body.purchaseId);
    const from = `${SM_ARN.replace(':stateMachine:', ':execution:')}:${String(body.execution)}`;
    const before = calls.filter((c) => c.payload.purchaseId === purchaseId).at(-2);
    const running = JSON.parse((await engine?.describeExecution({ executionArn: from }))?.input ?? '{}');
    const resumeAt = (before && STAGE_AFTER[before.step]) ?? running.resumeAt ?? 'APPROVAL';
    const name = `${purchaseId}-${resumeAt}-${successors.size + 1}`;
    const started = await engine?.startExecution({
      stateMachineArn: SM_ARN,
      name,
      input: JSON.stringify({ purchaseId, resumeAt }),
    });
    if (started) successors.set(from, started.executionArn);
    return { execution: name };
  }
  return { engine, calls, waiting };
}

afterEach(async () => {
  await engine?.stopAllExecutions();
});

const refusal = (message: string) => {
  const error = new Error(message);
  error.name = 'PurchaseRefused';
  return error;
};

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** How the purchase's last execution ended, following the hand-overs from `executionArn`. */
async function finish(sf: LocalStepFunctions, executionArn: string) {
  let current = executionArn;
  for (let i = 0; i < 2000; i++) {
    const d = await sf.describeExecution({ executionArn: current });
    const successor = successors.get(current);
    if (d.status !== 'RUNNING' && successor) current = successor;
    else if (d.status !== 'RUNNING') return d;
    else await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('execution did not finish');
}

const decide = (sf: LocalStepFunctions, token: string, decision: 'APPROVE' | 'REJECT') =>
  sf.sendTaskSuccess({
    taskToken: token,
    output: JSON.stringify({
      decision,
      by: 'x@example.gov.cn',
      comment: decision === 'REJECT' ? 'no' : '',
      taskId: 't',
    }),
  });

const FULL_CHAIN = { levels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'] };

/** PlanApproval as DynamoDB would answer it: the next undecided level on each call, then null. */
function planOf(levels: string[]) {
  let i = 0;
  return () => {
    const next = levels[i++] ?? null;
    return { next, remaining: levels.slice(i - 1) };
  };
}

describe('purchase lifecycle workflow (synthesized definition)', () => {
  it('asks every level in order and concludes APPROVED when all approve', async () => {
    const { engine: sf, calls, waiting } = harness({ PlanApproval: planOf(FULL_CHAIN.levels) });
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-1',
      input: '{"purchaseId":"PUR-1"}',
    });
    for (const level of FULL_CHAIN.levels) {
      const w = await until(() => waiting.find((x) => x.level === level), level);
      await decide(sf, w.token, 'APPROVE');
    }
    const done = await finish(sf, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.step)).toEqual([
      'ValidateProposal',
      'ReserveBudget',
      'PlanApproval',
      'RequestDecision',
      'PlanApproval',
      'RequestDecision',
      'PlanApproval',
      'RequestDecision',
      'PlanApproval',
      'ConcludeApproval',
      'HandOverExecution',
      'IssueContract',
      'PlanContracting',
      'ConcludeContracting',
      'HandOverExecution',
      'NotifyPayment',
      'PlanMidterm',
      'ConcludeMidterm',
      'HandOverExecution',
      'NotifyPayment',
      'PlanEvaluation',
      'ConcludeEvaluation',
      'NotifyPayment',
      'AwaitSettlement',
      'ClosePurchase',
    ]);
    expect(
      calls.filter((c) => c.step === 'RequestDecision').every((c) => c.payload.attempt === 'FIRST'),
    ).toBe(true);
  });

  for (const rejectAt of FULL_CHAIN.levels) {
    it(`ends in RejectPurchase when the ${rejectAt} rejects, asking no later level`, async () => {
      const { engine: sf, calls, waiting } = harness({ PlanApproval: planOf(FULL_CHAIN.levels) });
      const { executionArn } = await sf.startExecution({
        stateMachineArn: SM_ARN,
        name: 'PUR-2',
        input: '{"purchaseId":"PUR-2"}',
      });
      for (const level of FULL_CHAIN.levels) {
        const w = await until(() => waiting.find((x) => x.level === level), level);
        await decide(sf, w.token, level === rejectAt ? 'REJECT' : 'APPROVE');
        if (level === rejectAt) break;
      }
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      const reject = calls.find((c) => c.step === 'RejectPurchase');
      expect(reject?.payload).toMatchObject({ purchaseId: 'PUR-2', error: 'PurchaseRejected' });
      expect(calls.some((c) => c.step === 'ConcludeApproval')).toBe(false);
      const asked = calls.filter((c) => c.step === 'RequestDecision').map((c) => c.payload.level);
      expect(asked).toEqual(FULL_CHAIN.levels.slice(0, FULL_CHAIN.levels.indexOf(rejectAt) + 1));
    });
  }

  it('a withdrawal handed to the waiting approver step rejects at once, asking no later level', async () => {
    const { engine: sf, calls, waiting } = harness({ PlanApproval: planOf(FULL_CHAIN.levels) });
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-W',
      input: '{"purchaseId":"PUR-W"}',
    });
    const chief = await until(() => waiting.find((x) => x.level === 'SECTION_CHIEF'), 'the chief');
    await sf.sendTaskSuccess({
      taskToken: chief.token,
      output: JSON.stringify({
        decision: 'WITHDRAWN',
        by: 'officer@example.gov.cn',
        comment: 'no longer needed',
      }),
    });
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    expect(calls.at(-1)).toMatchObject({ step: 'RejectPurchase', payload: { error: 'PurchaseWithdrawn' } });
    expect(calls.filter((c) => c.step === 'RequestDecision')).toHaveLength(1);
  });

  it('a withdrawal found by the conclude step rejects the purchase instead of moving it on', async () => {
    const {
      engine: sf,
      calls,
      waiting,
    } = harness({
      PlanApproval: planOf(['SECTION_CHIEF']),
      ConcludeApproval: () => {
        throw refusal('WITHDRAWN: withdrawn by officer@example.gov.cn: no longer needed');
      },
    });
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-WC',
      input: '{"purchaseId":"PUR-WC"}',
    });
    await decide(sf, (await until(() => waiting[0], 'the chief')).token, 'APPROVE');
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.step).slice(-2)).toEqual(['ConcludeApproval', 'RejectPurchase']);
    expect(String(calls.at(-1)?.payload.cause)).toContain('WITHDRAWN');
  });

  it('on timeout sends one reminder, then escalates to the deputy, whose approval counts', async () => {
    // 259,200 s approval timeout at 0.005 ms per state-machine second: about 1.3 s real per timeout.
    const { engine: sf, calls, waiting } = harness({ PlanApproval: planOf(['SECTION_CHIEF']) }, 0.005);
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-3',
      input: '{"purchaseId":"PUR-3"}',
    });
    const escalation = await until(() => waiting.find((x) => x.attempt === 'ESCALATION'), 'escalation');
    await decide(sf, escalation.token, 'APPROVE');
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    const attempts = calls.filter((c) => c.step === 'RequestDecision').map((c) => c.payload.attempt);
    expect(attempts).toEqual(['FIRST', 'REMINDER', 'ESCALATION']);
    expect(calls.map((c) => c.step)).toContain('ConcludeApproval');
    expect(calls.at(-1)?.step).toBe('ClosePurchase');
  });

  it('a level that returns the proposal waits for the revision, then the same level is asked again and its approval moves on to contracting', async () => {
    // PlanApproval as DynamoDB would answer: the chief returned it; after the revision it is asked again.
    let answer: 'NONE' | 'RETURNED' | 'REVISED' | 'APPROVED' = 'NONE';
    const {
      engine: sf,
      calls,
      waiting,
    } = harness({
      PlanApproval: () => {
        if (answer === 'RETURNED') return { next: 'REVISION', level: 'SECTION_CHIEF', round: 1 };
        if (answer === 'APPROVED') return { next: null, remaining: [] };
        return { next: 'SECTION_CHIEF', remaining: ['SECTION_CHIEF'] };
      },
    });
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-RV',
      input: '{"purchaseId":"PUR-RV"}',
    });
    const chief = await until(() => waiting.find((x) => x.step === 'RequestDecision'), 'the chief');
    answer = 'RETURNED';
    await sf.sendTaskSuccess({
      taskToken: chief.token,
      output: JSON.stringify({
        decision: 'RETURN',
        by: 'chief@example.gov.cn',
        comment: 'fix staff',
        taskId: 't1',
      }),
    });
    const revision = await until(() => waiting.find((x) => x.step === 'RequestRevision'), 'the revision');
    answer = 'REVISED';
    await sf.sendTaskSuccess({
      taskToken: revision.token,
      output: JSON.stringify({
        decision: 'REVISE',
        by: 'officer@example.gov.cn',
        comment: 'fixed',
        taskId: 't2',
      }),
    });
    const again = await until(
      () => waiting.filter((x) => x.step === 'RequestDecision')[1],
      'the chief asked again',
    );
    answer = 'APPROVED';
    await decide(sf, again.token, 'APPROVE');
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.step).slice(0, 10)).toEqual([
      'ValidateProposal',
      'ReserveBudget',
      'PlanApproval',
      'RequestDecision',
      'PlanApproval',
      'RequestRevision',
      'PlanApproval',
      'RequestDecision',
      'PlanApproval',
      'ConcludeApproval',
    ]);
    expect(calls.find((c) => c.step === 'RequestRevision')?.payload).toMatchObject({
      purchaseId: 'PUR-RV',
      level: 'SECTION_CHIEF',
      round: 1,
      attempt: 'FIRST',
    });
    expect(calls.some((c) => c.step === 'RejectPurchase')).toBe(false);
    expect(calls.at(-1)?.step).toBe('ClosePurchase');
  });

  it('a withdrawal while the revision waits is its answer: plan finds the purchase withdrawn and rejects it, asking no approver again', async () => {
    let withdrawn = false;
    const {
      engine: sf,
      calls,
      waiting,
    } = harness({
      PlanApproval: () => {
        if (withdrawn) throw refusal('WITHDRAWN: withdrawn by officer@example.gov.cn: no longer needed');
        return calls.some((c) => c.step === 'RequestDecision')
          ? { next: 'REVISION', level: 'SECTION_CHIEF', round: 1 }
          : { next: 'SECTION_CHIEF', remaining: ['SECTION_CHIEF'] };
      },
    });
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-RW',
      input: '{"purchaseId":"PUR-RW"}',
    });
    const chief = await until(() => waiting.find((x) => x.step === 'RequestDecision'), 'the chief');
    await sf.sendTaskSuccess({
      taskToken: chief.token,
      output: JSON.stringify({
        decision: 'RETURN',
        by: 'chief@example.gov.cn',
        comment: 'fix staff',
        taskId: 't1',
      }),
    });
    const revision = await until(() => waiting.find((x) => x.step === 'RequestRevision'), 'the revision');
    // What closeForWithdrawal hands the waiting revision step (withdraw-proposal.ts).
    withdrawn = true;
    await sf.sendTaskSuccess({
      taskToken: revision.token,
      output: JSON.stringify({
        decision: 'WITHDRAWN',
        by: 'officer@example.gov.cn',
        comment: 'no longer needed',
        taskId: 't2',
      }),
    });
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.step).slice(-2)).toEqual(['PlanApproval', 'RejectPurchase']);
    expect(String(calls.at(-1)?.payload.cause)).toContain('WITHDRAWN');
    expect(calls.filter((c) => c.step === 'RequestDecision')).toHaveLength(1);
    expect(calls.filter((c) => c.step === 'RequestRevision')).toHaveLength(1);
  });

  it('a revision not made after the first ask and two reminders rejects the purchase (RevisionLapsed)', async () => {
    const {
      engine: sf,
      calls,
      waiting,
    } = harness(
      {
        PlanApproval: () =>
          calls.some((c) => c.step === 'RequestDecision')
            ? { next: 'REVISION', level: 'FINANCE_SECTION', round: 2 }
            : { next: 'FINANCE_SECTION', remaining: ['FINANCE_SECTION'] },
      },
      0.002,
    );
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-RL',
      input: '{"purchaseId":"PUR-RL"}',
    });
    const approver = await until(() => waiting.find((x) => x.step === 'RequestDecision'), 'the approver');
    await sf.sendTaskSuccess({
      taskToken: approver.token,
      output: JSON.stringify({
        decision: 'RETURN',
        by: 'fin@example.gov.cn',
        comment: 'budget',
        taskId: 't1',
      }),
    });
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    const revisionAttempts = calls.filter((c) => c.step === 'RequestRevision').map((c) => c.payload.attempt);
    expect(revisionAttempts).toEqual(['FIRST', 'REMINDER', 'ESCALATION']);
    expect(calls.at(-1)).toMatchObject({ step: 'RejectPurchase', payload: { error: 'RevisionLapsed' } });
    expect(calls.filter((c) => c.step === 'RequestDecision')).toHaveLength(1);
  });

  it('lapses after the escalation also times out: the purchase is rejected, not left waiting', async () => {
    const { engine: sf, calls } = harness({ PlanApproval: planOf(['SECTION_CHIEF']) }, 0.002);
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-4',
      input: '{"purchaseId":"PUR-4"}',
    });
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    expect(calls.at(-1)).toMatchObject({ step: 'RejectPurchase', payload: { error: 'ApprovalLapsed' } });
  });

  it('a policy refusal in validation rejects without reserving budget', async () => {
    const { engine: sf, calls } = harness({
      ValidateProposal: () => {
        throw refusal('POLICY: salary below benchmark');
      },
    });
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-5',
      input: '{"purchaseId":"PUR-5"}',
    });
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.step)).toEqual(['ValidateProposal', 'RejectPurchase']);
    expect(String(calls[1]?.payload.cause)).toContain('salary below benchmark');
  });

  it('no budget left: rejected after the reservation fails, before any approver is asked', async () => {
    const { engine: sf, calls } = harness({
      ReserveBudget: () => {
        throw refusal('BUDGET: line has ¥0.00 left');
      },
    });
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-6',
      input: '{"purchaseId":"PUR-6"}',
    });
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.step)).toEqual(['ValidateProposal', 'ReserveBudget', 'RejectPurchase']);
  });

  it('retries a transient Lambda failure and then goes on', async () => {
    let failures = 0;
    const {
      engine: sf,
      calls,
      waiting,
    } = harness(
      {
        ReserveBudget: () => {
          if (failures++ < 2) {
            const e = new Error('throttled');
            e.name = 'Lambda.TooManyRequestsException';
            throw e;
          }
        },
        PlanApproval: planOf(['SECTION_CHIEF']),
      },
      1,
    );
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-7',
      input: '{"purchaseId":"PUR-7"}',
    });
    const w = await until(() => waiting[0], 'approver');
    await decide(sf, w.token, 'APPROVE');
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c.step === 'ReserveBudget')).toHaveLength(3);
  });

  it('resumes at APPROVAL from DynamoDB: plans again and asks only the undecided level', async () => {
    const { engine: sf, calls, waiting } = harness({ PlanApproval: planOf(['BUREAU_DIRECTOR']) });
    const { executionArn } = await sf.startExecution({
      stateMachineArn: SM_ARN,
      name: 'PUR-8-r1',
      input: '{"purchaseId":"PUR-8","resumeAt":"APPROVAL"}',
    });
    const w = await until(() => waiting[0], 'director');
    await decide(sf, w.token, 'APPROVE');
    expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.step)).toEqual([
      'PlanApproval',
      'RequestDecision',
      'PlanApproval',
      'ConcludeApproval',
      'HandOverExecution',
      'IssueContract',
      'PlanContracting',
      'ConcludeContracting',
      'HandOverExecution',
      'NotifyPayment',
      'PlanMidterm',
      'ConcludeMidterm',
      'HandOverExecution',
      'NotifyPayment',
      'PlanEvaluation',
      'ConcludeEvaluation',
      'NotifyPayment',
      'AwaitSettlement',
      'ClosePurchase',
    ]);
  });

  it('a second start with the same purchase id is refused, not duplicated', async () => {
    const { engine: sf } = harness({ PlanApproval: planOf(FULL_CHAIN.levels) });
    await sf.startExecution({ stateMachineArn: SM_ARN, name: 'PUR-9', input: '{"purchaseId":"PUR-9"}' });
    await expect(
      sf.startExecution({ stateMachineArn: SM_ARN, name: 'PUR-9', input: '{"purchaseId":"PUR-9","x":1}' }),
    ).rejects.toThrow(/already exists/i);
  });

  describe('contracting', () => {
    /** PlanContracting as DynamoDB would answer it, step by step. */
    function contractingOf(steps: Record<string, unknown>[]) {
      let i = 0;
      return () => steps[Math.min(i++, steps.length - 1)];
    }
    const since = '2026-03-01T00:00:00.000Z';
    const resume = (name: string) =>
      ({
        stateMachineArn: SM_ARN,
        name,
        input: `{"purchaseId":"${name}","resumeAt":"CONTRACTING"}`,
      }) as const;

    it('issues the contract, waits for the signed copy, asks the countersignature, publishes and notifies tranche 1', async () => {
      const {
        engine: sf,
        calls,
        waiting,
      } = harness({
        PlanContracting: contractingOf([
          { next: 'AWAIT_SIGNED', round: 1, since },
          { next: 'COUNTERSIGN', round: 1, since, uploadId: 'u1' },
          { next: 'DONE', round: 1, since, uploadId: 'u1' },
        ]),
      });
      const { executionArn } = await sf.startExecution(resume('PUR-C1'));
      const upload = await until(() => waiting.find((w) => w.step === 'AwaitUpload'), 'upload wait');
      expect(calls.find((c) => c.step === 'AwaitUpload')?.payload).toMatchObject({
        kind: 'SIGNED_CONTRACT',
        since,
      });
      await sf.sendTaskSuccess({ taskToken: upload.token, output: JSON.stringify({ uploadId: 'u1' }) });
      const ask = await until(() => waiting.find((w) => w.purpose === 'COUNTERSIGN'), 'countersign');
      expect(calls.find((c) => c.payload.purpose === 'COUNTERSIGN')?.payload).toMatchObject({
        round: 1,
        level: 'SECTION_CHIEF',
      });
      await sf.sendTaskSuccess({ taskToken: ask.token, output: JSON.stringify({ decision: 'COUNTERSIGN' }) });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.map((c) => c.step)).toEqual([
        'IssueContract',
        'PlanContracting',
        'AwaitUpload',
        'PlanContracting',
        'RequestDecision',
        'PlanContracting',
        'ConcludeContracting',
        'HandOverExecution',
        'NotifyPayment',
        'PlanMidterm',
        'ConcludeMidterm',
        'HandOverExecution',
        'NotifyPayment',
        'PlanEvaluation',
        'ConcludeEvaluation',
        'NotifyPayment',
        'AwaitSettlement',
        'ClosePurchase',
      ]);
      expect(calls.find((c) => c.step === 'NotifyPayment')?.payload).toMatchObject({
        milestone: 'CONTRACT_SIGNED',
      });
    });

    it('a refused countersignature starts a new round that waits for a new signed copy', async () => {
      const refusedAt = '2026-03-05T00:00:00.000Z';
      const {
        engine: sf,
        calls,
        waiting,
      } = harness({
        PlanContracting: contractingOf([
          { next: 'COUNTERSIGN', round: 1, since, uploadId: 'u1' },
          { next: 'AWAIT_SIGNED', round: 2, since: refusedAt },
          { next: 'COUNTERSIGN', round: 2, since: refusedAt, uploadId: 'u2' },
          { next: 'DONE', round: 2, since: refusedAt, uploadId: 'u2' },
        ]),
      });
      const { executionArn } = await sf.startExecution(resume('PUR-C2'));
      const first = await until(() => waiting.find((w) => w.purpose === 'COUNTERSIGN'), 'first countersign');
      await sf.sendTaskSuccess({ taskToken: first.token, output: JSON.stringify({ decision: 'REFUSE' }) });
      const upload = await until(() => waiting.find((w) => w.step === 'AwaitUpload'), 'second upload');
      await sf.sendTaskSuccess({ taskToken: upload.token, output: JSON.stringify({ uploadId: 'u2' }) });
      const second = await until(
        () => waiting.filter((w) => w.purpose === 'COUNTERSIGN')[1],
        'second countersign',
      );
      await sf.sendTaskSuccess({
        taskToken: second.token,
        output: JSON.stringify({ decision: 'COUNTERSIGN' }),
      });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.find((c) => c.step === 'AwaitUpload')?.payload.since).toBe(refusedAt);
      expect(calls.filter((c) => c.payload.purpose === 'COUNTERSIGN').map((c) => c.payload.round)).toEqual([
        1, 2,
      ]);
      expect(calls.filter((c) => c.step === 'NotifyPayment').map((c) => c.payload.milestone)).toContain(
        'MIDTERM_PASSED',
      );
    });

    it('an NGO that never uploads is reminded, then escalated, then the purchase is terminated', async () => {
      // 604,800 s signing timeout at 0.001 ms per second: about 0.6 s real per timeout.
      const { engine: sf, calls } = harness(
        { PlanContracting: contractingOf([{ next: 'AWAIT_SIGNED', round: 1, since }]) },
        0.001,
      );
      const { executionArn } = await sf.startExecution(resume('PUR-C3'));
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      const attempts = calls.filter((c) => c.step === 'AwaitUpload').map((c) => c.payload.attempt);
      expect(attempts).toEqual(['FIRST', 'REMINDER', 'ESCALATION']);
      expect(calls.at(-1)).toMatchObject({ step: 'TerminatePurchase', payload: { error: 'ContractLapsed' } });
      expect(calls.some((c) => c.step === 'NotifyPayment')).toBe(false);
    });

    it('resumes at MIDTERM_REVIEW by making sure the first tranche was notified (idempotent step)', async () => {
      const { engine: sf, calls } = harness({});
      const { executionArn } = await sf.startExecution({
        stateMachineArn: SM_ARN,
        name: 'PUR-C4',
        input: '{"purchaseId":"PUR-C4","resumeAt":"MIDTERM_REVIEW"}',
      });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.map((c) => c.step)).toEqual([
        'NotifyPayment',
        'PlanMidterm',
        'ConcludeMidterm',
        'HandOverExecution',
        'NotifyPayment',
        'PlanEvaluation',
        'ConcludeEvaluation',
        'NotifyPayment',
        'AwaitSettlement',
        'ClosePurchase',
      ]);
    });
  });

  describe('mid-term review', () => {
    const start = (name: string) =>
      ({ stateMachineArn: SM_ARN, name, input: `{"purchaseId":"${name}","resumeAt":"EVALUATION"}` }) as const;
    const midterm = (name: string) =>
      ({
        stateMachineArn: SM_ARN,
        name,
        input: `{"purchaseId":"${name}","resumeAt":"MIDTERM_REVIEW"}`,
      }) as const;
    const since = '2026-03-01T00:00:00.000Z';
    const awaitReport = (extensions = 0, waitSeconds = 3600) => ({
      next: 'AWAIT_REPORT',
      round: 1,
      since,
      reminderAt: new Date(Date.now() - 1000).toISOString(),
      deadline: '2026-07-14T15:59:59.999Z',
      waitSeconds,
      extensions,
    });
    function sequence(steps: Record<string, unknown>[]) {
      let i = 0;
      return () => steps[Math.min(i++, steps.length - 1)];
    }

    it('a plan step that answers HAND_OVER waits until handOverAt, then the purchase goes on in a fresh execution', async () => {
      const handOverAt = new Date(Date.now() + 60_000).toISOString(); // 0.6 s at 10 ms a second
      const { engine: sf, calls } = harness(
        {
          PlanMidterm: sequence([
            { next: 'HAND_OVER', handOverAt },
            { next: 'PASSED', round: 1 },
          ]),
        },
        10,
      );
      const { executionArn } = await sf.startExecution(midterm('PUR-M5'));
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');

      const first = await sf.describeExecution({ executionArn });
      expect(first.status).toBe('SUCCEEDED');
      const handedOver = calls.find((c) => c.step === 'HandOverExecution');
      expect(handedOver?.payload).toEqual({ purchaseId: 'PUR-M5', execution: 'PUR-M5' });
      const successor = await sf.describeExecution({ executionArn: `${executionArn}-MIDTERM_REVIEW-1` });
      // A minute on this clock is 0.6 s of the system time the dates are in.
      expect(successor.startDate.getTime() - first.startDate.getTime()).toBeGreaterThanOrEqual(550);
      expect(JSON.parse(successor.input)).toEqual({ purchaseId: 'PUR-M5', resumeAt: 'MIDTERM_REVIEW' });
      expect(calls.map((c) => c.step)).toEqual([
        'NotifyPayment',
        'PlanMidterm',
        'HandOverExecution',
        'NotifyPayment',
        'PlanMidterm',
        'ConcludeMidterm',
        'HandOverExecution',
        'NotifyPayment',
        'PlanEvaluation',
        'ConcludeEvaluation',
        'NotifyPayment',
        'AwaitSettlement',
        'ClosePurchase',
      ]);
      // Each plan step is told when its own execution started, to hand over before AWS's limit.
      const plans = calls.filter((c) => c.step === 'PlanMidterm').map((c) => c.payload.startedAt);
      expect(plans).toEqual([first.startDate.toISOString(), successor.startDate.toISOString()]);
    });

    it('waits for the report (reminder day first), has it reviewed, passes and notifies tranche 2', async () => {
      const {
        engine: sf,
        calls,
        waiting,
      } = harness({
        PlanMidterm: sequence([
          awaitReport(),
          { next: 'REVIEW', round: 1, maxRounds: 3, uploadId: 'm1' },
          { next: 'PASSED', round: 1 },
        ]),
      });
      const { executionArn } = await sf.startExecution(midterm('PUR-M1'));
      const upload = await until(() => waiting.find((w) => w.step === 'AwaitUpload'), 'report wait');
      expect(calls.find((c) => c.step === 'AwaitUpload')?.payload).toMatchObject({
        kind: 'MIDTERM_REPORT',
        since,
        deadline: '2026-07-14T15:59:59.999Z',
      });
      await sf.sendTaskSuccess({ taskToken: upload.token, output: JSON.stringify({ uploadId: 'm1' }) });
      const ask = await until(() => waiting.find((w) => w.purpose === 'MIDTERM_REVIEW'), 'review');
      expect(calls.find((c) => c.payload.purpose === 'MIDTERM_REVIEW')?.payload).toMatchObject({
        round: 1,
        maxRounds: 3,
      });
      await sf.sendTaskSuccess({ taskToken: ask.token, output: JSON.stringify({ decision: 'PASS' }) });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.map((c) => c.step)).toEqual([
        'NotifyPayment',
        'PlanMidterm',
        'AwaitUpload',
        'PlanMidterm',
        'RequestDecision',
        'PlanMidterm',
        'ConcludeMidterm',
        'HandOverExecution',
        'NotifyPayment',
        'PlanEvaluation',
        'ConcludeEvaluation',
        'NotifyPayment',
        'AwaitSettlement',
        'ClosePurchase',
      ]);
      expect(calls.filter((c) => c.step === 'NotifyPayment').map((c) => c.payload.milestone)).toContain(
        'MIDTERM_PASSED',
      );
    });

    it('a report missing at the deadline is late: the chief extends, and the NGO gets another period', async () => {
      const {
        engine: sf,
        calls,
        waiting,
      } = harness(
        {
          PlanMidterm: sequence([
            awaitReport(0, 300),
            awaitReport(1, 300),
            { next: 'REVIEW', round: 1, maxRounds: 3, uploadId: 'm1' },
            { next: 'PASSED', round: 1 },
          ]),
        },
        1,
      );
      const { executionArn } = await sf.startExecution(midterm('PUR-M2'));
      const late = await until(() => waiting.find((w) => w.purpose === 'LATE_REPORT'), 'late decision');
      expect(calls.find((c) => c.payload.purpose === 'LATE_REPORT')?.payload).toMatchObject({
        extension: 1,
        round: 1,
      });
      await sf.sendTaskSuccess({ taskToken: late.token, output: JSON.stringify({ decision: 'EXTEND' }) });
      const second = await until(() => waiting.filter((w) => w.step === 'AwaitUpload')[1], 'second wait');
      await sf.sendTaskSuccess({ taskToken: second.token, output: JSON.stringify({ uploadId: 'm1' }) });
      const ask = await until(() => waiting.find((w) => w.purpose === 'MIDTERM_REVIEW'), 'review');
      await sf.sendTaskSuccess({ taskToken: ask.token, output: JSON.stringify({ decision: 'PASS' }) });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.filter((c) => c.step === 'AwaitUpload')).toHaveLength(2);
      expect(calls.filter((c) => c.step === 'NotifyPayment').map((c) => c.payload.milestone)).toContain(
        'MIDTERM_PASSED',
      );
    });

    it('a review that terminates ends the purchase TERMINATED with the reviewer’s reason', async () => {
      const {
        engine: sf,
        calls,
        waiting,
      } = harness({
        PlanMidterm: sequence([
          { next: 'REVIEW', round: 2, maxRounds: 3, uploadId: 'm2' },
          { next: 'TERMINATE', round: 2, reason: '服务严重不达标' },
        ]),
      });
      const { executionArn } = await sf.startExecution(midterm('PUR-M3'));
      const ask = await until(() => waiting.find((w) => w.purpose === 'MIDTERM_REVIEW'), 'review');
      await sf.sendTaskSuccess({ taskToken: ask.token, output: JSON.stringify({ decision: 'TERMINATE' }) });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.at(-1)).toMatchObject({
        step: 'TerminatePurchase',
        payload: { error: 'PurchaseTerminated', cause: '服务严重不达标' },
      });
      expect(calls.filter((c) => c.step === 'NotifyPayment')).toHaveLength(1);
    });

    it('resumes at EVALUATION by making sure the second tranche was notified', async () => {
      const { engine: sf, calls } = harness({});
      const { executionArn } = await sf.startExecution(start('PUR-M4'));
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.map((c) => c.step)).toEqual([
        'NotifyPayment',
        'PlanEvaluation',
        'ConcludeEvaluation',
        'NotifyPayment',
        'AwaitSettlement',
        'ClosePurchase',
      ]);
      expect(calls[0]?.payload).toMatchObject({ milestone: 'MIDTERM_PASSED' });
    });
  });

  describe('third-party evaluation and closing', () => {
    const evaluation = (name: string) =>
      ({ stateMachineArn: SM_ARN, name, input: `{"purchaseId":"${name}","resumeAt":"EVALUATION"}` }) as const;
    const awaitFinal = {
      next: 'AWAIT_FINAL_REPORT',
      since: '2026-07-01T00:00:00.000Z',
      deadline: '2027-01-14T15:59:59.999Z',
      waitSeconds: 300,
      graceSeconds: 300,
      escalationSeconds: 300,
    };
    function sequence(steps: Record<string, unknown>[]) {
      let i = 0;
      return () => steps[Math.min(i++, steps.length - 1)];
    }

    it('final report, agency scores GOOD: the final tranche is notified and the purchase closes', async () => {
      const {
        engine: sf,
        calls,
        waiting,
      } = harness({
        PlanEvaluation: sequence([
          awaitFinal,
          { next: 'EVALUATE' },
          { next: 'DONE', grade: 'GOOD', totalTenths: 856 },
        ]),
      });
      const { executionArn } = await sf.startExecution(evaluation('PUR-E1'));
      const report = await until(() => waiting.find((w) => w.step === 'AwaitUpload'), 'final report wait');
      await sf.sendTaskSuccess({ taskToken: report.token, output: JSON.stringify({ uploadId: 'f1' }) });
      const agency = await until(() => waiting.find((w) => w.step === 'RequestEvaluation'), 'agency');
      await sf.sendTaskSuccess({ taskToken: agency.token, output: JSON.stringify({ decision: 'SUBMIT' }) });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.map((c) => c.step)).toEqual([
        'NotifyPayment',
        'PlanEvaluation',
        'AwaitUpload',
        'PlanEvaluation',
        'RequestEvaluation',
        'PlanEvaluation',
        'ConcludeEvaluation',
        'NotifyPayment',
        'AwaitSettlement',
        'ClosePurchase',
      ]);
      expect(calls.at(-3)?.payload).toMatchObject({ milestone: 'EVALUATION_PASSED' });
    });

    it('a grade that reduces the final tranche still notifies it (at the reduced amount), then the purchase closes', async () => {
      const { engine: sf, calls } = harness({
        PlanEvaluation: () => ({ next: 'DONE', grade: 'PASS', totalTenths: 705 }),
        ConcludeEvaluation: () => ({ finalTranche: 'REDUCE' }),
      });
      const { executionArn } = await sf.startExecution(evaluation('PUR-E3'));
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.map((c) => c.step)).toEqual([
        'NotifyPayment',
        'PlanEvaluation',
        'ConcludeEvaluation',
        'NotifyPayment',
        'AwaitSettlement',
        'ClosePurchase',
      ]);
      expect(calls.at(-3)?.payload).toMatchObject({ milestone: 'EVALUATION_PASSED' });
    });

    it('a failed evaluation withholds the final tranche: no final payment step, the purchase closes', async () => {
      const { engine: sf, calls } = harness({
        PlanEvaluation: () => ({ next: 'DONE', grade: 'FAIL', totalTenths: 552 }),
        ConcludeEvaluation: () => ({ finalTranche: 'WITHHOLD' }),
      });
      const { executionArn } = await sf.startExecution(evaluation('PUR-E2'));
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.map((c) => c.step)).toEqual([
        'NotifyPayment',
        'PlanEvaluation',
        'ConcludeEvaluation',
        'AwaitSettlement',
        'ClosePurchase',
      ]);
    });

    it('no final report: reminder, escalation, recorded missing, and the agency evaluates anyway', async () => {
      const {
        engine: sf,
        calls,
        waiting,
      } = harness(
        {
          PlanEvaluation: sequence([
            awaitFinal,
            { next: 'EVALUATE' },
            { next: 'DONE', grade: 'PASS', totalTenths: 650 },
          ]),
        },
        1,
      );
      const { executionArn } = await sf.startExecution(evaluation('PUR-E3'));
      const agency = await until(() => waiting.find((w) => w.step === 'RequestEvaluation'), 'agency');
      expect(calls.filter((c) => c.step === 'AwaitUpload').map((c) => c.payload.attempt)).toEqual([
        'FIRST',
        'REMINDER',
        'ESCALATION',
      ]);
      expect(calls.map((c) => c.step)).toContain('RecordMissingReport');
      await sf.sendTaskSuccess({ taskToken: agency.token, output: JSON.stringify({ decision: 'SUBMIT' }) });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.at(-1)?.step).toBe('ClosePurchase');
    });

    it('an agency that does not answer is reminded, then the evaluation goes to another agency', async () => {
      // 864,000 s evaluation timeout at 0.001 ms per second: under a second per timeout.
      const {
        engine: sf,
        calls,
        waiting,
      } = harness(
        {
          PlanEvaluation: sequence([
            { next: 'EVALUATE' },
            { next: 'DONE', grade: 'EXCELLENT', totalTenths: 930 },
          ]),
        },
        0.001,
      );
      const { executionArn } = await sf.startExecution(evaluation('PUR-E4'));
      const reassigned = await until(
        () => waiting.find((w) => w.step === 'RequestEvaluation' && w.attempt === 'ESCALATION'),
        'reassignment',
      );
      await sf.sendTaskSuccess({
        taskToken: reassigned.token,
        output: JSON.stringify({ decision: 'SUBMIT' }),
      });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.filter((c) => c.step === 'RequestEvaluation').map((c) => c.payload.attempt)).toEqual([
        'FIRST',
        'REMINDER',
        'ESCALATION',
      ]);
      expect(calls.at(-1)?.step).toBe('ClosePurchase');
    });
  });

  describe('closing waits for every tranche to be paid or waived', () => {
    const closing = (name: string) =>
      ({ stateMachineArn: SM_ARN, name, input: `{"purchaseId":"${name}","resumeAt":"EVALUATION"}` }) as const;
    const handBack = (token: string, output: object) =>
      setImmediate(() => void engine?.sendTaskSuccess({ taskToken: token, output: JSON.stringify(output) }));

    it('while a tranche is unconfirmed the purchase does not close; the last confirmation resumes it', async () => {
      // Nobody answers: finance has not confirmed the final tranche yet.
      const { engine: sf, calls, waiting } = harness({ AwaitSettlement: () => ({ outstanding: [3] }) });
      const { executionArn } = await sf.startExecution(closing('PUR-S1'));
      const wait = await until(
        () => waiting.find((w) => w.step === 'AwaitSettlement'),
        'the settlement wait',
      );
      await new Promise((r) => setTimeout(r, 200));

      expect((await sf.describeExecution({ executionArn })).status).toBe('RUNNING');
      expect(calls.map((c) => c.step)).not.toContain('ClosePurchase');
      expect(calls.at(-1)?.payload).toMatchObject({ purchaseId: 'PUR-S1', startedAt: expect.any(String) });

      // What confirming the last tranche does (resumeClosingWhenSettled).
      await sf.sendTaskSuccess({ taskToken: wait.token, output: JSON.stringify({ next: 'CLOSE' }) });
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.map((c) => c.step).slice(-2)).toEqual(['AwaitSettlement', 'ClosePurchase']);
    });

    it('a wait nobody resumes times out after the recheck and looks again, and closes when all is settled then', async () => {
      let asked = 0;
      const { engine: sf, calls } = harness(
        {
          // The first look finds tranche 3 due; the recheck a week later finds it paid.
          AwaitSettlement: (body) => {
            asked += 1;
            if (asked === 2) handBack(String(body.taskToken), { next: 'CLOSE' });
            return {};
          },
        },
        0.001,
      );
      const { executionArn } = await sf.startExecution(closing('PUR-S2'));
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(calls.filter((c) => c.step === 'AwaitSettlement')).toHaveLength(2);
      expect(calls.at(-1)?.step).toBe('ClosePurchase');
    });

    it('a wait that would outlast its execution hands the purchase over; the successor waits and closes', async () => {
      let asked = 0;
      const { engine: sf, calls } = harness({
        AwaitSettlement: (body) => {
          asked += 1;
          handBack(
            String(body.taskToken),
            asked === 1 ? { next: 'HAND_OVER', handOverAt: new Date().toISOString() } : { next: 'CLOSE' },
          );
          return {};
        },
      });
      const { executionArn } = await sf.startExecution(closing('PUR-S3'));
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect((await sf.describeExecution({ executionArn })).status).toBe('SUCCEEDED');
      expect(successors.get(executionArn)).toContain('PUR-S3-EVALUATION-');
      const steps = calls.map((c) => c.step);
      expect(steps.indexOf('HandOverExecution')).toBeLessThan(steps.indexOf('ClosePurchase'));
      expect(steps.filter((s) => s === 'AwaitSettlement')).toHaveLength(2);
      expect(steps.filter((s) => s === 'ClosePurchase')).toHaveLength(1);
    });
  });

  describe('unexpected errors', () => {
    const failing =
      (name: string, message = 'unexpected') =>
      () => {
        const error = new Error(message);
        error.name = name;
        throw error;
      };
    const start = (sf: LocalStepFunctions, id: string) =>
      sf.startExecution({ stateMachineArn: SM_ARN, name: id, input: JSON.stringify({ purchaseId: id }) });
    const recorded = (calls: Call[]) => calls.filter((c) => c.step === 'RecordWorkflowFailure');

    it('a bug in a task ends the execution FAILED with the failure recorded, and nothing after it runs', async () => {
      const { engine: sf, calls } = harness({
        PlanApproval: planOf([]),
        IssueContract: failing('TypeError', "Cannot read properties of undefined (reading 'key')"),
      });
      const { executionArn } = await start(sf, 'PUR-F1');
      const done = await finish(sf, executionArn);
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('TypeError');
      expect(calls.map((c) => c.step)).toEqual([
        'ValidateProposal',
        'ReserveBudget',
        'PlanApproval',
        'ConcludeApproval',
        'HandOverExecution',
        'IssueContract',
        'RecordWorkflowFailure',
      ]);
      expect(recorded(calls)[0]?.payload).toMatchObject({
        purchaseId: 'PUR-F1',
        // Contracting runs in the execution approval handed the purchase to.
        execution: 'PUR-F1-CONTRACTING-1',
        // The function's own message travels as the Cause; the recorder bounds and scrubs it.
        failure: { state: 'Issue contract', Error: 'TypeError', Cause: expect.stringContaining('reading') },
      });
    });

    it('retries a transient error until the retries run out, then records the failure', async () => {
      const { engine: sf, calls } = harness(
        { ReserveBudget: failing('Lambda.TooManyRequestsException', 'throttled') },
        1,
      );
      const { executionArn } = await start(sf, 'PUR-F2');
      expect((await finish(sf, executionArn)).status).toBe('FAILED');
      // The first try and six retries.
      expect(calls.filter((c) => c.step === 'ReserveBudget')).toHaveLength(7);
      expect(recorded(calls).map((c) => c.payload.failure)).toMatchObject([
        { state: 'Reserve budget', Error: 'Lambda.TooManyRequestsException' },
      ]);
    });

    it('a crashed or timed-out function is tried once more: a one-off goes on, a repeat is recorded', async () => {
      let crashes = 0;
      const { engine: sf, calls } = harness(
        {
          PlanApproval: planOf([]),
          ValidateProposal: () => {
            if (crashes++ === 0) failing('Runtime.ExitError', 'exited with code 137')();
          },
          ConcludeApproval: failing('Sandbox.Timedout', 'Task timed out after 10.00 seconds'),
        },
        1,
      );
      const { executionArn } = await start(sf, 'PUR-F3');
      expect((await finish(sf, executionArn)).status).toBe('FAILED');
      expect(calls.filter((c) => c.step === 'ValidateProposal')).toHaveLength(2);
      expect(calls.filter((c) => c.step === 'ConcludeApproval')).toHaveLength(2);
      expect(recorded(calls).map((c) => c.payload.failure)).toMatchObject([
        { state: 'Conclude approval', Error: 'Sandbox.Timedout' },
      ]);
    });

    it('a waiting step whose function fails is recorded too, instead of waiting for a token nobody has', async () => {
      const { engine: sf, calls } = harness({
        PlanApproval: planOf(['SECTION_CHIEF']),
        RequestDecision: failing('ValidationError', 'taskToken: too long'),
      });
      const { executionArn } = await start(sf, 'PUR-F4');
      expect((await finish(sf, executionArn)).status).toBe('FAILED');
      expect(recorded(calls).map((c) => c.payload.failure)).toMatchObject([
        { state: 'Ask approver', Error: 'ValidationError' },
      ]);
      expect(calls.filter((c) => c.step === 'RequestDecision')).toHaveLength(1);
    });

    it('a failing recorder ends the execution FAILED with the original error, never calling itself again', async () => {
      const { engine: sf, calls } = harness({
        ValidateProposal: failing('TypeError', 'a bug'),
        RecordWorkflowFailure: failing('PurchaseMissingError', 'purchase PUR-F5 does not exist'),
      });
      const { executionArn } = await start(sf, 'PUR-F5');
      const done = await finish(sf, executionArn);
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('TypeError');
      expect(calls.map((c) => c.step)).toEqual(['ValidateProposal', 'RecordWorkflowFailure']);
    });

    it('a domain refusal still rejects the purchase: the catch-all comes after the specific catches', async () => {
      const { engine: sf, calls } = harness({
        ValidateProposal: () => {
          throw refusal('POLICY: wage');
        },
      });
      const { executionArn } = await start(sf, 'PUR-F6');
      expect((await finish(sf, executionArn)).status).toBe('SUCCEEDED');
      expect(recorded(calls)).toEqual([]);
      expect(calls.map((c) => c.step)).toEqual(['ValidateProposal', 'RejectPurchase']);
    });
  });
});

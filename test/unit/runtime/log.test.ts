import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { createLogger } from '../../../shared/lambda/log.js';
import { workflowStep } from '../../../shared/lambda/workflow-step.js';
import { lambdaContext } from '../../support/events.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.env.POWERTOOLS_DEV = 'true';
});

describe("the functions' log", () => {
  it('is one JSON object per line on stdout, its keys top-level fields (not text inside a message)', () => {
    delete process.env.POWERTOOLS_DEV; // as on Lambda
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const logger = createLogger();
    logger.appendKeys({ purchaseId: 'PUR-2026-ABCDEFGHJKMNPQRS' });
    logger.info('step done', { outcome: 'ok' });

    expect(written).toHaveLength(1);
    expect(written[0]?.trimEnd().includes('\n')).toBe(false);
    expect(JSON.parse(written[0] ?? '')).toMatchObject({
      level: 'INFO',
      message: 'step done',
      service: 'ngo-service-purchase',
      purchaseId: 'PUR-2026-ABCDEFGHJKMNPQRS',
      outcome: 'ok',
      timestamp: expect.any(String),
    });
  });

  it("names the function, the purchase and the execution on a workflow step's lines, and logs its outcome", async () => {
    const lines: Record<string, unknown>[] = [];
    for (const stream of ['log', 'info', 'warn', 'error'] as const)
      vi.spyOn(console, stream).mockImplementation((line: unknown) => {
        lines.push(JSON.parse(String(line)));
      });
    const step = workflowStep(z.object({ purchaseId: z.string() }), async () => ({
      next: 'REVIEW',
      taskToken: 'secret-token',
    }));
    const failing = workflowStep(z.object({ purchaseId: z.string() }), async () => {
      throw Object.assign(new Error('the budget line has no money left'), { name: 'PurchaseRefused' });
    });
    const input = {
      purchaseId: 'PUR-2026-ABCDEFGHJKMNPQRS',
      execution: 'PUR-2026-ABCDEFGHJKMNPQRS-MIDTERM_REVIEW-1',
    };

    await step(input, lambdaContext('plan-midterm'));
    await expect(failing(input, lambdaContext('reserve-budget'))).rejects.toThrow('no money');
    await step({ execution: 'x' }, lambdaContext('plan-midterm')).catch(() => undefined);

    expect(
      lines.map((l) => [l.function_name, l.purchaseId, l.execution, l.message, l.outcome, l.next]),
    ).toEqual([
      ['plan-midterm', input.purchaseId, input.execution, 'step done', 'ok', 'REVIEW'],
      ['reserve-budget', input.purchaseId, input.execution, 'step failed', 'PurchaseRefused', undefined],
      // A later invocation does not inherit the earlier one's purchase.
      ['plan-midterm', undefined, 'x', 'step refused its input', 'ValidationError', undefined],
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });
});

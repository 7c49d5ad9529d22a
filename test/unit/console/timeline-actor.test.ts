import { describe, expect, it } from 'vitest';
import { actorOf } from '../../../console/src/purchase/timeline-actor.js';

const entry = {
  seq: 7,
  at: '2026-03-02T08:00:00.000Z',
  action: 'approval.decided',
  actor: 'wang.wu@bureau.example',
};

describe("the purchase timeline's actor", () => {
  it('reads "王五 代 张三审批 · 王五 for 张三" for a delegate\'s decision, with the delegate\'s address', () => {
    expect(
      actorOf({
        ...entry,
        detail: { onBehalfOf: { name: '张三', email: 'zhang.san@bureau.example' }, delegateName: '王五' },
      }),
    ).toBe('王五 代 张三审批 · 王五 for 张三 <wang.wu@bureau.example>');
  });

  it('is the actor alone for everyone else, and for a request that only names the approver', () => {
    expect(actorOf(entry)).toBe('wang.wu@bureau.example');
    expect(
      actorOf({
        ...entry,
        actor: 'system:workflow',
        detail: { onBehalfOf: { name: '张三', email: 'zhang.san@bureau.example' } },
      }),
    ).toBe('system:workflow');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposalToday } from '../../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../../infra/local/users.js';
import { chinaCalendarDate } from '../../../shared/domain/china-time.js';
import { decideOnce, type Inboxes, type JourneyContext, waitFor } from '../../support/journey.js';
import { useJourneyApp } from '../../support/journey-app.js';
import type { LocalAppUnderTest } from '../../support/local-app.js';
import { TEST_SETTINGS } from '../../support/settings.js';

/**
 * Out of office over HTTP, as the people do it: the section chief names a delegate on the staff
 * API (POST /my/delegations), the delegate is told by mail, a new purchase's approval mail reaches
 * the delegate, who approves from the link, and the purchase records the decision "for" the chief.
 */

const OFFICER = { sub: 'officer-delegation', email: 'delegation.officer@civil-affairs.example.gov.cn' };
const chief = TEST_SETTINGS.policy.approval.approvers.SECTION_CHIEF;
const delegate = { name: '王五', email: 'wang.wu.delegate@civil-affairs.example.gov.cn' };
const journeyApp = useJourneyApp(OFFICER, {}, 360_000);
let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;
let chiefToken: string;
beforeAll(async () => {
  ({ app, journey } = journeyApp());
  inboxes = journey.inboxes;
  chiefToken = await app.users.devToken('chief-away', ['approver'], chief.email);
});

async function staffApi(method: 'GET' | 'POST', path: string, token: string, body?: unknown) {
  const res = await fetch(`${app.runtime.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const about = (text: string) => (m: { body: { text?: string } }) => (m.body.text ?? '').includes(text);

describe('an approver away names a delegate', () => {
  it('the delegate is told, receives the approval mail of a new purchase, approves from the link, and the decision is "for" the chief', async () => {
    const today = chinaCalendarDate(new Date().toISOString());
    const refused = await staffApi('POST', '/my/delegations', chiefToken, {
      delegate: { name: chief.name, email: chief.email },
      from: today,
      until: today,
      reason: '出差',
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('delegation-self');

    const named = await staffApi('POST', '/my/delegations', chiefToken, {
      delegate,
      from: today,
      until: today,
      reason: '出差 · away on business',
    });
    expect(named.status).toBe(201);
    const told = await inboxes.next(delegate.email, about(`${delegate.name} for ${chief.name}`), 60_000);
    expect(told.body.text).not.toMatch(/https?:\/\//);
    const listed = await staffApi('GET', '/my/delegations', chiefToken);
    expect(listed.status).toBe(200);
    expect(listed.body.delegations).toEqual([
      expect.objectContaining({ approverEmail: chief.email, delegate }),
    ]);

    const submitted = await app.users.submit(journey.officer, smallMinorProtectionProposalToday());
    expect(submitted.status).toBe(201);
    const purchaseId = String(submitted.body.purchaseId);
    const ask = await inboxes.next(delegate.email, about(purchaseId), 60_000);
    expect(ask.body.text).toContain(`${delegate.name} 代 ${chief.name}审批`);
    await decideOnce(journey, UsersClient.linkIn(ask), 'APPROVE', { comment: '代为审批，同意。' });

    const approved = await waitFor(
      journey,
      purchaseId,
      (v) => v.approvals.SECTION_CHIEF?.decision === 'APPROVE',
    );
    expect(approved.approvals.SECTION_CHIEF).toMatchObject({
      by: delegate.email,
      byName: delegate.name,
      onBehalfOf: { name: chief.name, email: chief.email, role: 'SECTION_CHIEF' },
    });

    const id = String((named.body.delegation as { id: string }).id);
    const ended = await staffApi('POST', `/my/delegations/${id}/end`, chiefToken);
    expect(ended.status).toBe(200);
    expect(ended.body.delegation).toMatchObject({ endedBy: chief.email });
  });
});

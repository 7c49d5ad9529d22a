import { describe, expect, it } from 'vitest';
import { json, requireStaff } from '../../../shared/lambda/http.js';
import { httpEvent, staffClaims } from '../../support/events.js';

/** What every staff API answer and caller check at the edge holds to. */

describe('json answers', () => {
  it('are never sniffed into something a browser renders, nor cached', () => {
    expect(json(200, { ok: true }).headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
  });
});

describe('requireStaff', () => {
  const caller = (claims: Record<string, unknown>) =>
    requireStaff(httpEvent({ method: 'GET', path: '/purchases', claims }));

  it('takes the e-mail address the provider verified (a boolean, or the string API Gateway flattens it to)', () => {
    expect(caller(staffClaims({ email_verified: 'true' })).email).toBe(
      'officer@civil-affairs.example.gov.cn',
    );
    expect(caller(staffClaims({ email_verified: true })).email).toBe('officer@civil-affairs.example.gov.cn');
  });

  it('ignores an address the provider did not verify, or says nothing about', () => {
    const { email_verified: _unsaid, ...unsaid } = staffClaims();
    for (const claims of [
      staffClaims({ email_verified: 'false' }),
      staffClaims({ email_verified: false }),
      unsaid,
    ]) {
      const staff = caller(claims);
      expect(staff.email).toBeUndefined();
      expect(staff.roles).toEqual(['officer']);
    }
  });
});

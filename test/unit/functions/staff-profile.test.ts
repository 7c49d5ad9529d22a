import { describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/staff-profile/handler.js';
import { httpEvent, lambdaContext, staffClaims, structured } from '../../support/events.js';

const handler = createHandler();
const invoke = async (claims?: Record<string, unknown>) =>
  structured(await handler(httpEvent({ path: '/me', claims }), lambdaContext('staff-profile')));

describe('GET /me', () => {
  it('answers 401 without a verified token', async () => {
    expect((await invoke()).statusCode).toBe(401);
  });

  it('answers 403 to a token with no staff role (an unknown group is not a role)', async () => {
    expect((await invoke(staffClaims({ roles: '[ngo evaluator]' }))).statusCode).toBe(403);
  });

  it('says who the caller is and what their roles allow, from local roles and Cognito groups alike', async () => {
    const answer = await invoke(staffClaims({ roles: '[auditor]', 'cognito:groups': '[finance Everyone]' }));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      sub: 'officer-7',
      email: 'officer@civil-affairs.example.gov.cn',
      name: 'Lin Officer',
      roles: ['auditor', 'finance'],
      permissions: ['viewAllPurchases', 'confirmPayment', 'correctPaymentRecord', 'viewReferenceData'],
    });
  });
});

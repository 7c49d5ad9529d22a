import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REFERENCE_SECTIONS, referenceSeed } from '../../../shared/domain/reference-data.js';
import {
  loadReferenceData,
  policySettings,
  ReferenceDataNotLoadedError,
} from '../../../shared/lambda/settings.js';
import { lambdaContext, stubFunctionEnv } from '../../support/events.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

/**
 * The settings the functions are given at cold start read the reference data of the running
 * invocation: outside one that loaded it (loadReferenceData), reading it is a wiring mistake.
 */

const ddb = mockClient(DynamoDBDocumentClient);
const SEED = referenceSeed(TEST_POLICY, TEST_LIFECYCLE);

beforeEach(() => {
  ddb.reset();
  stubFunctionEnv();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the live policy settings', () => {
  it('refuse to give the budget lines when no invocation loaded the reference data', () => {
    const settings = policySettings();

    expect(settings.approval.fullChainAboveFen).toBe(TEST_POLICY.approval.fullChainAboveFen);
    expect(() => settings.budgetLines).toThrow(ReferenceDataNotLoadedError);
  });

  it('give the table’s budget lines during an invocation that loads them, and refuse again after it', async () => {
    ddb.on(QueryCommand).resolves({
      Items: REFERENCE_SECTIONS.map((section) => ({
        section,
        value: SEED[section],
        version: 1,
        updatedAt: '2026-03-02T08:00:00.000Z',
        updatedBy: 'settings',
      })),
    });
    const settings = policySettings();
    const handler = middy()
      .use(loadReferenceData())
      .handler(async () => settings.budgetLines.map((line) => line.lineId));

    expect(await handler({}, lambdaContext())).toEqual(SEED.budgetLines.map((line) => line.lineId));
    expect(() => settings.budgetLines).toThrow(ReferenceDataNotLoadedError);
  });

  it('give every person of the approver roster from the table: the approvers, the deputy and the administrator', async () => {
    const roster = {
      ...SEED.approvers,
      DEPUTY: { name: '新副局长', email: 'new.deputy@civil-affairs.example.gov.cn' },
      ADMINISTRATOR: { name: '新管理员', email: 'new.admin@civil-affairs.example.gov.cn' },
    };
    ddb.on(QueryCommand).resolves({
      Items: REFERENCE_SECTIONS.map((section) => ({
        section,
        value: section === 'approvers' ? roster : SEED[section],
        version: 2,
        updatedAt: '2026-03-02T08:00:00.000Z',
        updatedBy: 'admin@civil-affairs.example.gov.cn',
      })),
    });
    const settings = policySettings();
    const handler = middy()
      .use(loadReferenceData())
      .handler(async () => ({ ...settings.approval }));

    expect(await handler({}, lambdaContext())).toMatchObject({
      approvers: { SECTION_CHIEF: SEED.approvers.SECTION_CHIEF },
      deputy: roster.DEPUTY,
      administrator: roster.ADMINISTRATOR,
    });
  });
});

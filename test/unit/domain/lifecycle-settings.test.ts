import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { SettingsError } from '../../../shared/config/errors.js';
import { parseLifecycleSettings } from '../../../shared/config/settings.js';
import { isValidCreditCode } from '../../../shared/domain/credit-code.js';
import type { LifecycleSettings } from '../../../shared/domain/lifecycle-settings.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

function settings(): LifecycleSettings {
  return structuredClone(TEST_LIFECYCLE);
}

function refusal(raw: unknown): string {
  try {
    parseLifecycleSettings(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
}

describe('lifecycle settings', () => {
  it('accepts the sample settings unchanged', () => {
    expect(parseLifecycleSettings(settings())).toEqual(TEST_LIFECYCLE);
  });

  it('fills the documented defaults when a settings file leaves the knobs out', () => {
    const raw = settings() as unknown as Record<string, Record<string, unknown>>;
    delete raw.uploads;
    delete raw.ngoLinks;
    delete raw.payments?.dueDays;
    delete raw.midterm?.maxRectificationRounds;
    delete raw.evaluation?.rubric;
    delete raw.evaluation?.bands;
    delete raw.evaluation?.finalTrancheShare;
    const parsed = parseLifecycleSettings(raw);
    expect(parsed.uploads).toEqual({
      maxBytes: 26_214_400,
      policyExpirySeconds: 900,
      allowMacroDocuments: false,
      limits: { grantsPerKindPerDay: 30, objectsPerKindPerDay: 20 },
    });
    expect(parsed.payments.dueDays).toBe(30);
    expect(parsed.payments.settlementRecheckDays).toBe(7);
    expect(parsed.payments.reminderWorkingDays).toBe(5);
    expect(parsed.payments.escalationWorkingDays).toBe(15);
    expect(parsed.midterm.maxRectificationRounds).toBe(2);
    expect(parsed.evaluation.rubric).toEqual([
      { criterion: 'PROFESSIONAL_SERVICE', weight: 40 },
      { criterion: 'OUTCOMES', weight: 40 },
      { criterion: 'MANAGEMENT', weight: 20 },
    ]);
    expect(parsed.evaluation.bands).toEqual({ excellent: 90, good: 80, pass: 60 });
    // Left out, the final tranche is paid as before shares existed: in full, or withheld on a fail.
    expect(parsed.evaluation.finalTrancheShare).toEqual({ EXCELLENT: 100, GOOD: 100, PASS: 100, FAIL: 0 });
    expect(parsed.ngoLinks.validityDays).toBe(30);
  });

  it('refuses a presigned POST policy that lives longer than 15 minutes', () => {
    const raw = settings();
    raw.uploads.policyExpirySeconds = 901;
    expect(refusal(raw)).toContain('uploads.policyExpirySeconds: must be at most 900');
  });

  it('refuses a daily upload limit of zero: an NGO could upload nothing', () => {
    const raw = settings();
    raw.uploads.limits.objectsPerKindPerDay = 0;
    expect(refusal(raw)).toContain('uploads.limits.objectsPerKindPerDay');
  });

  it('says what the rubric weights sum to when it is not 100', () => {
    const raw = settings();
    raw.evaluation.rubric = [
      { criterion: 'PROFESSIONAL_SERVICE', weight: 40 },
      { criterion: 'OUTCOMES', weight: 40 },
      { criterion: 'MANAGEMENT', weight: 10 },
    ];
    expect(refusal(raw)).toContain('the rubric weights sum to 90, not 100');
  });

  it('refuses a rubric that lists a criterion twice or leaves one out', () => {
    const raw = settings();
    raw.evaluation.rubric = [
      { criterion: 'OUTCOMES', weight: 50 },
      { criterion: 'OUTCOMES', weight: 30 },
      { criterion: 'MANAGEMENT', weight: 20 },
    ];
    const message = refusal(raw);
    expect(message).toContain('OUTCOMES is listed twice');
    expect(message).toContain('the rubric lacks PROFESSIONAL_SERVICE');
  });

  it('refuses grade bands that are not strictly decreasing', () => {
    const raw = settings();
    raw.evaluation.bands = { excellent: 85, good: 85, pass: 60 };
    expect(refusal(raw)).toContain(
      'grade bands must be strictly decreasing (excellent > good > pass), got excellent 85, good 85, pass 60',
    );
    raw.evaluation.bands = { excellent: 90, good: 60, pass: 70 };
    expect(refusal(raw)).toContain('strictly decreasing');
  });

  it('refuses final tranche shares where a better grade pays less than a worse one, or past 100%', () => {
    const raw = settings();
    raw.evaluation.finalTrancheShare = { EXCELLENT: 100, GOOD: 70, PASS: 80, FAIL: 0 };
    expect(refusal(raw)).toContain(
      'GOOD pays 70% of the final tranche, less than PASS (80%): a better grade never pays less',
    );
    raw.evaluation.finalTrancheShare = { EXCELLENT: 101, GOOD: 100, PASS: 80, FAIL: 0 };
    expect(refusal(raw)).toContain('evaluation.finalTrancheShare.EXCELLENT');
    raw.evaluation.finalTrancheShare = { EXCELLENT: 100, GOOD: 100, PASS: 80.5, FAIL: 0 };
    expect(refusal(raw)).toContain('evaluation.finalTrancheShare.PASS');
  });

  it('refuses an escalation of an unconfirmed tranche that would come before the reminder', () => {
    const raw = settings();
    raw.payments.reminderWorkingDays = 10;
    raw.payments.escalationWorkingDays = 10;
    expect(refusal(raw)).toContain('escalationWorkingDays (10) must be more than reminderWorkingDays (10)');
  });

  it('the sample settings pay 80% of the final tranche on a pass and withhold it on a fail', () => {
    expect(TEST_LIFECYCLE.evaluation.finalTrancheShare).toEqual({
      EXCELLENT: 100,
      GOOD: 100,
      PASS: 80,
      FAIL: 0,
    });
  });

  it('accepts configured bands with one decimal and refuses finer ones', () => {
    const raw = settings();
    raw.evaluation.bands = { excellent: 92.5, good: 80, pass: 60 };
    expect(parseLifecycleSettings(raw).evaluation.bands.excellent).toBe(92.5);
    raw.evaluation.bands = { excellent: 92.55, good: 80, pass: 60 };
    expect(refusal(raw)).toContain('at most one decimal');
  });

  it('refuses an agency linked to an NGO by a credit code with a wrong check digit', () => {
    const raw = settings();
    const agency = raw.evaluation.agencies[0];
    if (!agency) throw new Error('sample roster is empty');
    agency.linkedNgoCreditCodes = ['52350203MJ0427315A'];
    expect(refusal(raw)).toContain('evaluation.agencies[0].linkedNgoCreditCodes[0]: not a valid');
  });

  it('refuses two agencies with the same id and an empty roster', () => {
    const raw = settings();
    const first = raw.evaluation.agencies[0];
    if (!first) throw new Error('sample roster is empty');
    raw.evaluation.agencies.push({ ...first });
    expect(refusal(raw)).toContain(`agency id ${first.id} is used twice`);
    raw.evaluation.agencies = [];
    expect(refusal(raw)).toContain('evaluation.agencies');
  });

  it('refuses an unknown field rather than dropping it', () => {
    const raw = { ...settings(), paymentz: {} };
    expect(refusal(raw)).toContain("paymentz: unknown field 'paymentz' is not allowed");
  });

  it('requires at least one finance subscriber with a valid address', () => {
    const raw = settings();
    raw.payments.financeSubscribers = ['not-an-address'];
    expect(refusal(raw)).toContain('payments.financeSubscribers[0]: must be an e-mail address');
    raw.payments.financeSubscribers = [];
    expect(refusal(raw)).toContain('payments.financeSubscribers');
  });

  it('ships a sample roster of three marked agencies, one tied to the sample elderly-care NGO', () => {
    const roster = TEST_LIFECYCLE.evaluation.agencies;
    expect(roster).toHaveLength(3);
    expect(roster.every((a) => a.sample && a.name.includes('示例'))).toBe(true);
    expect(roster.flatMap((a) => a.linkedNgoCreditCodes).every(isValidCreditCode)).toBe(true);
    expect(roster[0]?.linkedNgoCreditCodes).toEqual([sampleProposal().ngo.creditCode]);
  });
});

import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import type { FieldError } from '../../../shared/domain/errors.js';
import { echoedValue, MAX_ECHOED_CHARS } from '../../../shared/domain/field-errors.js';
import { parseProposal } from '../../../shared/domain/policy.js';
import { TEST_POLICY } from '../../support/settings.js';

const settings = TEST_POLICY;

function errorsFor(raw: unknown): FieldError[] {
  try {
    parseProposal(raw, settings);
  } catch (error) {
    return (error as { errors: FieldError[] }).errors;
  }
  throw new Error('parseProposal accepted the input');
}

describe('what a refusal echoes back of the value it refuses', () => {
  it('names a 10 MB title and its maximum, and echoes only its first characters', () => {
    const [error] = errorsFor({ ...sampleProposal(), title: 'x'.repeat(10 * 1024 * 1024) });
    expect(error).toEqual({
      field: 'title',
      rule: 'schema-too-big',
      value: `${'x'.repeat(MAX_ECHOED_CHARS)}…`,
      message: `must have at most 200 characters; it has ${10 * 1024 * 1024}`,
      allowed: 'at most 200 characters',
    });
  });

  it('describes a large unknown object instead of echoing it', () => {
    const [error] = errorsFor({ ...sampleProposal(), attachment: { data: 'A'.repeat(100_000) } });
    expect(error).toMatchObject({ field: 'attachment', rule: 'schema-unknown-field', value: 'an object' });
  });

  it('keeps short values, numbers and small objects exactly as received', () => {
    expect(echoedValue('养老')).toBe('养老');
    expect(echoedValue(48_000_000.5)).toBe(48_000_000.5);
    expect(echoedValue({ a: 1 })).toEqual({ a: 1 });
    expect(echoedValue(null)).toBeNull();
  });

  it('never cuts a character outside the basic plane in half', () => {
    const text = `${'x'.repeat(MAX_ECHOED_CHARS - 1)}😀${'y'.repeat(10)}`;
    const echoed = echoedValue(text) as string;
    expect(echoed).toBe(`${'x'.repeat(MAX_ECHOED_CHARS - 1)}…`);
    expect(echoedValue(`${'x'.repeat(MAX_ECHOED_CHARS - 2)}😀${'y'.repeat(10)}`)).toBe(
      `${'x'.repeat(MAX_ECHOED_CHARS - 2)}😀…`,
    );
  });
});

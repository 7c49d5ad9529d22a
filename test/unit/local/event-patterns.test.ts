import { describe, expect, it } from 'vitest';
import {
  EventPatternError,
  matchesEventPattern,
  validateEventPattern,
} from '../../../infra/local/services/event-patterns.js';

const objectCreated = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '000000000000',
  time: '2025-01-02T03:04:05Z',
  region: 'us-east-1',
  resources: ['arn:aws:s3:::documents'],
  detail: {
    version: '0',
    bucket: { name: 'documents' },
    object: { key: 'uploads/P-1/CONTRACT/signed contract.pdf', size: 1234, etag: 'abc', sequencer: '01' },
    'request-id': 'R1',
    requester: '000000000000',
    reason: 'PostObject',
  },
};

const productRule = {
  source: ['aws.s3'],
  'detail-type': ['Object Created'],
  detail: { bucket: { name: ['documents'] }, object: { key: [{ prefix: 'uploads/' }] } },
};

const matches = (pattern: unknown, event: unknown = objectCreated) => matchesEventPattern(pattern, event);

describe('EventBridge event patterns', () => {
  it("matches the product's upload rule and not another bucket, key prefix or detail type", () => {
    expect(matches(productRule)).toBe(true);
    expect(matches({ ...productRule, detail: { ...productRule.detail, bucket: { name: ['other'] } } })).toBe(
      false,
    );
    expect(matches({ ...productRule, detail: { object: { key: [{ prefix: 'exports/' }] } } })).toBe(false);
    expect(matches({ ...productRule, 'detail-type': ['Object Deleted'] })).toBe(false);
  });

  it('treats a list of values as OR and an array in the event as matching when any element does', () => {
    expect(matches({ source: ['aws.ec2', 'aws.s3'] })).toBe(true);
    expect(matches({ resources: ['arn:aws:s3:::documents'] })).toBe(true);
    expect(matches({ resources: ['arn:aws:s3:::other'] })).toBe(false);
  });

  it('compares exact values by type: the number 1234 is not the string "1234"', () => {
    expect(matches({ detail: { object: { size: [1234] } } })).toBe(true);
    expect(matches({ detail: { object: { size: ['1234'] } } })).toBe(false);
  });

  it('an empty pattern matches every event; a field the event lacks matches nothing but exists:false', () => {
    expect(matches({})).toBe(true);
    expect(matches({ detail: { object: { 'version-id': ['v1'] } } })).toBe(false);
    expect(matches({ detail: { object: { 'version-id': [{ 'anything-but': 'v1' }] } } })).toBe(false);
    expect(matches({ detail: { object: { 'version-id': [{ exists: false }] } } })).toBe(true);
    expect(matches({ detail: { object: { key: [{ exists: false }] } } })).toBe(false);
    expect(matches({ detail: { object: { key: [{ exists: true }] } } })).toBe(true);
  });

  it('exists applies to leaf values only, not to objects', () => {
    expect(matches({ detail: { object: [{ exists: true }] } })).toBe(false);
  });

  it('matches prefix and suffix, also ignoring case when asked', () => {
    expect(matches({ detail: { object: { key: [{ suffix: '.pdf' }] } } })).toBe(true);
    expect(matches({ detail: { object: { key: [{ suffix: '.PDF' }] } } })).toBe(false);
    expect(matches({ detail: { object: { key: [{ suffix: { 'equals-ignore-case': '.PDF' } }] } } })).toBe(
      true,
    );
    expect(matches({ detail: { object: { key: [{ prefix: { 'equals-ignore-case': 'UPLOADS/' } }] } } })).toBe(
      true,
    );
    expect(matches({ detail: { reason: [{ 'equals-ignore-case': 'postobject' }] } })).toBe(true);
  });

  it('matches wildcards, with a backslash escaping a literal star', () => {
    expect(matches({ detail: { object: { key: [{ wildcard: 'uploads/*/CONTRACT/*.pdf' }] } } })).toBe(true);
    expect(matches({ detail: { object: { key: [{ wildcard: 'uploads/*/MIDTERM/*' }] } } })).toBe(false);
    expect(matchesEventPattern({ k: [{ wildcard: 'a\\*b' }] }, { k: 'a*b' })).toBe(true);
    expect(matchesEventPattern({ k: [{ wildcard: 'a\\*b' }] }, { k: 'axb' })).toBe(false);
  });

  it('anything-but excludes a value, a list, or a prefix', () => {
    expect(matches({ detail: { reason: [{ 'anything-but': 'PutObject' }] } })).toBe(true);
    expect(matches({ detail: { reason: [{ 'anything-but': ['PutObject', 'PostObject'] }] } })).toBe(false);
    expect(matches({ detail: { object: { key: [{ 'anything-but': { prefix: 'uploads/' } }] } } })).toBe(
      false,
    );
    expect(matches({ detail: { object: { size: [{ 'anything-but': [0] }] } } })).toBe(true);
  });

  it('numeric ranges hold on numbers only, every bound at once', () => {
    expect(matches({ detail: { object: { size: [{ numeric: ['>', 0, '<=', 1234] }] } } })).toBe(true);
    expect(matches({ detail: { object: { size: [{ numeric: ['>', 0, '<', 1234] }] } } })).toBe(false);
    expect(matches({ detail: { object: { size: [{ numeric: ['=', 1234] }] } } })).toBe(true);
    expect(matches({ detail: { reason: [{ numeric: ['>=', 0] }] } })).toBe(false);
  });

  it('$or matches when one of its alternatives does', () => {
    const pattern = {
      source: ['aws.s3'],
      $or: [
        { detail: { object: { size: [{ numeric: ['>', 1_000_000] }] } } },
        { detail: { reason: ['PostObject'] } },
      ],
    };
    expect(matches(pattern)).toBe(true);
    expect(matches({ ...pattern, source: ['aws.ec2'] })).toBe(false);
  });

  it('accepts the patterns it serves and refuses unknown matchers with the field named', () => {
    expect(() => validateEventPattern(productRule)).not.toThrow();
    expect(() =>
      validateEventPattern({ detail: { size: [{ numeric: ['>', 0, '<', 10] }], ip: [{ exists: true }] } }),
    ).not.toThrow();
    expect(() => validateEventPattern({ detail: { ip: [{ cidr: '10.0.0.0/8' }] } })).toThrow(
      /event pattern field detail\.ip.*cidr/,
    );
    expect(() => validateEventPattern({ source: 'aws.s3' })).toThrow(EventPatternError);
    expect(() => validateEventPattern({ source: [] })).toThrow(/source is an empty list/);
    expect(() => validateEventPattern({ size: [{ numeric: ['>', 'ten'] }] })).toThrow(/numeric needs pairs/);
    expect(() => validateEventPattern({ key: [{ prefix: 3 }] })).toThrow(/prefix needs a string/);
  });
});

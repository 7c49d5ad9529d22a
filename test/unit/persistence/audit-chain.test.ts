import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { AuditEntry } from '../../../shared/domain/audit.js';
import {
  computeEntryHash,
  GENESIS_HASH,
  nextAuditEntry,
  verifyChain,
} from '../../../shared/domain/audit-chain.js';
import { canonicalJson } from '../../../shared/domain/canonical-json.js';

function chainOf(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let head = { purchaseId: 'p-1', auditSeq: 0, auditHash: GENESIS_HASH };
  for (let i = 0; i < length; i++) {
    const entry = nextAuditEntry(head, {
      actor: `actor-${i}`,
      action: i === 0 ? 'proposal.submitted' : 'note.added',
      detail: { index: i, nested: { b: [1, { z: true, a: null }], a: 'x' } },
      eventId: `event-${i}`,
      at: `2026-03-0${i + 1}T08:00:00.000Z`,
    });
    entries.push(entry);
    head = { purchaseId: 'p-1', auditSeq: entry.seq, auditHash: entry.hash };
  }
  return entries;
}

describe('canonical JSON', () => {
  test('sorts keys at every depth, so key order does not change the bytes', () => {
    const a = { b: 1, a: { d: [3, { y: 1, x: 2 }], c: 'text' } };
    const b = { a: { c: 'text', d: [3, { x: 2, y: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"text","d":[3,{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  test('leaves out undefined keys like JSON.stringify and refuses values JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/cannot hash/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/cannot hash/);
  });
});

describe('entry hash', () => {
  test('is SHA-256 hex of the canonical JSON of the fields other than hash', () => {
    const [entry] = chainOf(1);
    if (!entry) throw new Error('no entry');
    const { hash, ...rest } = entry;
    const expected = createHash('sha256').update(canonicalJson(rest)).digest('hex');
    expect(hash).toBe(expected);
    expect(computeEntryHash({ ...rest, extra: 'ignored' } as typeof rest)).toBe(expected);
  });

  test('the first entry links to the genesis hash of 64 zeros and sequence numbers start at 1', () => {
    const [first, second] = chainOf(2);
    expect(first).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
    expect(second).toMatchObject({ seq: 2, prevHash: first?.hash });
  });
});

describe('verifyChain', () => {
  test('accepts an intact chain and one that matches the purchase head', () => {
    const entries = chainOf(4);
    const last = entries[3];
    expect(verifyChain(entries)).toEqual({ valid: true, entries: 4 });
    expect(verifyChain(entries, { auditSeq: 4, auditHash: last?.hash ?? '' })).toEqual({
      valid: true,
      entries: 4,
    });
    expect(verifyChain([])).toEqual({ valid: true, entries: 0 });
  });

  const edits: Record<keyof AuditEntry, (e: AuditEntry) => AuditEntry> = {
    purchaseId: (e) => ({ ...e, purchaseId: 'p-2' }),
    seq: (e) => ({ ...e, seq: e.seq + 10 }),
    at: (e) => ({ ...e, at: '2030-01-01T00:00:00.000Z' }),
    actor: (e) => ({ ...e, actor: 'intruder' }),
    action: (e) => ({ ...e, action: 'approval.decided' }),
    detail: (e) => ({ ...e, detail: { ...e.detail, nested: { b: [1, { z: false, a: null }], a: 'x' } } }),
    eventId: (e) => ({ ...e, eventId: 'other' }),
    prevHash: (e) => ({ ...e, prevHash: 'f'.repeat(64) }),
    hash: (e) => ({ ...e, hash: 'a'.repeat(64) }),
  };

  for (const [field, edit] of Object.entries(edits)) {
    test(`editing ${field} of any entry is detected at that entry`, () => {
      for (let index = 0; index < 4; index++) {
        const entries = chainOf(4);
        entries[index] = edit(entries[index] as AuditEntry);
        const result = verifyChain(entries);
        expect(result).toMatchObject({ valid: false, brokenAt: index + 1 });
      }
    });
  }

  test('an edited entry whose hash was recomputed is still detected by the next entry', () => {
    const entries = chainOf(3);
    const forged = { ...(entries[1] as AuditEntry), actor: 'intruder' };
    entries[1] = { ...forged, hash: computeEntryHash(forged) };
    expect(verifyChain(entries)).toMatchObject({ valid: false, brokenAt: 3 });
  });

  test('deleting an entry in the middle or at the start is detected', () => {
    const middle = chainOf(4);
    middle.splice(2, 1);
    expect(verifyChain(middle)).toMatchObject({ valid: false, brokenAt: 3 });
    const start = chainOf(4).slice(1);
    expect(verifyChain(start)).toMatchObject({ valid: false, brokenAt: 1 });
  });

  test('deleting the newest entries is detected against the purchase head', () => {
    const entries = chainOf(4);
    const head = { auditSeq: 4, auditHash: entries[3]?.hash ?? '' };
    expect(verifyChain(entries.slice(0, 3), head)).toMatchObject({ valid: false, brokenAt: 4 });
    expect(verifyChain([], head)).toMatchObject({ valid: false, brokenAt: 1 });
  });

  test('entries past the purchase head, or a head hash that differs, are detected', () => {
    const entries = chainOf(4);
    expect(verifyChain(entries, { auditSeq: 3, auditHash: entries[2]?.hash ?? '' })).toMatchObject({
      valid: false,
      brokenAt: 4,
    });
    expect(verifyChain(entries, { auditSeq: 4, auditHash: 'b'.repeat(64) })).toMatchObject({
      valid: false,
      brokenAt: 4,
    });
  });

  test('reordering entries is detected', () => {
    const entries = chainOf(4);
    const swapped = [entries[0], entries[2], entries[1], entries[3]] as AuditEntry[];
    expect(verifyChain(swapped)).toMatchObject({ valid: false, brokenAt: 2 });
    const renumbered = swapped.map((e, i) => ({ ...e, seq: i + 1 }));
    expect(verifyChain(renumbered)).toMatchObject({ valid: false, brokenAt: 2 });
  });

  test('detail is stored as its JSON form, so what is hashed is what DynamoDB gives back', () => {
    const entry = nextAuditEntry(
      { purchaseId: 'p-1', auditSeq: 0, auditHash: GENESIS_HASH },
      { actor: 'a', action: 'b', detail: { keep: 1, drop: undefined }, eventId: 'e', at: 't' },
    );
    expect(entry.detail).toEqual({ keep: 1 });
    expect(Object.keys(entry.detail)).toEqual(['keep']);
  });
});

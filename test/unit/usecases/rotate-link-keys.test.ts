import { describe, expect, it } from 'vitest';
import { parseLinkKeyring } from '../../../shared/links/link-keyring.js';
import type { LinkKeyStore, LinkKind } from '../../../shared/ports/link-key.js';
import { rotateLinkKeys } from '../../../shared/usecases/rotate-link-keys.js';

const TASK_KEY = 'task-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ';
const NGO_KEY = 'ngo-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJK';

/** The two secrets in memory, counting writes. */
function store(): LinkKeyStore & { secrets: Record<LinkKind, string>; writes: number } {
  const secrets: Record<LinkKind, string> = { task: TASK_KEY, ngo: NGO_KEY };
  return {
    secrets,
    writes: 0,
    async read(kind) {
      return secrets[kind];
    },
    async write(kind, secretString) {
      this.writes += 1;
      secrets[kind] = secretString;
    },
  };
}

describe('rotateLinkKeys', () => {
  it('rotating one kind adds a new current key, keeps the old one, and leaves the other kind alone', async () => {
    const keys = store();

    const outcome = await rotateLinkKeys(
      { store: keys },
      { kind: 'task', action: 'rotate', by: 'operator:lin' },
    );

    expect(outcome).toEqual({
      kind: 'task',
      action: 'rotate',
      by: 'operator:lin',
      currentId: 'k1',
      keyIds: ['k0', 'k1'],
      retiredIds: [],
      changed: true,
    });
    const task = parseLinkKeyring(keys.secrets.task);
    expect(task.currentId).toBe('k1');
    expect(task.keys.get('k0')?.toString()).toBe(TASK_KEY);
    expect(keys.secrets.ngo).toBe(NGO_KEY);
  });

  it('names key ids only, never a key, in what it answers', async () => {
    const keys = store();

    const outcome = await rotateLinkKeys({ store: keys }, { kind: 'ngo', action: 'rotate', by: 'lin' });

    const answer = JSON.stringify(outcome);
    for (const key of parseLinkKeyring(keys.secrets.ngo).keys.values())
      expect(answer).not.toContain(key.toString());
  });

  it('retiring keeps only the current key, and writes nothing when there is nothing to retire', async () => {
    const keys = store();
    await rotateLinkKeys({ store: keys }, { kind: 'task', action: 'rotate', by: 'lin' });
    await rotateLinkKeys({ store: keys }, { kind: 'task', action: 'rotate', by: 'lin' });

    const retired = await rotateLinkKeys({ store: keys }, { kind: 'task', action: 'retire', by: 'lin' });
    const again = await rotateLinkKeys({ store: keys }, { kind: 'task', action: 'retire', by: 'lin' });

    expect(retired).toMatchObject({
      currentId: 'k2',
      keyIds: ['k2'],
      retiredIds: ['k0', 'k1'],
      changed: true,
    });
    expect(again).toMatchObject({ currentId: 'k2', retiredIds: [], changed: false });
    expect(keys.writes).toBe(3);
    expect([...parseLinkKeyring(keys.secrets.task).keys.keys()]).toEqual(['k2']);
  });
});

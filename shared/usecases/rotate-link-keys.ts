import { retireOldLinkKeys, rotateLinkKeyring } from '../links/link-keyring.js';
import type { LinkKeyStore, LinkKind } from '../ports/link-key.js';

export interface RotateLinkKeysDeps {
  store: LinkKeyStore;
}

export interface LinkKeysRequest {
  kind: LinkKind;
  /** `rotate`: a new current key, the others kept; `retire`: every key but the current one dropped. */
  action: 'rotate' | 'retire';
  /** Who asked, for the log. */
  by: string;
}

/** What changed, by key id: never a key. */
export interface LinkKeysOutcome {
  kind: LinkKind;
  action: 'rotate' | 'retire';
  by: string;
  currentId: string;
  keyIds: string[];
  retiredIds: string[];
  changed: boolean;
}

/**
 * An operator rotates the keys of one kind of link. Rotating adds a new random key and makes it
 * current: new links name it, and every link mailed before still opens with the key it names.
 * Retiring, once those older links have expired or been answered, drops every key but the current
 * one (nothing is written when there is none to drop).
 */
export async function rotateLinkKeys(
  deps: RotateLinkKeysDeps,
  request: LinkKeysRequest,
): Promise<LinkKeysOutcome> {
  const before = await deps.store.read(request.kind);
  if (request.action === 'rotate') {
    const rotated = rotateLinkKeyring(before);
    await deps.store.write(request.kind, rotated.secretString);
    return {
      ...request,
      currentId: rotated.currentId,
      keyIds: rotated.keyIds,
      retiredIds: [],
      changed: true,
    };
  }
  const retired = retireOldLinkKeys(before);
  if (retired.retiredIds.length > 0) await deps.store.write(request.kind, retired.secretString);
  return {
    ...request,
    currentId: retired.currentId,
    keyIds: [retired.currentId],
    retiredIds: retired.retiredIds,
    changed: retired.retiredIds.length > 0,
  };
}

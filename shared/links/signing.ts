import type { LinkKeyring } from '../ports/link-key.js';
import { signWithCurrentKey, verifyWithNamedKey } from './link-keyring.js';

/**
 * Capability links for human tasks: `${baseUrl}/tasks/${taskId}?sig=${keyId}.${mac}`.
 * The task id is random (18 bytes) and the MAC is an HMAC over it under the task-link key the id
 * names (link-keyring.ts), so a link cannot be guessed or altered; the task token itself never
 * leaves the server.
 */

/** Domain separation: a signature made for a task link is valid for nothing else. */
const SIGNATURE_CONTEXT = 'task:v1:';
const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

export class InvalidTaskIdError extends Error {
  override name = 'InvalidTaskIdError';
}

/** A task id is 18 random bytes in base64url: exactly 24 characters, no padding. */
export function isWellFormedTaskId(id: string): boolean {
  return TASK_ID_PATTERN.test(id);
}

/** The `sig` of a task link, under the keyring's current key. */
export function signTaskId(taskId: string, keys: LinkKeyring): string {
  if (!isWellFormedTaskId(taskId)) throw new InvalidTaskIdError('a task id is 24 base64url characters');
  return signWithCurrentKey(keys, SIGNATURE_CONTEXT + taskId);
}

export function signTaskLink(baseUrl: string, taskId: string, keys: LinkKeyring): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/tasks/${taskId}?sig=${signTaskId(taskId, keys)}`;
}

/** True only for the exact signature of this task id under the key it names; compared in constant time. */
export function verifyTaskSignature(taskId: string, sig: string, keys: LinkKeyring): boolean {
  if (!isWellFormedTaskId(taskId)) return false;
  return verifyWithNamedKey(keys, SIGNATURE_CONTEXT + taskId, sig);
}

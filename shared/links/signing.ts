import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Capability links for human tasks: `${baseUrl}/tasks/${taskId}?sig=${signature}`.
 * The task id is random (18 bytes) and the signature is an HMAC over it, so a link cannot
 * be guessed or altered; the task token itself never leaves the server.
 */

/** Domain separation: a signature made for a task link is valid for nothing else. */
const SIGNATURE_CONTEXT = 'task:v1:';
const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;
/** 32 bytes of HMAC-SHA256 in unpadded base64url. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** The signing key must carry at least as much entropy as the HMAC output. */
export const MIN_LINK_KEY_BYTES = 32;

export class InvalidTaskIdError extends Error {
  override name = 'InvalidTaskIdError';
}

export class LinkKeyError extends Error {
  override name = 'LinkKeyError';
}

/** A task id is 18 random bytes in base64url: exactly 24 characters, no padding. */
export function isWellFormedTaskId(id: string): boolean {
  return TASK_ID_PATTERN.test(id);
}

function assertKey(key: Buffer): void {
  if (key.length < MIN_LINK_KEY_BYTES) {
    throw new LinkKeyError(
      `the link-signing key has ${key.length} bytes; at least ${MIN_LINK_KEY_BYTES} are required`,
    );
  }
}

function mac(taskId: string, key: Buffer): Buffer {
  assertKey(key);
  return createHmac('sha256', key)
    .update(SIGNATURE_CONTEXT + taskId, 'utf8')
    .digest();
}

export function signTaskId(taskId: string, key: Buffer): string {
  if (!isWellFormedTaskId(taskId)) throw new InvalidTaskIdError('a task id is 24 base64url characters');
  return mac(taskId, key).toString('base64url');
}

export function signTaskLink(baseUrl: string, taskId: string, key: Buffer): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/tasks/${taskId}?sig=${signTaskId(taskId, key)}`;
}

/** True only for the exact signature of this task id under this key; compared in constant time. */
export function verifyTaskSignature(taskId: string, sig: string, key: Buffer): boolean {
  if (!isWellFormedTaskId(taskId) || !SIGNATURE_PATTERN.test(sig)) return false;
  const given = Buffer.from(sig, 'base64url');
  // Rejects non-canonical encodings (stray bits in the last character) so one MAC has one spelling.
  if (given.length !== 32 || given.toString('base64url') !== sig) return false;
  return timingSafeEqual(given, mac(taskId, key));
}

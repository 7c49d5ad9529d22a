import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file so that a kill leaves either all of it or none: to `<file>.tmp` (which readers skip or
 * discard), synced, then renamed.
 */
export function writeFileDurably(file: string, data: string | Uint8Array): void {
  const fd = openSync(`${file}.tmp`, 'w');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${file}.tmp`, file);
}

import { readFileSync } from 'node:fs';

/**
 * A process's peak resident memory so far (Linux's VmHWM, in MB), undefined where /proc does
 * not tell. The runtime, its functions' sandboxes and the users' journeys share this process;
 * DynamoDB Local is the one other.
 */
export function peakMemoryMb(pid: number | 'self' = 'self'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from './durable-file.js';
import type { ObjectCreatedEvent } from './s3-event-records.js';

/** An ObjectCreated event not delivered yet, as the outbox keeps it. */
export interface OutboxEntry {
  readonly id: string;
  readonly eventName: ObjectCreatedEvent;
  readonly bucket: string;
  readonly key: string;
  readonly sourceIp: string;
  readonly eventTime: string;
  /** In a versioned bucket, the version the creation makes (chosen before the object is stored). */
  readonly versionId?: string;
}

/**
 * Events not delivered yet, one file each (written to a temporary name, synced and renamed, so a
 * kill never leaves half an entry). Entries in flight are claimed in memory, so `deliverPending`
 * never hands over an event a live delivery is handing over at the same time.
 */
export class EventOutbox {
  private readonly claimed = new Set<string>();

  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  /** Keeps a new event and claims it for its live delivery. */
  add(event: Omit<OutboxEntry, 'id'>): OutboxEntry {
    const entry = { id: `${Date.now()}-${randomBytes(8).toString('hex')}`, ...event };
    writeFileDurably(join(this.directory, `${entry.id}.json`), JSON.stringify(entry));
    this.claimed.add(entry.id);
    return entry;
  }

  remove(id: string): void {
    rmSync(join(this.directory, `${id}.json`), { force: true });
  }

  release(id: string): void {
    this.claimed.delete(id);
  }

  /** Every kept event nobody is delivering, oldest first, now claimed by the caller. */
  claimAll(): OutboxEntry[] {
    const entries: OutboxEntry[] = [];
    for (const name of readdirSync(this.directory).sort()) {
      const path = join(this.directory, name);
      if (name.endsWith('.tmp')) {
        rmSync(path, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const entry = JSON.parse(readFileSync(path, 'utf8')) as OutboxEntry;
      if (this.claimed.has(entry.id)) continue;
      this.claimed.add(entry.id);
      entries.push(entry);
    }
    return entries;
  }
}

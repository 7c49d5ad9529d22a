import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditInput, ChainVerification } from '../../domain/audit.js';
import {
  REFERENCE_SECTIONS,
  type ReferenceData,
  type ReferenceSection,
  SEED_ACTOR,
  type StoredReferenceData,
  type StoredSection,
} from '../../domain/reference-data.js';
import type { ReferenceChange, ReferenceDataRepository } from '../../ports/repositories.js';
import { AuditedPartition, type ChainHead } from './audited-partition.js';
import { ContentionError } from './errors.js';
import type { DynamoRepositoryOptions } from './purchase-repository.js';
import { queryAll, type TransactItem } from './records.js';
import { keys, REFERENCE_CHAIN } from './table-design.js';
import { backoff, cancellationCodes, conditionFailed, lostRace, MAX_ATTEMPTS } from './transactions.js';

/**
 * The reference data in its own partition: one item per section (value, version, who and when),
 * the chain head of its audit trail, and the trail's entries. Every write is one transaction of
 * the section(s), the head (conditional on the sequence it read) and the new entry.
 */
export class DynamoReferenceDataRepository implements ReferenceDataRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly partition: AuditedPartition;

  constructor({ client, tableName }: DynamoRepositoryOptions) {
    this.client = client;
    this.tableName = tableName;
    this.partition = new AuditedPartition(client, tableName, REFERENCE_CHAIN);
  }

  async read(): Promise<Partial<StoredReferenceData>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.referenceSection('budgetLines').PK, ':prefix': 'SECTION#' },
      ConsistentRead: true,
    });
    const stored: Partial<Record<ReferenceSection, StoredSection>> = {};
    for (const item of items) {
      const section = item.section as ReferenceSection;
      if (!REFERENCE_SECTIONS.includes(section)) continue;
      stored[section] = {
        value: item.value as ReferenceData[typeof section],
        version: item.version as number,
        updatedAt: item.updatedAt as string,
        updatedBy: item.updatedBy as string,
      };
    }
    return stored as Partial<StoredReferenceData>;
  }

  async seed(data: ReferenceData, now: string): Promise<ReferenceSection[]> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const [stored, head] = await Promise.all([this.read(), this.head()]);
      const missing = REFERENCE_SECTIONS.filter((section) => stored[section] === undefined);
      if (missing.length === 0) return [];
      const sections = missing.map((section) =>
        this.sectionPut(section, { value: data[section], version: 1, updatedAt: now, updatedBy: SEED_ACTOR }),
      );
      const audit = { actor: SEED_ACTOR, action: 'reference.seeded', detail: { sections: missing } };
      try {
        await this.appendWith(head, audit, now, sections);
        return missing;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (
          !codes ||
          !lostRace(
            codes,
            codes.map((_, i) => i),
          )
        )
          throw error;
        await backoff(attempt);
      }
    }
    throw new ContentionError('the reference data', MAX_ATTEMPTS);
  }

  async change<K extends ReferenceSection>(
    input: ReferenceChange<K>,
  ): Promise<{ outcome: 'CHANGED'; section: StoredSection<K> } | { outcome: 'STALE' }> {
    const { section, value, expectedVersion, by, summary, now } = input;
    const next: StoredSection<K> = { value, version: expectedVersion + 1, updatedAt: now, updatedBy: by };
    const sectionPut = this.sectionPut(section, next);
    sectionPut.Put = {
      ...sectionPut.Put,
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': expectedVersion },
    } as NonNullable<TransactItem['Put']>;
    const audit = {
      actor: by,
      action: 'reference.changed',
      detail: { section, version: next.version, summary },
    };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const head = await this.head();
      const writes = [
        sectionPut,
        ...(await Promise.all((input.budgetTotals ?? []).map((t) => this.budgetTotalItem(t)))),
      ];
      try {
        await this.appendWith(head, audit, now, writes);
        return { outcome: 'CHANGED', section: next };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        // The section or a budget line moved since the administrator read them: theirs is stale.
        if (writes.some((_, i) => conditionFailed(codes, i))) return { outcome: 'STALE' };
        // Another change of the reference data (another section) took the chain head: try again.
        if (!lostRace(codes, [writes.length, writes.length + 1])) throw error;
        await backoff(attempt);
      }
    }
    throw new ContentionError('the reference data', MAX_ATTEMPTS);
  }

  async changes(): Promise<{ entries: AuditEntry[]; chain: ChainVerification }> {
    return this.partition.trail();
  }

  private head(): Promise<ChainHead> {
    return this.partition.head();
  }

  private sectionPut(
    section: ReferenceSection,
    stored: StoredSection,
  ): { Put: NonNullable<TransactItem['Put']> } {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.referenceSection(section), entity: 'REFERENCE_SECTION', section, ...stored },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  /**
   * A budget line's new total: an existing line's total and what is left move by the difference
   * (only while the total is the one the edit read and enough is left); a line not drawn on yet has
   * no item, and must still have none (its first reservation creates it from the new total).
   */
  private async budgetTotalItem(total: {
    lineId: string;
    fromFen: number;
    toFen: number;
  }): Promise<TransactItem> {
    const Key = keys.budgetLine(total.lineId);
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
    );
    if (!Item)
      return {
        ConditionCheck: { TableName: this.tableName, Key, ConditionExpression: 'attribute_not_exists(PK)' },
      };
    const delta = total.toFen - total.fromFen;
    return {
      Update: {
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET totalFen = :to, availableFen = availableFen + :delta',
        ConditionExpression: 'totalFen = :from AND availableFen >= :needed',
        ExpressionAttributeValues: {
          ':to': total.toFen,
          ':from': total.fromFen,
          ':delta': delta,
          ':needed': Math.max(0, -delta),
        },
      },
    };
  }

  /** The given writes, the next audit entry and the moved chain head, in one transaction. */
  private async appendWith(
    head: ChainHead,
    audit: AuditInput,
    now: string,
    writes: TransactItem[],
  ): Promise<void> {
    await this.partition.append(head, audit, now, writes);
  }
}

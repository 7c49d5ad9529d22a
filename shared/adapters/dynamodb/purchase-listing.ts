import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Stage } from '../../domain/lifecycle.js';
import {
  countByStage,
  listingPage,
  type PurchaseListFilter,
  type PurchaseListPage,
  type PurchaseListQuery,
  type PurchaseSummary,
  searchKey,
} from '../../domain/purchase-listing.js';
import { purchaseFromItem, queryAll } from './records.js';
import {
  GSI1,
  GSI2,
  keys,
  LISTING_ROW_ATTRIBUTES,
  LISTING_VERSION,
  listingAttributes,
  listingPartition,
} from './table-design.js';

/** The purchases list on GSI2 (table-design.ts says why this index and what a request reads). */

interface Table {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** Placeholders for the names and values of one expression set (every name placeholder'd: reserved words). */
class Expressions {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};

  name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }
}

/**
 * A page of the list. The counts per stage need every purchase passing the filters, so one
 * Query reads the budget year's partition whole (the filters its FilterExpression). For the
 * orders GSI2 keeps (newest, oldest first) the counts read only `stage`, and the page is a
 * second Query, at the same time, from the position on in the index's order, reading no more
 * than the page; for the other orders the one Query reads whole rows and listingPage orders them.
 */
export async function queryPurchaseListing(
  client: DynamoDBDocumentClient,
  tableName: string,
  query: PurchaseListQuery,
): Promise<PurchaseListPage> {
  if (query.sort === 'newest' || query.sort === 'oldest') {
    const [stages, page] = await Promise.all([
      queryAll(client, yearQuery(tableName, query.filter, { attributes: ['stage'] })),
      pageInIndexOrder(client, tableName, query, query.sort === 'newest'),
    ]);
    return { ...page, countsByStage: countByStage(stages as { stage: Stage }[]) };
  }
  const rows = await queryAll(
    client,
    yearQuery(tableName, query.filter, { attributes: LISTING_ROW_ATTRIBUTES }),
  );
  return listingPage(rows.map(summaryFromListingItem), query);
}

/** Items a page query evaluates per request: a page and then some, since the filter drops some. */
const readAhead = (wanted: number) => Math.max(2 * wanted, 100);

/** GSI2SK orders a year's purchases by `createdAt`, then id: the newest and oldest orders of listingPage. */
async function pageInIndexOrder(
  client: DynamoDBDocumentClient,
  tableName: string,
  query: PurchaseListQuery,
  newestFirst: boolean,
): Promise<Omit<PurchaseListPage, 'countsByStage'>> {
  const { after, limit } = query;
  const input = yearQuery(tableName, query.filter, {
    attributes: LISTING_ROW_ATTRIBUTES,
    withStage: true,
    ...(after === undefined
      ? {}
      : { from: { before: newestFirst, sortKey: `${after.key}#${after.purchaseId}` } }),
  });
  input.ScanIndexForward = !newestFirst;
  // One row more than the page says whether there is a next one.
  const rows: Record<string, unknown>[] = [];
  let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await client.send(
      new QueryCommand({ ...input, Limit: readAhead(limit + 1), ExclusiveStartKey }),
    );
    rows.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey && rows.length <= limit);
  const items = rows.slice(0, limit).map(summaryFromListingItem);
  const last = items.at(-1);
  return {
    items,
    ...(rows.length > limit && last ? { next: { key: last.createdAt, purchaseId: last.purchaseId } } : {}),
  };
}

/**
 * A Query of the budget year's partition: every filter but the stage (unless `withStage`) in its
 * FilterExpression, and only items before or after a sort key when `from` says so.
 */
function yearQuery(
  tableName: string,
  filter: PurchaseListFilter,
  options: {
    attributes: readonly string[];
    withStage?: boolean;
    from?: { before: boolean; sortKey: string };
  },
): QueryCommandInput {
  const x = new Expressions();
  let keyCondition = `${x.name(GSI2.partitionKey)} = ${x.value(listingPartition(filter.budgetYear))}`;
  if (options.from) {
    keyCondition += ` AND ${x.name(GSI2.sortKey)} ${options.from.before ? '<' : '>'} ${x.value(options.from.sortKey)}`;
  }
  const conditions: string[] = [];
  if (options.withStage && filter.stage !== undefined) {
    conditions.push(`${x.name('stage')} = ${x.value(filter.stage)}`);
  }
  if (filter.serviceArea !== undefined) {
    conditions.push(`${x.name('serviceArea')} = ${x.value(filter.serviceArea)}`);
  }
  if (filter.district !== undefined) {
    conditions.push(`${x.name('districtKey')} = ${x.value(searchKey(filter.district))}`);
  }
  if (filter.ngoCreditCode !== undefined) {
    conditions.push(`${x.name('ngoCreditCode')} = ${x.value(filter.ngoCreditCode)}`);
  }
  if (filter.assignedTo !== undefined) {
    conditions.push(`contains(${x.name('viewerEmails')}, ${x.value(filter.assignedTo)})`);
  }
  for (const term of filter.terms ?? []) {
    conditions.push(`contains(${x.name('searchText')}, ${x.value(term)})`);
  }
  const input: QueryCommandInput = {
    TableName: tableName,
    IndexName: GSI2.indexName,
    KeyConditionExpression: keyCondition,
    ProjectionExpression: options.attributes.map((attribute) => x.name(attribute)).join(', '),
    ExpressionAttributeNames: x.names,
    ExpressionAttributeValues: x.values,
  };
  if (conditions.length > 0) input.FilterExpression = conditions.join(' AND ');
  return input;
}

export function summaryFromListingItem(item: Record<string, unknown>): PurchaseSummary {
  return {
    purchaseId: item.purchaseId as string,
    title: item.title as string,
    ngo: { name: item.ngoName as string, creditCode: item.ngoCreditCode as string },
    serviceArea: item.serviceArea as PurchaseSummary['serviceArea'],
    serviceItem: item.serviceItem as string,
    district: item.district as string,
    stage: item.stage as PurchaseSummary['stage'],
    totalFen: item.totalFen as number,
    budgetYear: item.budgetYear as number,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  };
}

/**
 * A one-off migration, run by an operator (never on a request): gives every purchase item
 * without (or below) LISTING_VERSION its list attributes and the e-mails of everyone its tasks
 * were assigned to, so purchases that will not change again (the final ones) are listed, and
 * approvers find the older purchases of theirs. The attributes are derived data, not a change
 * of the record: no version, no audit entry. Safe to run again and while the app runs (the
 * values derive from what never changes; the e-mails are a set a new task only adds to).
 */
export async function backfillPurchaseListing(options: Table): Promise<{ scanned: number; updated: number }> {
  const { client, tableName } = options;
  let scanned = 0;
  let updated = 0;
  let ExclusiveStartKey: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression:
          'begins_with(PK, :purchase) AND SK = :meta AND (attribute_not_exists(listingVersion) OR listingVersion < :version)',
        ExpressionAttributeValues: { ':purchase': 'PURCHASE#', ':meta': 'META', ':version': LISTING_VERSION },
        ExclusiveStartKey,
      }),
    );
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      await backfillOne(options, item);
      updated += 1;
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { scanned, updated };
}

async function backfillOne({ client, tableName }: Table, item: Record<string, unknown>) {
  const purchase = purchaseFromItem(item);
  const tasks = await queryAll(client, {
    TableName: tableName,
    IndexName: GSI1.indexName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ProjectionExpression: 'assignee',
    ExpressionAttributeNames: { '#pk': GSI1.partitionKey, '#sk': GSI1.sortKey },
    ExpressionAttributeValues: { ':pk': keys.purchase(purchase.purchaseId).PK, ':prefix': 'TASK#' },
  });
  const emails = new Set(
    tasks.flatMap((task) => {
      const email = (task.assignee as { email?: unknown } | undefined)?.email;
      return typeof email === 'string' ? [email.toLowerCase()] : [];
    }),
  );
  const x = new Expressions();
  const sets = Object.entries({ ...listingAttributes(purchase), listingVersion: LISTING_VERSION }).map(
    ([attribute, value]) => `${x.name(attribute)} = ${x.value(value)}`,
  );
  const add = emails.size > 0 ? ` ADD ${x.name('viewerEmails')} ${x.value(emails)}` : '';
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.purchase(purchase.purchaseId),
      UpdateExpression: `SET ${sets.join(', ')}${add}`,
      ConditionExpression: `attribute_exists(${x.name('PK')})`,
      ExpressionAttributeNames: x.names,
      ExpressionAttributeValues: x.values,
    }),
  );
}

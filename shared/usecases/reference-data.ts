import * as z from 'zod/mini';
import type { BudgetLineRecord } from '../domain/budget.js';
import { ValidationError } from '../domain/errors.js';
import type { BudgetLineSetting } from '../domain/policy-settings.js';
import {
  changeSummary,
  REFERENCE_SCHEMAS,
  REFERENCE_SECTIONS,
  type ReferenceData,
  type ReferenceSection,
  referenceEditErrors,
  type StoredReferenceData,
  type StoredSection,
} from '../domain/reference-data.js';
import { zodIssuesToFieldErrors } from '../domain/zod-field-errors.js';
import type { Now } from '../ports/clock.js';
import type { BudgetRepository, ReferenceDataRepository } from '../ports/repositories.js';

/** The table holds no (or only part of the) reference data: the deploy seeds it, so this is a broken deployment. */
export class ReferenceDataMissingError extends Error {
  override name = 'ReferenceDataMissingError';
}

/** The reference data as every function sees it, read from the table at each invocation. */
export async function currentReferenceData(repo: ReferenceDataRepository): Promise<ReferenceData> {
  return valuesOf(await storedReferenceData(repo));
}

async function storedReferenceData(repo: ReferenceDataRepository): Promise<StoredReferenceData> {
  const stored = await repo.read();
  const missing = REFERENCE_SECTIONS.filter((section) => stored[section] === undefined);
  if (missing.length > 0)
    throw new ReferenceDataMissingError(
      `the reference data lacks ${missing.join(', ')}: the deploy seeds it from the settings (SeedReferenceData)`,
    );
  return stored as StoredReferenceData;
}

function valuesOf(stored: StoredReferenceData): ReferenceData {
  return {
    budgetLines: stored.budgetLines.value,
    salaryBenchmarks: stored.salaryBenchmarks.value,
    approvers: stored.approvers.value,
    agencies: stored.agencies.value,
  };
}

export interface ReferenceDataDeps {
  referenceData: ReferenceDataRepository;
  budgets: BudgetRepository;
  now: Now;
}

/** How many of the latest changes the page lists. */
export const CHANGES_SHOWN = 50;

/**
 * What the administrator edits and the auditor reads: every section with who changed it last, what
 * is left on each budget line that was drawn on, and the latest changes with the trail's verification.
 */
export async function referenceDataView(deps: ReferenceDataDeps) {
  const [stored, { entries, chain }] = await Promise.all([
    storedReferenceData(deps.referenceData),
    deps.referenceData.changes(),
  ]);
  const lines = await budgetLineRecords(deps, stored.budgetLines.value);
  const availableFen = Object.fromEntries([...lines].map(([lineId, line]) => [lineId, line.availableFen]));
  return {
    sections: { ...stored, budgetLines: { ...stored.budgetLines, availableFen } },
    changes: entries.slice(-CHANGES_SHOWN).reverse(),
    chain,
  };
}

export type EditOutcome<K extends ReferenceSection = ReferenceSection> =
  | { outcome: 'CHANGED'; section: StoredSection<K> }
  | { outcome: 'STALE' }
  | { outcome: 'UNKNOWN_SECTION' };

export function isReferenceSection(name: string): name is ReferenceSection {
  return (REFERENCE_SECTIONS as readonly string[]).includes(name);
}

/**
 * The administrator saves one section whole (`{value, version}`): its shape and rules are checked
 * (ValidationError naming `value[i].field`), then it replaces the stored section if nobody changed
 * it since `version` (STALE otherwise), a budget line's money moving with its total.
 */
export async function editReferenceSection(
  deps: ReferenceDataDeps,
  input: { section: string; body: unknown; by: string },
): Promise<EditOutcome> {
  const { section, body, by } = input;
  if (!isReferenceSection(section)) return { outcome: 'UNKNOWN_SECTION' };
  const schema = z.strictObject({ value: REFERENCE_SCHEMAS[section], version: z.int().check(z.positive()) });
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, body, schema));
  const { value, version } = parsed.data as { value: ReferenceData[typeof section]; version: number };
  const current = (await storedReferenceData(deps.referenceData))[section];
  if (current.version !== version) return { outcome: 'STALE' };
  const lines =
    section === 'budgetLines'
      ? await budgetLineRecords(deps, value as BudgetLineSetting[])
      : new Map<string, BudgetLineRecord>();
  const reserved = new Map([...lines].map(([lineId, line]) => [lineId, line.totalFen - line.availableFen]));
  const errors = referenceEditErrors(section, value, current.value, reserved);
  if (errors.length > 0) throw new ValidationError(errors);
  return deps.referenceData.change({
    section,
    value,
    expectedVersion: version,
    by,
    summary: changeSummary(section, value, current.value),
    ...(section === 'budgetLines'
      ? {
          budgetTotals: budgetTotals(
            value as BudgetLineSetting[],
            current.value as BudgetLineSetting[],
            lines,
          ),
        }
      : {}),
    now: deps.now(),
  });
}

/** The table's record of each line that was drawn on (a line never reserved against has none). */
async function budgetLineRecords(
  deps: Pick<ReferenceDataDeps, 'budgets'>,
  lines: readonly BudgetLineSetting[],
): Promise<Map<string, BudgetLineRecord>> {
  const records = await Promise.all(lines.map((line) => deps.budgets.getBudgetLine(line.lineId)));
  return new Map(records.flatMap((record) => (record ? [[record.lineId, record] as const] : [])));
}

/** The lines whose total changes, from the total the table holds (or the section held, for a line not drawn on). */
function budgetTotals(
  lines: readonly BudgetLineSetting[],
  current: readonly BudgetLineSetting[],
  records: ReadonlyMap<string, BudgetLineRecord>,
) {
  return lines.flatMap((line) => {
    const fromFen =
      records.get(line.lineId)?.totalFen ?? current.find((l) => l.lineId === line.lineId)?.totalFen;
    return fromFen === undefined || fromFen === line.totalFen
      ? []
      : [{ lineId: line.lineId, fromFen, toFen: line.totalFen }];
  });
}

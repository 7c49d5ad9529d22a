import type { BilingualText } from '../domain/bilingual.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { findCreditCodeProblem } from '../domain/credit-code.js';
import { ValidationError } from '../domain/errors.js';
import { formatTotal, type Grade } from '../domain/evaluation.js';
import { fieldError } from '../domain/field-errors.js';
import { barredUntil, isBarred } from '../domain/track-record.js';
import type { Now } from '../ports/clock.js';
import type { PurchaseRepository, TrackRecordRepository } from '../ports/repositories.js';

export interface NgoTrackRecordDeps {
  trackRecords: Pick<TrackRecordRepository, 'listEvaluations'>;
  purchases: Pick<PurchaseRepository, 'getPurchase'>;
  now: Now;
}

/** One evaluated purchase of the NGO. */
export interface EvaluationOutcome {
  purchaseId: string;
  /** The purchase's title, when its record is found. */
  title?: string;
  grade: Grade;
  /** Tenths of a point (899 is 89.9), and as people write it. */
  total: number;
  totalPoints: string;
  evaluatedOn: string;
  /** The last day this failed evaluation bars the NGO from new purchases. */
  barsUntil?: string;
}

export interface NgoTrackRecord {
  creditCode: string;
  /** The name the NGO had on its newest evaluated purchase, when there is one. */
  name?: string;
  /** Newest first. */
  evaluations: EvaluationOutcome[];
  /** Whether a new purchase would be refused today, and until when. */
  barred: boolean;
  barredUntil?: string;
  reason?: BilingualText;
}

/** Evaluations whose purchase is read for its title: an NGO has a handful, a bound keeps the reads few. */
const TITLES_READ = 20;

/**
 * GET /ngos/{creditCode}: the track record an officer sees before choosing an NGO: every evaluated
 * purchase with its grade, and whether a failed evaluation bars the NGO today (as the proposal's
 * submission would find). An NGO never evaluated has an empty record. A code that is not one (its
 * structure or check character) is a 400 naming the problem, before anything is read.
 */
export async function ngoTrackRecord(deps: NgoTrackRecordDeps, rawCode: string): Promise<NgoTrackRecord> {
  const creditCode = rawCode.trim().toUpperCase();
  const problem = findCreditCodeProblem(creditCode);
  if (problem) {
    throw new ValidationError([
      fieldError(
        problem.kind === 'check-character' ? 'credit-code-check-digit' : 'credit-code-structure',
        'creditCode',
        creditCode,
        `credit code ${creditCode} is not a valid unified social credit code: ${problem.message}`,
        problem.allowed,
      ),
    ]);
  }
  const entries = await deps.trackRecords.listEvaluations(creditCode);
  const newestFirst = [...entries].sort(
    (a, b) => b.evaluatedAt.localeCompare(a.evaluatedAt) || a.purchaseId.localeCompare(b.purchaseId),
  );
  const records = await Promise.all(
    newestFirst.slice(0, TITLES_READ).map((entry) => deps.purchases.getPurchase(entry.purchaseId)),
  );
  const evaluations = newestFirst.map((entry, i): EvaluationOutcome => {
    const title = records[i]?.proposal.title;
    const until = barredUntil(entry);
    return {
      purchaseId: entry.purchaseId,
      ...(title === undefined ? {} : { title }),
      grade: entry.grade,
      total: entry.total,
      totalPoints: formatTotal(entry.total),
      evaluatedOn: entry.evaluatedOn,
      ...(until === undefined ? {} : { barsUntil: until }),
    };
  });
  const name = records.find((record) => record !== undefined)?.proposal.ngo.name;
  const bar = isBarred(entries, chinaCalendarDate(deps.now()));
  return {
    creditCode,
    ...(name === undefined ? {} : { name }),
    evaluations,
    barred: bar.barred,
    ...(bar.until === undefined ? {} : { barredUntil: bar.until }),
    ...(bar.reason === undefined ? {} : { reason: bar.reason }),
  };
}

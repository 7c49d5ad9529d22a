import type { BilingualText } from './bilingual.js';
import type { FieldError } from './errors.js';
import { fieldError } from './field-errors.js';
import { type Fen, formatYuan } from './money.js';
import type { BudgetLineSetting } from './policy-settings.js';

/** An annual budget line, what is left on it, and the outcome of reserving a purchase's amount on it. */

export interface BudgetLineRecord {
  lineId: string;
  year: number;
  description: string;
  totalFen: number;
  availableFen: number;
}

export type ReserveResult =
  | { status: 'RESERVED'; availableFen: number }
  | { status: 'INSUFFICIENT'; availableFen: number }
  | { status: 'NO_SUCH_LINE' };

/**
 * The outcome of moving a purchase's reservation to a new amount (a revised proposal): ADJUSTED
 * with what the line has left after it, INSUFFICIENT with what it had left (unchanged), or
 * NOT_RESERVED when the purchase holds no reservation on the line.
 */
export type AdjustResult =
  | { status: 'ADJUSTED'; availableFen: number }
  | { status: 'INSUFFICIENT'; availableFen: number }
  | { status: 'NOT_RESERVED' };

/**
 * What is left on a line for a new proposal: the stored line's figure, or the whole total of a
 * configured line nobody reserved on yet (a line is created in the table at its first reservation).
 * Undefined for a line that is neither (budget-line-known reports it).
 */
export function leftOnLine(
  stored: Pick<BudgetLineRecord, 'availableFen'> | undefined,
  configured: Pick<BudgetLineSetting, 'totalFen'> | undefined,
): Fen | undefined {
  return stored?.availableFen ?? configured?.totalFen;
}

/** Why a line cannot take a proposal's amount, in both languages: what is left and what is needed. */
export function budgetShortfall(lineId: string, availableFen: Fen, neededFen: Fen): BilingualText {
  return {
    zh: `预算指标 ${lineId} 剩余 ${formatYuan(availableFen)}，本项目需要 ${formatYuan(neededFen)}。`,
    en: `budget line ${lineId} has ${formatYuan(availableFen)} left; the proposal needs ${formatYuan(neededFen)}`,
  };
}

/** The proposal's field error when its line has too little left: on `budgetLineRef`, naming what is left. */
export function budgetShortfallError(lineId: string, availableFen: Fen, neededFen: Fen): FieldError {
  const text = budgetShortfall(lineId, availableFen, neededFen);
  return fieldError(
    'budget-line-remaining',
    'budgetLineRef',
    lineId,
    text.en,
    `a total of at most ${formatYuan(availableFen)} on ${lineId}, or another line of ${lineId.slice(0, 4)} with enough left`,
    text.zh,
  );
}

/**
 * An amendment's field error when the purchase's line has too little left for the raise: on
 * `totalFen`, naming what is left beyond the purchase's reservation and the most the value may be.
 */
export function amendmentShortfallError(
  lineId: string,
  reservedFen: Fen,
  availableFen: Fen,
  totalFen: Fen,
): FieldError {
  const more = totalFen - reservedFen;
  return fieldError(
    'budget-line-remaining',
    'totalFen',
    totalFen,
    `budget line ${lineId} has ${formatYuan(availableFen)} left beyond this purchase's ${formatYuan(reservedFen)}; the new value needs ${formatYuan(more)} more`,
    `a new value of at most ${formatYuan(reservedFen + availableFen)}`,
    `预算指标 ${lineId} 在本项目已预留的 ${formatYuan(reservedFen)} 之外仅剩 ${formatYuan(availableFen)}，新合同金额需要追加 ${formatYuan(more)}。`,
  );
}

/**
 * A purchase's reservation could not move to a higher amount: its line has too little left. Nothing
 * was written (the change it came with neither).
 */
export class BudgetLineShortError extends Error {
  override name = 'BudgetLineShortError';
  constructor(
    readonly lineId: string,
    /** What the line has left beyond the purchase's reservation. */
    readonly availableFen: Fen,
    /** What the move needed beyond the reservation. */
    readonly neededFen: Fen,
  ) {
    super(
      `budget line ${lineId} has ${availableFen} fen left; moving the reservation needs ${neededFen} more`,
    );
  }
}

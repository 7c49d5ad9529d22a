import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { type Fen, readYuan, sumFen } from '../../../shared/domain/money.js';
import { YUAN_TEXT_PROBLEM_TEXT } from '../../../shared/presentation/field-error-messages.js';

/**
 * What a form's text fields become in the body it sends. An amount typed in yuan is read as
 * exact fen; what cannot be read is left out (an amount) or sent as typed (a count), so that
 * the server, which judges every body, names the problem with everything else it finds.
 */

/** An amount typed in yuan as whole fen; undefined when it is empty or not an amount. */
export function fenOfText(text: string): Fen | undefined {
  const read = readYuan(text);
  return 'fen' in read ? read.fen : undefined;
}

/** A whole number as typed, or the text itself for the server to refuse; nothing when empty. */
export function wholeNumberOrText(text: string): number | string | undefined {
  return /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : text.trim() === '' ? undefined : text;
}

/** Drops the keys whose value is undefined, so JSON leaves them out (and the server says they are required). */
export function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * What is wrong with an amount typed in yuan. An empty one counts only once the form is being
 * sent (`submitting`): before that it is merely not filled in yet.
 */
export function typedAmountProblem(text: string, submitting: boolean): BilingualText | undefined {
  const read = readYuan(text);
  if ('fen' in read || (read.problem === 'empty' && !submitting)) return undefined;
  return YUAN_TEXT_PROBLEM_TEXT[read.problem];
}

/** The sum of amounts typed, when every one of them reads as an amount. */
export function sumOfTyped(texts: readonly string[]): Fen | undefined {
  const fen = texts.map(fenOfText);
  return fen.every((f) => f !== undefined) ? sumFen(fen as Fen[]) : undefined;
}

/**
 * Money is an integer number of fen (1 yuan = 100 fen) everywhere in the product.
 * Floating point never carries an amount; yuan exist only when text is shown to a person.
 */
export type Fen = number;

export class InvalidAmountError extends Error {
  override name = 'InvalidAmountError';
}

export function assertFen(value: number, what = 'amount'): Fen {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidAmountError(`${what} must be a whole number of fen, got ${value}`);
  }
  return value;
}

/** Formats fen as yuan for people: 11553800 -> "¥115,538.00". */
export function formatYuan(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan.toLocaleString('en-US')}.${cents}`;
}

export function yuanToFen(yuan: number): Fen {
  return assertFen(Math.round(yuan * 100), 'yuan amount');
}

/** Why a text typed as an amount of yuan is not one. */
export type YuanTextProblem = 'empty' | 'negative' | 'too-many-decimals' | 'not-an-amount' | 'too-large';

/** Full-width digits and separators (as a Chinese input method types them) read as their ASCII forms. */
function asciiAmount(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/[，]/g, ',')
    .replace(/[．。]/g, '.')
    .replace(/[－]/g, '-');
}

const YUAN_TEXT = /^(?:[¥￥]\s*)?(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/;

/**
 * An amount typed in yuan read as whole fen, exactly: the digits are joined as text and read as
 * one integer, so no floating-point step ever touches the amount ("0.29" is 29 fen, not
 * 28.999…). Accepts an optional ¥, thousands commas in their places ("1,234.5"), full-width
 * digits; refuses a sign, more than two decimals, anything else, and amounts past exact integers.
 */
export function readYuan(text: string): { fen: Fen } | { problem: YuanTextProblem } {
  const typed = asciiAmount(text).trim();
  if (typed === '') return { problem: 'empty' };
  if (/^[-−]|^[¥￥]\s*-/.test(typed)) return { problem: 'negative' };
  const match = YUAN_TEXT.exec(typed);
  const whole = match?.[1]?.replace(/,/g, '');
  const decimals = match?.[2];
  if (!match || (whole === undefined && !decimals)) return { problem: 'not-an-amount' };
  if (decimals !== undefined && decimals.length > 2) return { problem: 'too-many-decimals' };
  const fen = Number(`${whole ?? '0'}${(decimals ?? '').padEnd(2, '0')}`);
  if (!Number.isSafeInteger(fen)) return { problem: 'too-large' };
  return { fen };
}

const YUAN_TEXT_PROBLEMS: Readonly<Record<YuanTextProblem, string>> = {
  empty: 'no amount was given',
  negative: 'an amount cannot be negative',
  'too-many-decimals': 'an amount has at most two decimals (fen)',
  'not-an-amount': 'is not an amount of yuan, e.g. 1,234.50',
  'too-large': 'is too large to be an exact number of fen',
};

/** `readYuan`, throwing InvalidAmountError for text that is not an amount: `parseYuan('1,234.5')` is 123450. */
export function parseYuan(text: string): Fen {
  const read = readYuan(text);
  if ('problem' in read) throw new InvalidAmountError(`'${text}': ${YUAN_TEXT_PROBLEMS[read.problem]}`);
  return read.fen;
}

/** Fen as yuan text to type or edit (no ¥, no commas): 12345 -> "123.45". */
export function yuanText(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function sumFen(values: readonly Fen[]): Fen {
  return values.reduce((total, v) => total + v, 0);
}

/**
 * Splits a total by integer percentages that sum to 100. Every share is rounded down
 * and the remainder goes to the last share, so the shares always add up to the total.
 */
export function splitByPercent(totalFen: Fen, percents: readonly number[]): Fen[] {
  const shares = percents.map((p) => Math.floor((totalFen * p) / 100));
  const remainder = totalFen - sumFen(shares);
  if (shares.length > 0) shares[shares.length - 1] = (shares[shares.length - 1] ?? 0) + remainder;
  return shares;
}

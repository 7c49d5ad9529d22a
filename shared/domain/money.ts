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

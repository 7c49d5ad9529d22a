import { describe, expect, it } from 'vitest';
import {
  formatYuan,
  InvalidAmountError,
  parseYuan,
  readYuan,
  yuanText,
} from '../../../shared/domain/money.js';

describe('an amount typed in yuan, read as whole fen', () => {
  it.each([
    ['1,234.5', 123_450],
    ['1234.56', 123_456],
    ['0.29', 29],
    ['0.07', 7],
    ['1.1', 110],
    ['115538', 11_553_800],
    ['480,000.00', 48_000_000],
    ['1,000,000', 100_000_000],
    ['¥9,650', 965_000],
    ['￥ 12.3', 1230],
    ['  42  ', 4200],
    ['.5', 50],
    ['7.', 700],
    ['0', 0],
    ['００７．５０', 750],
    ['１２，３４５', 1_234_500],
  ])('reads %j as %i fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it('is exact where floating point is not (0.29 × 100 is 28.999… in binary)', () => {
    expect(0.29 * 100).not.toBe(29);
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('1.15')).toBe(115);
    expect(parseYuan('4.35')).toBe(435);
    expect(parseYuan('90071992547409.91')).toBe(9_007_199_254_740_991);
  });

  it('reads back every amount formatYuan and yuanText write', () => {
    for (let fen = 0; fen < 30_000; fen += 11) {
      expect(parseYuan(formatYuan(fen))).toBe(fen);
      expect(parseYuan(yuanText(fen))).toBe(fen);
    }
    for (const fen of [99_999_999_999, 123_456_789_012_345, Number.MAX_SAFE_INTEGER]) {
      expect(parseYuan(formatYuan(fen))).toBe(fen);
    }
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['-5', 'negative'],
    ['−5', 'negative'],
    ['¥-5', 'negative'],
    ['－５', 'negative'],
    ['1.234', 'too-many-decimals'],
    ['0.001', 'too-many-decimals'],
    ['12,34', 'not-an-amount'],
    ['1,2345', 'not-an-amount'],
    ['1 234', 'not-an-amount'],
    ['1.2.3', 'not-an-amount'],
    ['1e5', 'not-an-amount'],
    ['0x10', 'not-an-amount'],
    ['+5', 'not-an-amount'],
    ['five', 'not-an-amount'],
    ['.', 'not-an-amount'],
    ['¥', 'not-an-amount'],
    ['Infinity', 'not-an-amount'],
    ['NaN', 'not-an-amount'],
    ['90071992547409.92', 'too-large'],
    ['99999999999999999999', 'too-large'],
  ])('refuses %j (%s)', (text, problem) => {
    expect(readYuan(text)).toEqual({ problem });
    expect(() => parseYuan(text)).toThrow(InvalidAmountError);
  });

  it('names the text and the problem when it throws', () => {
    expect(() => parseYuan('1.234')).toThrow("'1.234': an amount has at most two decimals (fen)");
  });

  it('writes fen as yuan text to edit, without separators', () => {
    expect(yuanText(123_450)).toBe('1234.50');
    expect(yuanText(7)).toBe('0.07');
    expect(yuanText(0)).toBe('0.00');
    expect(() => yuanText(1.5)).toThrow(InvalidAmountError);
  });
});

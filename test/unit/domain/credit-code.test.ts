import { describe, expect, it } from 'vitest';
import {
  CREDIT_CODE_CHARSET,
  expectedCheckCharacter,
  findCreditCodeProblem,
  isValidCreditCode,
} from '../../../shared/domain/credit-code.js';

/** Appends the computed check character, as a registration office would. */
const withCheck = (first17: string): string => `${first17}${expectedCheckCharacter(first17)}`;

describe('credit code check character (GB 32100-2015)', () => {
  it('matches a check character worked out by hand from the weights', () => {
    // 9·1 + 1·3 + 3·9 + 5·27 + 0·19 + 2·26 = 226; 226 mod 31 = 9; 31 - 9 = 22 -> 'N'
    expect(expectedCheckCharacter('91350200000000000')).toBe('N');
  });

  it('maps a weighted sum divisible by 31 to the check character 0', () => {
    // 226 + 3·28 = 310 = 10·31
    expect(expectedCheckCharacter('91350200000000003')).toBe('0');
  });

  it('uses only the 31 characters of the code set, leaving out I, O, S, V and Z', () => {
    expect(CREDIT_CODE_CHARSET).toHaveLength(31);
    for (const letter of 'IOSVZ') expect(CREDIT_CODE_CHARSET).not.toContain(letter);
  });

  it('has no check character for a prefix that is not 17 code characters', () => {
    expect(expectedCheckCharacter('5235020300000000')).toBeUndefined();
    expect(expectedCheckCharacter('52350203MJ042731O')).toBeUndefined();
  });
});

describe('isValidCreditCode', () => {
  it.each([
    ['a civil-affairs registered private non-enterprise unit in 思明区', '52350203MJ0427315'],
    ['a social organisation registered at national level', '51100000MJ0009876'],
    ['a company in 厦门', '91350200MA2Y3K4L7'],
    ['an organisation of the "other" authority', 'Y1350203MJ0427315'],
  ])('accepts %s when its check character is computed', (_what, first17) => {
    expect(isValidCreditCode(withCheck(first17))).toBe(true);
  });

  it('refuses a code whose check character is off by one and names the expected one', () => {
    const good = withCheck('52350203MJ0427315');
    const expected = good.charAt(17);
    const wrong = CREDIT_CODE_CHARSET.charAt((CREDIT_CODE_CHARSET.indexOf(expected) + 1) % 31);
    const code = `${good.slice(0, 17)}${wrong}`;
    expect(isValidCreditCode(code)).toBe(false);
    expect(findCreditCodeProblem(code)).toMatchObject({ kind: 'check-character', position: 18, expected });
  });

  it('refuses a mistyped character that the check character catches', () => {
    const good = withCheck('52350203MJ0427315');
    const typo = `${good.slice(0, 12)}${good.charAt(12) === '7' ? '1' : '7'}${good.slice(13)}`;
    expect(findCreditCodeProblem(typo)?.kind).toBe('check-character');
  });

  it('refuses a code that is not 18 characters long', () => {
    expect(findCreditCodeProblem('52350203MJ042731')).toMatchObject({ kind: 'length' });
  });

  it('refuses a character outside the code set and says where it is', () => {
    expect(findCreditCodeProblem('52350203MJ0I27315X')).toMatchObject({ kind: 'charset', position: 12 });
  });

  it('refuses an unknown registration authority in position 1', () => {
    expect(findCreditCodeProblem(withCheck('B2350203MJ0427315'))).toMatchObject({
      kind: 'registration-authority',
      position: 1,
    });
  });

  it('refuses an organisation type the registration authority does not assign', () => {
    // 民政 (5) registers 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他; 工商 (9) has no 9.
    const problem = findCreditCodeProblem(withCheck('54350203MJ0427315'));
    expect(problem).toMatchObject({ kind: 'organisation-type', position: 2 });
    expect(problem?.allowed).toContain('2 民办非企业单位');
    expect(findCreditCodeProblem(withCheck('99350200MA2Y3K4L7'))?.kind).toBe('organisation-type');
  });

  it('refuses positions 3-8 that are not an administrative division', () => {
    expect(findCreditCodeProblem(withCheck('5235A203MJ0427315'))).toMatchObject({
      kind: 'administrative-division',
      position: 3,
    });
    expect(findCreditCodeProblem(withCheck('52990203MJ0427315'))?.kind).toBe('administrative-division');
  });
});

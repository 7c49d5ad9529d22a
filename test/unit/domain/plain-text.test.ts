import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import type { FieldError } from '../../../shared/domain/errors.js';
import { withoutControlCharacters } from '../../../shared/domain/plain-text.js';
import { parseProposal } from '../../../shared/domain/policy.js';
import { FIELD_RULE_ZH } from '../../../shared/presentation/field-error-messages.js';
import { oneLine } from '../../../shared/presentation/html.js';
import { TEST_POLICY } from '../../support/settings.js';

function errorsFor(raw: unknown): FieldError[] {
  try {
    parseProposal(raw, TEST_POLICY);
  } catch (error) {
    return (error as { errors: FieldError[] }).errors;
  }
  throw new Error('parseProposal accepted the input');
}

/** Characters that show text in another order than it is stored, or are not text at all. */
const HIDDEN = {
  'right-to-left override': '\u202E',
  'left-to-right isolate': '\u2066',
  'right-to-left mark': '\u200F',
  'Arabic letter mark': '\u061C',
  'bell (C0)': '\u0007',
  'line break': '\n',
  'C1 control': '\u0085',
};

describe('titles and names are one line of plain text', () => {
  it.each(Object.entries(HIDDEN))(
    'refuses a title, an NGO name or a purchasing unit with a %s',
    (_name, char) => {
      const p = sampleProposal();
      const errors = errorsFor({
        ...p,
        title: `社区养老服务${char}exe.pdf`,
        purchasingUnit: `厦门市${char}民政局`,
        ngo: { ...p.ngo, name: `某某${char}社工服务中心` },
      });
      expect(errors.filter((e) => e.rule === 'text-control-characters').map((e) => e.field)).toEqual([
        'title',
        'purchasingUnit',
        'ngo.name',
      ]);
      expect(errors[0]?.message).toContain('U+202E');
    },
  );

  it('accepts Chinese, punctuation and spaces as they are', () => {
    const p = sampleProposal();
    expect(() =>
      parseProposal(
        { ...p, title: '2026年“银龄守护”居家养老服务（思明区）— 第二期', ngo: { ...p.ngo } },
        TEST_POLICY,
      ),
    ).not.toThrow();
  });

  it('says why in Chinese too', () => {
    expect(FIELD_RULE_ZH['text-control-characters']).toContain('控制字符');
  });
});

describe('a line made of text from elsewhere (a mail subject)', () => {
  it('turns every control or bidi character into a space, so it reads in the order it is stored', () => {
    expect(withoutControlCharacters('invoice\u202Efdp.exe')).toBe('invoice fdp.exe');
    expect(oneLine(' 标题\r\n第二行\u2067x\u2069 ')).toBe('标题 第二行 x');
  });
});

import { describe, expect, it } from 'vitest';
import {
  accountNameDiffers,
  groupedAccountNumber,
  maskAccountNumber,
  maskedNgo,
} from '../../../shared/domain/payee-account.js';

const NGO = {
  name: '厦门市思明区乐龄社会工作服务中心',
  creditCode: '52350203MJ0427315L',
  contactEmail: 'projects@leling-sw.example.org',
  bankAccount: {
    bankName: '中国建设银行厦门思明支行',
    accountName: '厦门市思明区乐龄社会工作服务中心',
    accountNumber: '35150198010100004215',
  },
};

describe('the payee account', () => {
  it('is masked to its last four digits outside finance, the rest of the NGO block unchanged', () => {
    expect(maskAccountNumber('35150198010100004215')).toBe('****4215');
    expect(maskedNgo(NGO)).toEqual({
      ...NGO,
      bankAccount: { ...NGO.bankAccount, accountNumber: '****4215' },
    });
    const { bankAccount: _none, ...without } = NGO;
    expect(maskedNgo(without)).toEqual(without);
  });

  it('reads out in groups of four', () => {
    expect(groupedAccountNumber('35150198010100004215')).toBe('3515 0198 0101 0000 4215');
    expect(groupedAccountNumber('801201000023456')).toBe('8012 0100 0023 456');
  });

  it('is flagged when its name is not the NGO’s, full-width and spacing aside', () => {
    expect(accountNameDiffers(NGO)).toBe(false);
    expect(
      accountNameDiffers({
        ...NGO,
        bankAccount: { ...NGO.bankAccount, accountName: ' 厦门市思明区乐龄社会工作服务中心 ' },
      }),
    ).toBe(false);
    expect(accountNameDiffers({ ...NGO, bankAccount: { ...NGO.bankAccount, accountName: '李四' } })).toBe(
      true,
    );
    const { bankAccount: _none, ...without } = NGO;
    expect(accountNameDiffers(without)).toBe(false);
  });
});

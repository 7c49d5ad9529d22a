import { describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import {
  noAgencyLeftMailModel,
  renderNoAgencyLeftMail,
} from '../../../shared/presentation/mail/evaluation-mail.js';

describe('the notice that no evaluation agency is left', () => {
  const mail = renderNoAgencyLeftMail(
    noAgencyLeftMailModel({
      purchaseId: 'PUR-2026-NOAGENCYLEFTAAAA',
      proposal: { ...largeElderlyCareProposal(), title: '<b>居家养老</b>' },
      skipped: [
        { agencyId: 'ludao-eval', reason: 'LINKED_TO_NGO' },
        { agencyId: 'mingjian-eval', reason: 'EXCLUDED' },
      ],
    }),
  );

  it('names the purchase and each agency with why it cannot be asked, in Chinese then English', () => {
    expect(mail.subject).toBe('【无可指派的评估机构 No evaluation agency left】<b>居家养老</b>');
    expect(mail.text).toContain('PUR-2026-NOAGENCYLEFTAAAA');
    expect(mail.text).toContain('ludao-eval：与承接机构有关联 tied to the NGO');
    expect(mail.text).toContain(
      'mingjian-eval：已谢绝、声明存在利益冲突或逾期未答复 declined, declared a conflict of interest, or did not answer',
    );
    expect(mail.text.indexOf('评估已暂停')).toBeLessThan(mail.text.indexOf('The evaluation has stopped'));
  });

  it('says how the evaluation comes back, carries no link, and escapes the title in its HTML', () => {
    expect(mail.text).toContain('Reference data');
    expect(mail.text).toContain('npm run ops -- resume');
    expect(mail.html).not.toMatch(/<a\b/);
    expect(mail.html).toContain('&lt;b&gt;居家养老&lt;/b&gt;');
  });
});

import { chinaCalendarDate } from '../domain/china-time.js';
import { checkProposalPolicy } from '../domain/policy.js';
import { isBarred } from '../domain/track-record.js';
import { PurchaseRefused } from '../domain/workflow-errors.js';
import type { TrackRecordRepository } from '../ports/repositories.js';
import { fieldErrorText } from '../presentation/field-error-messages.js';
import { loadPurchase } from './load-purchase.js';
import type { WorkflowDeps } from './workflow-deps.js';

/** Re-checks every policy rule with the settings in force now (they may have changed since submission). */
export async function validateProposal(deps: WorkflowDeps, purchaseId: string): Promise<void> {
  const purchase = await loadPurchase(deps, purchaseId);
  // Today's date: a salary benchmark whose window closed since the submission is refused now.
  const errors = checkProposalPolicy(purchase.proposal, deps.settings, {
    today: chinaCalendarDate(deps.now()),
  });
  if (errors.length > 0) {
    throw new PurchaseRefused('POLICY', {
      zh: errors.map((e) => `${e.field}：${fieldErrorText(e).zh}`).join('；'),
      en: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    });
  }
  if (deps.trackRecords) {
    const bar = await ngoBar(deps.trackRecords, purchase.proposal.ngo.creditCode, deps.now());
    if (bar.barred)
      throw new PurchaseRefused(
        'NGO_BARRED',
        bar.reason ?? { zh: '该机构在限制期内不得承接新项目。', en: 'the NGO is barred' },
      );
  }
}

/** Whether an NGO is barred today (China date) by a failed evaluation of the year before. */
export async function ngoBar(trackRecords: TrackRecordRepository, creditCode: string, now: string) {
  return isBarred(await trackRecords.listEvaluations(creditCode), chinaCalendarDate(now));
}

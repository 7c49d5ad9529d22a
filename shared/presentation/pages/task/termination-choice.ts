/**
 * The Terminate choice that the mid-term review and the late report pages both offer: its button
 * and what it says terminating does.
 */
import type { BilingualText } from '../../../domain/bilingual.js';
import type { FormButton } from './decision-form.js';

export const TERMINATE_CONSEQUENCE: BilingualText = {
  zh: '终止：项目终止，剩余各期款项取消，未支付的预算额度释放。必须写明终止理由。',
  en: 'Terminate: the purchase ends, the remaining tranches are cancelled and the unpaid budget is released. The reason is required.',
};

export const TERMINATE_BUTTON: FormButton = {
  decision: 'TERMINATE',
  label: { zh: '终止', en: 'Terminate' },
  tone: 'reject',
};

import type { BilingualText } from '../domain/bilingual.js';
import type { OnBehalfOf } from '../domain/tasks.js';

/**
 * "X for Y": who decided (or is asked) as the delegate of an approver who was away, as the record
 * shows it everywhere (the approval pages, the purchase view, the mails).
 */
export function onBehalfOfText(byName: string, onBehalfOf: Pick<OnBehalfOf, 'name'>): BilingualText {
  return { zh: `${byName} 代 ${onBehalfOf.name}审批`, en: `${byName} for ${onBehalfOf.name}` };
}

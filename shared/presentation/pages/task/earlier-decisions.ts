/**
 * The decisions taken before the one a page asks for (review-history.ts): on a higher approval
 * level's page each earlier level's, on a review page its stage's earlier rounds', each with who
 * decided, when, and the comment they wrote.
 */
import type { BilingualText } from '../../../domain/bilingual.js';
import type { ApprovalLevel } from '../../../domain/policy-settings.js';
import type { EarlierDecision } from '../../../domain/review-history.js';
import type { Decision, OnBehalfOf, TaskPurpose } from '../../../domain/tasks.js';
import { html, type SafeHtml } from '../../html.js';
import { APPROVAL_LEVEL_LABELS, formatChinaTime, TASK_PURPOSE_LABELS } from '../../labels.js';
import { onBehalfOfText } from '../../on-behalf-of.js';
import { bilingualHeading, bilingualParagraphs, headCell } from '../layout.js';
import { DECISION_LABELS } from './decided-page.js';

/** One earlier decision as a page shows it: copied field by field, nothing else of its data. */
export interface EarlierDecisionModel {
  purpose: TaskPurpose;
  level?: ApprovalLevel;
  round?: number;
  decision: Decision;
  by: string;
  byName: string;
  /** Who acted, where the link went to a shared mailbox. */
  actedBy?: string;
  /** The approver a delegate decided for while they were away. */
  onBehalfOf?: Pick<OnBehalfOf, 'name' | 'email'>;
  at: string;
  comment: string;
}

export function earlierDecisionModels(earlier: readonly EarlierDecision[]): EarlierDecisionModel[] {
  return earlier.map(({ purpose, level, round, decision }) => {
    const { decision: outcome, by, byName, at, comment, onBehalfOf } = decision;
    const actedBy = decision.data?.actedBy;
    return {
      purpose,
      ...(level === undefined ? {} : { level }),
      ...(round === undefined ? {} : { round }),
      decision: outcome,
      by,
      byName,
      ...(typeof actedBy === 'string' ? { actedBy } : {}),
      ...(onBehalfOf ? { onBehalfOf: { name: onBehalfOf.name, email: onBehalfOf.email } } : {}),
      at,
      comment,
    };
  });
}

/** The level that decided an approval; the purpose and round of any other step. */
function stepLabel(item: EarlierDecisionModel): BilingualText {
  if (item.level !== undefined && item.purpose === 'APPROVAL') return APPROVAL_LEVEL_LABELS[item.level];
  const purpose = TASK_PURPOSE_LABELS[item.purpose];
  const en = `${purpose.en.charAt(0).toUpperCase()}${purpose.en.slice(1)}`;
  return item.round === undefined
    ? { zh: purpose.zh, en }
    : { zh: `${purpose.zh}（第 ${item.round} 轮）`, en: `${en}, round ${item.round}` };
}

function decidedBy(item: EarlierDecisionModel): string {
  const assignee = `${item.byName} <${item.by}>`;
  if (item.onBehalfOf) {
    const forWhom = onBehalfOfText(item.byName, item.onBehalfOf);
    return `${forWhom.zh} · ${forWhom.en} <${item.by}>`;
  }
  return item.actedBy === undefined ? assignee : `${item.actedBy}（代表 for ${assignee}）`;
}

function row(item: EarlierDecisionModel): SafeHtml {
  const step = stepLabel(item);
  const decided = DECISION_LABELS[item.decision];
  return html`<tr><td>${step.zh}<span class="en" lang="en">${step.en}</span></td><td>${decided.zh}<span class="en" lang="en">${decided.en}</span></td><td>${decidedBy(item)}</td><td>${formatChinaTime(item.at)}</td><td class="pre">${item.comment || '（无）(none)'}</td></tr>
`;
}

/**
 * A section with its heading: the earlier decisions, oldest first; when there are none, the line
 * `none` says so, or without it the section is left out.
 */
export function earlierDecisionsSection(
  heading: BilingualText,
  items: readonly EarlierDecisionModel[],
  none?: BilingualText,
): SafeHtml {
  if (items.length === 0)
    return none === undefined
      ? html``
      : html`${bilingualHeading('h2', heading)}
${bilingualParagraphs(none)}`;
  return html`${bilingualHeading('h2', heading)}
<div class="table-wrap"><table class="earlier-decisions">
<thead><tr>${headCell({ zh: '环节', en: 'Step' })}${headCell({ zh: '决定', en: 'Decision' })}${headCell({ zh: '决定人', en: 'Decided by' })}${headCell({ zh: '时间', en: 'When' })}${headCell({ zh: '意见', en: 'Comment' })}</tr></thead>
<tbody>
${items.map(row)}</tbody>
</table></div>
`;
}

/**
 * What every review page shows besides the files it decides on: every file on record that
 * concerns the review and the decisions of the earlier rounds (countersignature refusals,
 * rectification requests, extensions), so the reviewer sees what was asked before.
 */
import type { EarlierDecision } from '../../../domain/review-history.js';
import { html, type SafeHtml } from '../../html.js';
import {
  type EarlierDecisionModel,
  earlierDecisionModels,
  earlierDecisionsSection,
} from './earlier-decisions.js';
import { filesOnRecordSection, type PageDocument, pageDocument } from './reviewed-document.js';

export interface ReviewRecordModel {
  /** Every accepted file on record the page lists, those under review marked. */
  filesOnRecord: PageDocument[];
  /** The earlier rounds' decisions, oldest first. */
  earlier: EarlierDecisionModel[];
}

export interface ReviewRecordInput {
  filesOnRecord?: readonly PageDocument[];
  earlier?: readonly EarlierDecision[];
}

export function reviewRecordModel({
  filesOnRecord = [],
  earlier = [],
}: ReviewRecordInput): ReviewRecordModel {
  return { filesOnRecord: filesOnRecord.map(pageDocument), earlier: earlierDecisionModels(earlier) };
}

export function reviewRecordSections(model: ReviewRecordModel): SafeHtml {
  return html`${filesOnRecordSection(model.filesOnRecord)}${earlierDecisionsSection(
    { zh: '以往各轮的决定', en: 'Earlier rounds’ decisions' },
    model.earlier,
    { zh: '此前没有作出过决定。', en: 'No decision was taken before this one.' },
  )}`;
}

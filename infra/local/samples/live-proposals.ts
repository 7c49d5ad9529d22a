import { chinaCalendarDate } from '../../../shared/domain/china-time.js';
import { largeElderlyCareProposal, liveSample, smallMinorProtectionProposal } from './proposals.js';

/** The large sample as of today (China date): for the demo and everything on the real clock. */
export function largeElderlyCareProposalToday(
  now: Date = new Date(),
): ReturnType<typeof largeElderlyCareProposal> {
  return liveSample(largeElderlyCareProposal(), chinaCalendarDate(now.toISOString()));
}

/** The small sample as of today (China date). */
export function smallMinorProtectionProposalToday(
  now: Date = new Date(),
): ReturnType<typeof smallMinorProtectionProposal> {
  return liveSample(smallMinorProtectionProposal(), chinaCalendarDate(now.toISOString()));
}

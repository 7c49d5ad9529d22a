import type { NgoTrackRecord } from '../../../shared/usecases/ngo-track-record.js';
import type { BudgetLineOption, ProposalOptions } from '../../../shared/usecases/proposal-options.js';

/** The answers of GET /proposal-options and GET /ngos/{creditCode}, as the server types them. */
export type { BudgetLineOption, NgoTrackRecord, ProposalOptions };

import { tableRepositories } from '../shared/runtime/repositories.js';
import type { EvaluationDeps } from '../shared/usecases/evaluation.js';
import { contractingDeps } from './contracting-deps.js';

/** What the evaluation and closing steps need: the contracting ones and the NGOs' track record. */
export function evaluationDeps(): EvaluationDeps {
  return { ...contractingDeps(), trackRecords: tableRepositories().trackRecords };
}

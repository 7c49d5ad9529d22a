import { documentStore } from '../../shared/lambda/documents-bucket.js';
import { contractingDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { type IssueContractDeps, issueContract } from '../../shared/usecases/contracting.js';
import { PurchaseStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: IssueContractDeps) {
  return workflowStep(PurchaseStepInput, ({ purchaseId }) => issueContract(deps, purchaseId));
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  ...contractingDeps(),
  documents: documentStore(),
});

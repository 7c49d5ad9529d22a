import { createDocumentStore } from '../../shared/adapters/s3-storage.js';
import { documentsBucket } from '../../shared/lambda/documents-bucket.js';
import { contractingDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { issueContract } from '../../shared/usecases/contracting.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = {
  ...contractingDeps(),
  documents: createDocumentStore(documentsBucket()),
};

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => issueContract(deps, purchaseId));

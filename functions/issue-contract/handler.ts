import { requireEnv } from '../../shared/runtime/env.js';
import { createDocumentStore, s3Client } from '../../shared/runtime/s3.js';
import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { issueContract } from '../../shared/usecases/contracting.js';
import { contractingDeps } from '../contracting-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = {
  ...contractingDeps(),
  documents: createDocumentStore({ client: s3Client(), bucket: requireEnv('DOCUMENTS_BUCKET') }),
};

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => issueContract(deps, purchaseId));

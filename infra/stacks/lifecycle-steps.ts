import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { PurchaseLifecycleFunctions } from '../../workflows/lifecycle-functions.js';
import { ServiceFunction } from '../constructs/service-function.js';
import {
  contractFunction,
  mails,
  type StackWiring,
  type StepOptions,
  useCaseFunction,
} from './stack-wiring.js';

/**
 * The functions the purchase lifecycle's Task states invoke, each with only what its step needs.
 * `paymentsTopic` is where the payment steps tell finance.
 */
export function lifecycleSteps(
  wiring: StackWiring,
  paymentsTopic: ITopic,
): Record<keyof PurchaseLifecycleFunctions, ServiceFunction> {
  const { stack, table, documents, taskLinkKeys, ngoLinkKeys, publicBaseUrl } = wiring;
  const { lifecycle } = wiring.settings;
  const step = (id: string, name: string, description: string, options?: StepOptions) =>
    useCaseFunction(wiring, id, name, description, options);
  const contractStep = (id: string, name: string, description: string, options?: StepOptions) =>
    contractFunction(wiring, id, name, description, options);
  /** A step that asks a person by a mailed link and waits: it signs the link, mails it, and answers the wait. */
  const asksByMailedLink = (fn: ServiceFunction, link: 'task' | 'ngo') =>
    mails(wiring, link === 'task' ? fn.useTaskLinkKeys(taskLinkKeys) : fn.useNgoLinkKeys(ngoLinkKeys))
      .linksOn(publicBaseUrl)
      .completeTasksOf(wiring.stateMachine.arn);

  // The steps that only work something out (validate, plan) read the table and write nothing.
  const validateProposal = step(
    'ValidateProposal',
    'validate-proposal',
    'Re-checks a proposal against every policy rule',
    { tableAccess: 'read' },
  );
  const reserveBudget = step(
    'ReserveBudget',
    'reserve-budget',
    'Reserves the purchase amount on its budget line',
  );
  const planApproval = step(
    'PlanApproval',
    'plan-approval',
    'Works out which approval levels are still needed',
  );
  const requestDecision = asksByMailedLink(
    step('RequestDecision', 'request-decision', 'Opens a human task and e-mails its link'),
    'task',
  ).useLifecycleSettings(lifecycle);
  // A proposal returned for revision: the officer is mailed (no link: the revision is made in the console).
  const requestRevision = mails(
    wiring,
    step('RequestRevision', 'request-revision', 'Asks the officer to revise a returned proposal'),
  ).completeTasksOf(wiring.stateMachine.arn);
  // Both steps that end the approval tell the officer who registered the purchase.
  const concludeApproval = step('ConcludeApproval', 'conclude-approval', 'Records an approved purchase');
  const rejectPurchase = step(
    'RejectPurchase',
    'reject-purchase',
    'Records a rejection and releases the budget',
  );

  // An amendment's approval: plan reads the purchase and its budget line; conclude applies it (the
  // purchase and the line in one transaction) and tells the officer.
  const planAmendment = step(
    'PlanAmendment',
    'plan-amendment',
    'Works out which levels still approve an amendment',
    { tableAccess: 'read' },
  );
  const concludeAmendment = mails(
    wiring,
    step('ConcludeAmendment', 'conclude-amendment', 'Applies an approved amendment, or records why not'),
  );

  // Contracting and payments.
  const issueContract = contractStep(
    'IssueContract',
    'issue-contract',
    'Renders and stores the contract',
  ).useDocuments(documents, 'contracts/', ['write']);
  const planContracting = contractStep(
    'PlanContracting',
    'plan-contracting',
    'Works out the next contracting step',
    { tableAccess: 'read' },
  );
  const awaitUpload = asksByMailedLink(
    contractStep('AwaitUpload', 'await-upload', 'Waits for an NGO upload and asks for it'),
    'ngo',
  );
  const concludeContracting = contractStep(
    'ConcludeContracting',
    'conclude-contracting',
    'Publishes the contract',
  );
  const notifyPayment = contractStep(
    'NotifyPayment',
    'notify-payment',
    'Opens a payment step and tells finance',
  )
    .useTaskLinkKeys(taskLinkKeys)
    .publishTo(paymentsTopic)
    .linksOn(publicBaseUrl);
  const terminatePurchase = contractStep(
    'TerminatePurchase',
    'terminate-purchase',
    'Ends a purchase that cannot go on',
  );

  const planMidterm = contractStep('PlanMidterm', 'plan-midterm', 'Works out the next mid-term review step', {
    tableAccess: 'read',
  });
  const concludeMidterm = contractStep(
    'ConcludeMidterm',
    'conclude-midterm',
    'Records a passed mid-term review',
  );
  const planEvaluation = contractStep(
    'PlanEvaluation',
    'plan-evaluation',
    'Works out the next evaluation step',
    {
      tableAccess: 'read',
    },
  );
  const recordMissingReport = contractStep(
    'RecordMissingReport',
    'record-missing-report',
    'Records that no final report came',
  );
  const requestEvaluation = asksByMailedLink(
    contractStep('RequestEvaluation', 'request-evaluation', 'Assigns an agency and mails it'),
    'task',
  );
  const concludeEvaluation = contractStep(
    'ConcludeEvaluation',
    'conclude-evaluation',
    'Grades, track record, final tranche',
  );
  const closePurchase = contractStep(
    'ClosePurchase',
    'close-purchase',
    'Closes a purchase and returns unpaid budget',
  );
  // The closing step's wait for the last tranches: it keeps its token and may hand itself back.
  const awaitSettlement = contractStep(
    'AwaitSettlement',
    'await-settlement',
    'Waits until every tranche is paid or waived',
  ).completeTasksOf(wiring.stateMachine.arn);
  // Only the table: it writes the failure on the purchase and its audit log, nothing else.
  const recordWorkflowFailure = new ServiceFunction(stack, 'RecordWorkflowFailure', {
    name: 'record-workflow-failure',
    description: 'Records an unexpected workflow error on the purchase',
  }).useTable(table);

  const handOverExecution = new ServiceFunction(stack, 'HandOverExecution', {
    name: 'hand-over-execution',
    description: "Starts a purchase's next execution of the lifecycle",
  })
    .useTable(table)
    .startExecutionsThrough(wiring.stateMachine.aliasArn)
    // Retried, it looks whether the successor it recorded has started.
    .readExecutionsOf(wiring.stateMachine.name, wiring.stateMachine.aliasArn);

  // The steps that decide an outcome the NGO hears of mail its contact (shared/usecases/inform-ngo.ts);
  // the two that end the approval also tell the officer.
  for (const fn of [
    concludeApproval,
    rejectPurchase,
    concludeContracting,
    notifyPayment,
    terminatePurchase,
    concludeMidterm,
    concludeEvaluation,
    closePurchase,
  ])
    mails(wiring, fn);

  return {
    validateProposal,
    reserveBudget,
    planApproval,
    requestDecision,
    requestRevision,
    concludeApproval,
    rejectPurchase,
    issueContract,
    planContracting,
    awaitUpload,
    concludeContracting,
    notifyPayment,
    terminatePurchase,
    planMidterm,
    concludeMidterm,
    planEvaluation,
    recordMissingReport,
    requestEvaluation,
    concludeEvaluation,
    closePurchase,
    awaitSettlement,
    planAmendment,
    concludeAmendment,
    handOverExecution,
    recordWorkflowFailure,
  };
}

import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { ServiceFunction } from '../constructs/service-function.js';
import { mails, type StackWiring, type StaffRoutes, useCaseFunction } from './stack-wiring.js';

/**
 * The staff console's API, except the reference data's and finance's routes (their own files):
 * who the caller is, the purchases (list, register, read, withdraw, revise), the proposal form's
 * choices, an NGO's track record, "my tasks", a task link sent again and document downloads.
 */
export function staffApi(wiring: StackWiring, routes: StaffRoutes): void {
  const { stack, table, taskLinkKeys, publicBaseUrl, stateMachine } = wiring;
  const staffProfile = new ServiceFunction(stack, 'StaffProfile', {
    name: 'staff-profile',
    description: 'GET /me: who the caller is and what their roles allow',
  });
  routes.add(HttpMethod.GET, '/me', 'StaffProfileIntegration', staffProfile);

  // Lists read the purchases index only.
  const listPurchases = new ServiceFunction(stack, 'ListPurchases', {
    name: 'list-purchases',
    description: 'GET /purchases: a page of the purchases list',
  }).useTable(table, 'read');
  routes.add(HttpMethod.GET, '/purchases', 'ListPurchasesIntegration', listPurchases);
  const createPurchase = useCaseFunction(
    wiring,
    'CreatePurchase',
    'create-purchase',
    'POST /purchases',
  ).startExecutionsThrough(stateMachine.aliasArn);
  routes.add(HttpMethod.POST, '/purchases', 'CreatePurchaseIntegration', createPurchase);
  const getPurchase = useCaseFunction(wiring, 'GetPurchase', 'get-purchase', 'GET /purchases/{id}', {
    tableAccess: 'read',
  }).readExecutionsOf(stateMachine.name, stateMachine.aliasArn);
  routes.add(HttpMethod.GET, '/purchases/{id}', 'GetPurchaseIntegration', getPurchase);

  // The new-proposal form's choices (budget lines left, catalogue, benchmark) and the chosen
  // NGO's track record: both only read.
  const proposalOptions = new ServiceFunction(stack, 'ProposalOptions', {
    name: 'proposal-options',
    description: 'GET /proposal-options: what the proposal form offers for a budget year',
  })
    .useTable(table, 'read')
    .usePolicySettings(wiring.settings.policy);
  routes.add(HttpMethod.GET, '/proposal-options', 'ProposalOptionsIntegration', proposalOptions);
  const ngoTrackRecord = new ServiceFunction(stack, 'NgoTrackRecord', {
    name: 'ngo-track-record',
    description: "GET /ngos/{creditCode}: an NGO's evaluations and whether it is barred",
  }).useTable(table, 'read');
  routes.add(HttpMethod.GET, '/ngos/{creditCode}', 'NgoTrackRecordIntegration', ngoTrackRecord);

  // "My tasks": the signed-in person's pending tasks, each with its page's signed link.
  const myTasks = new ServiceFunction(stack, 'MyTasks', {
    name: 'my-tasks',
    description: 'GET /my/tasks: what waits on the signed-in person',
  })
    .useTable(table, 'read')
    .useTaskLinkKeys(taskLinkKeys)
    .linksOn(publicBaseUrl);
  routes.add(HttpMethod.GET, '/my/tasks', 'MyTasksIntegration', myTasks);
  // The account page's out-of-office: an approver names a delegate for a period (the roster is
  // read to find them), ends it early; the delegate is told by mail.
  const delegations = mails(
    wiring,
    useCaseFunction(wiring, 'Delegations', 'delegations', 'GET, POST /my/delegations: approvers away'),
  );
  routes.add(HttpMethod.GET, '/my/delegations', 'DelegationsIntegration', delegations);
  routes.add(HttpMethod.POST, '/my/delegations', 'NameDelegationIntegration', delegations);
  routes.add(HttpMethod.POST, '/my/delegations/{id}/end', 'EndDelegationIntegration', delegations);

  // The purchase page's "send the link again": the same reissue as the operators' ResendTaskLink.
  const resendLinkOnRequest = mails(
    wiring,
    new ServiceFunction(stack, 'ResendLinkOnRequest', {
      name: 'resend-link-on-request',
      description: 'POST /purchases/{id}/resend-link: mails a pending task its new link',
    })
      .useTable(table)
      .useTaskLinkKeys(taskLinkKeys),
  ).linksOn(publicBaseUrl);
  routes.add(
    HttpMethod.POST,
    '/purchases/{id}/resend-link',
    'ResendLinkOnRequestIntegration',
    resendLinkOnRequest,
  );
  // The purchase page's document downloads: links pinned to the version on record; read only.
  const documentDownload = new ServiceFunction(stack, 'DocumentDownload', {
    name: 'document-download',
    description: 'GET /purchases/{id}/documents/{uploadId}: a link to one upload, pinned to its version',
  })
    .useTable(table, 'read')
    .useDocuments(wiring.documents, 'uploads/', ['read']);
  routes.add(
    HttpMethod.GET,
    '/purchases/{id}/documents/{uploadId}',
    'DocumentDownloadIntegration',
    documentDownload,
  );

  // The purchase page's "withdraw": recorded on the purchase, the approval step handed WITHDRAWN.
  const withdrawProposal = new ServiceFunction(stack, 'WithdrawProposal', {
    name: 'withdraw-proposal',
    description: 'POST /purchases/{id}/withdraw: withdraws a proposal under approval',
  })
    .useTable(table)
    .completeTasksOf(stateMachine.arn);
  routes.add(HttpMethod.POST, '/purchases/{id}/withdraw', 'WithdrawProposalIntegration', withdrawProposal);
  // The purchase page's "revise and resubmit": the corrected proposal, its reservation moved on its
  // line, and the waiting revision step handed the answer so the same level is asked again.
  const reviseProposal = new ServiceFunction(stack, 'ReviseProposal', {
    name: 'revise-proposal',
    description: 'PUT /purchases/{id}/proposal: resubmits a proposal returned for revision',
  })
    .useTable(table)
    .usePolicySettings(wiring.settings.policy)
    .completeTasksOf(stateMachine.arn);
  routes.add(HttpMethod.PUT, '/purchases/{id}/proposal', 'ReviseProposalIntegration', reviseProposal);
  // The purchase page's "amend the contract": recorded on the purchase, its approval started in an
  // execution of its own through the alias (the amendment is applied by the workflow, not here).
  const requestAmendment = useCaseFunction(
    wiring,
    'RequestAmendment',
    'request-amendment',
    'POST /purchases/{id}/amendments: asks to amend a signed contract',
  ).startExecutionsThrough(stateMachine.aliasArn);
  routes.add(HttpMethod.POST, '/purchases/{id}/amendments', 'RequestAmendmentIntegration', requestAmendment);
}

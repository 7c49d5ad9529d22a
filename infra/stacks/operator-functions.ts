import { Duration } from 'aws-cdk-lib';
import { ServiceFunction } from '../constructs/service-function.js';
import { mails, type StackWiring } from './stack-wiring.js';

/**
 * What operators invoke directly (`npm run ops`), never through the API: so the link keys stay in
 * the account and these functions. The stack's outputs name them.
 */
export function operatorFunctions(wiring: StackWiring): {
  resumeOpenPurchases: ServiceFunction;
  resendTaskLink: ServiceFunction;
  rotateLinkKeys: ServiceFunction;
} {
  const { stack, table, stateMachine } = wiring;
  // After an outage or a redeploy: restarts the executions of unfinished purchases.
  const resumeOpenPurchases = new ServiceFunction(stack, 'ResumeOpenPurchases', {
    name: 'resume-open-purchases',
    description: 'Starts an execution at its stage boundary for every purchase that is not finished',
    timeout: Duration.minutes(5),
  })
    .useTable(table)
    .startExecutionsThrough(stateMachine.aliasArn)
    .readExecutionsOf(stateMachine.name, stateMachine.aliasArn);
  // `npm run ops -- resend`.
  const resendTaskLink = mails(
    wiring,
    new ServiceFunction(stack, 'ResendTaskLink', {
      name: 'resend-task-link',
      description: 'Mails a new link for a pending task',
    })
      .useTable(table)
      .useTaskLinkKeys(wiring.taskLinkKeys),
  ).linksOn(wiring.publicBaseUrl);
  // `npm run ops -- rotate-link-key <task|ngo>` (and `retire-link-keys`).
  const rotateLinkKeys = new ServiceFunction(stack, 'RotateLinkKeys', {
    name: 'rotate-link-keys',
    description: 'Rotates, or retires the old, keys of task or NGO page links',
  }).rotatesLinkKeys(wiring.taskLinkKeys, wiring.ngoLinkKeys);
  return { resumeOpenPurchases, resendTaskLink, rotateLinkKeys };
}

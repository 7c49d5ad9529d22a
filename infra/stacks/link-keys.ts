import type { Stack } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { acknowledge } from '../nag.js';

/**
 * One key per kind of link, each granted only to the functions that sign or check that kind: the
 * internet-facing NGO page can sign no task link. Each secret starts as one generated key (k0)
 * and becomes a keyring when rotated (shared/links/link-keyring.ts). Created in the stack's own
 * scope, so the secrets keep the stack's logical ids.
 */
export function linkKeySecrets(stack: Stack): { taskLinkKeys: Secret; ngoLinkKeys: Secret } {
  const taskLinkKeys = new Secret(stack, 'TaskLinkSigningKeys', {
    description: 'HMAC keys of the task links in e-mails (the decision links)',
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
  });
  // The key that signed every link before each kind had its own, kept under its logical id (and
  // its generator unchanged, so CloudFormation keeps its value): the NGO page links mailed before
  // still open until they expire. Task links moved to the new key above.
  const ngoLinkKeys = new Secret(stack, 'LinkSigningKey', {
    description: 'HMAC keys of the NGO page links in e-mails',
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
  });
  for (const keys of [taskLinkKeys, ngoLinkKeys])
    acknowledge(
      keys,
      'SMG4',
      'Links name the key that signed them, so a rotation keeps outstanding links working; an operator rotates them (RotateLinkKeys, npm run ops -- rotate-link-key) and retires old keys once their links have lapsed, which a schedule cannot judge.',
    );
  return { taskLinkKeys, ngoLinkKeys };
}

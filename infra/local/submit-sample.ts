/**
 * `npm run sample [large|small]`: submits a sample proposal to the running `npm start`
 * (reading its endpoints.json), as an officer with a development token, and says where to
 * click next: the approval e-mail in the mailbox.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandLineOrExit, refuseArgument } from '../command-line.js';
import { repoRoot } from '../paths.js';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from './samples/live-proposals.js';
import { UsersClient } from './users.js';

const USAGE = `usage: npm run sample -- [large|small]

  large   a ¥480,000 elderly-care proposal: three approval levels (the default)
  small   a ¥120,000 minor-protection proposal: the section chief alone`;

async function main(): Promise<void> {
  const { positionals } = commandLineOrExit({ usage: USAGE, options: {}, maxPositionals: 1 });
  const which = positionals[0] ?? 'large';
  if (which !== 'large' && which !== 'small')
    refuseArgument(`the sample is large or small, not ${which}`, USAGE);
  const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? resolve(repoRoot, '.local'));
  let urls: { api: string; mailbox: string };
  try {
    urls = JSON.parse(readFileSync(resolve(dataDir, 'endpoints.json'), 'utf8')) as typeof urls;
  } catch {
    throw new Error(`no ${dataDir}/endpoints.json: start the app first with npm start`);
  }
  const users = new UsersClient(urls);
  const token = await users.devToken('officer-sample', ['officer'], 'officer@civil-affairs.example.gov.cn');
  const proposal = which === 'large' ? largeElderlyCareProposalToday() : smallMinorProtectionProposalToday();
  const { status, body } = await users.submit(token, proposal);
  if (status !== 201) throw new Error(`POST /purchases answered ${status}: ${JSON.stringify(body)}`);
  console.log(
    [
      `Submitted ${body.purchaseId} (${proposal.title}).`,
      `Open the mailbox at ${urls.mailbox}, open the approval e-mail and click its link.`,
      `Follow the purchase: curl -s -H "Authorization: Bearer $(curl -s '${urls.api}/dev/token?roles=officer' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')" ${urls.api}/purchases/${body.purchaseId}`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

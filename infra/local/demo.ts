/**
 * `npm run demo`: synthesizes the app, runs it on the local runtime and plays two purchases
 * as their users would, over HTTP only: an officer submits, each approver opens the link in
 * their e-mail (GET the page), and approves or rejects with the page's form (POST).
 * Prints each purchase's timeline from its audit trail.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ApprovalLevel } from '../../shared/config/settings.js';
import {
  largeElderlyCareProposal,
  smallMinorProtectionProposal,
} from '../../shared/domain/sample-proposals.js';
import { repoRoot } from '../paths.js';
import { loadSettings } from '../settings.js';
import { synthesizeApp } from '../synth.js';
import { startLocalRuntime } from './runtime.js';
import { type PurchaseView, UsersClient } from './users.js';

function timeline(view: PurchaseView): string {
  const rows = view.audit.map((e) => {
    const detail = Object.entries(e.detail)
      .filter(([k]) => !['taskCreated'].includes(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `  ${String(e.seq).padStart(2)}  ${e.at.slice(11, 23)}  ${e.action.padEnd(20)} ${e.actor}  ${detail}`;
  });
  const chain = view.auditChain.valid
    ? `audit chain verified (${view.audit.length} entries)`
    : 'AUDIT CHAIN BROKEN';
  return [
    ...rows,
    `  => ${view.stage}: ${view.outcome?.result ?? ''} ${view.outcome?.reason ?? ''}`,
    `  ${chain}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const settings = loadSettings('config/settings.json');
  console.log('Synthesizing the app…');
  const assemblyDir = synthesizeApp();
  const dataDir = join(repoRoot, '.local', 'demo');
  rmSync(dataDir, { recursive: true, force: true });
  const runtime = await startLocalRuntime({
    assemblyDir,
    dataDir,
    clock: { msPerSecond: 1000 },
    log: process.env.DEMO_LOG ? (line: string) => console.log(line) : () => {},
  });
  try {
    const users = new UsersClient(runtime.urls);
    const officer = await users.devToken(
      'officer-wang',
      ['staff'],
      'wang.officer@civil-affairs.example.gov.cn',
    );
    const approvers = settings.policy.approval.approvers;
    const seen = new Set<string>();

    const act = async (
      purchaseId: string,
      level: ApprovalLevel,
      decision: 'APPROVE' | 'REJECT',
      comment: string,
    ) => {
      const to = approvers[level].email;
      const mail = await users.waitForMail(to, (m) => (m.body.text ?? '').includes(purchaseId), seen);
      const link = UsersClient.linkIn(mail);
      const page = await users.open(link);
      const result = await users.decide(link, { nonce: page.nonce, decision, comment });
      console.log(
        `  ${level.padEnd(16)} ${to} opened "${mail.subject}" (HTTP ${page.status}), ${decision} -> HTTP ${result.status}`,
      );
    };

    console.log('\n1. A ¥480,000 elderly-care purchase: above the threshold, so three approvers.');
    const first = await users.submit(officer, largeElderlyCareProposal());
    const firstId = String(first.body.purchaseId);
    console.log(`  POST /purchases -> HTTP ${first.status} ${firstId}`);
    await act(firstId, 'SECTION_CHIEF', 'APPROVE', '服务内容清晰，同意。Clear scope, approved.');
    await act(firstId, 'FINANCE_SECTION', 'APPROVE', '预算科目核实无误。Budget line checked.');
    await act(firstId, 'BUREAU_DIRECTOR', 'APPROVE', '同意立项。Approved.');
    const approved = await users.waitForStage(officer, firstId, ['CONTRACTING', 'REJECTED']);
    console.log(`\nTimeline of ${firstId} (${approved.totalYuan}):\n${timeline(approved)}`);
    console.log(`  RESULT: ${approved.outcome?.result}`);

    console.log('\n2. A ¥120,000 minor-protection purchase: the section chief rejects it.');
    const second = await users.submit(officer, smallMinorProtectionProposal());
    const secondId = String(second.body.purchaseId);
    console.log(`  POST /purchases -> HTTP ${second.status} ${secondId}`);
    await act(
      secondId,
      'SECTION_CHIEF',
      'REJECT',
      '督导人员配置不足，请补充后重新申报。Supervision staffing is insufficient; resubmit.',
    );
    const rejected = await users.waitForStage(officer, secondId, ['REJECTED', 'CONTRACTING']);
    console.log(`\nTimeline of ${secondId} (${rejected.totalYuan}):\n${timeline(rejected)}`);
    console.log(`  RESULT: ${rejected.outcome?.result}`);
    console.log(`\nThe mails are still in the mailbox at ${runtime.urls.mailbox} until the demo exits.`);
  } finally {
    await runtime.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

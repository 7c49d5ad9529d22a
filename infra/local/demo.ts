/**
 * `npm run demo`: synthesizes the app, runs it on the local runtime and plays two purchases
 * as their users would, over HTTP only: an officer submits, each approver opens the link in
 * their e-mail (GET the page), and approves, returns for revision or rejects with the page's form
 * (POST); the first purchase is revised once, amended once after signature, and runs to its end.
 * Prints each purchase's timeline from its audit trail.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatYuan } from '../../shared/domain/money.js';
import type { ApprovalLevel } from '../../shared/domain/policy-settings.js';
import { commandLineOrExit, refuseArgument } from '../command-line.js';
import { repoRoot } from '../paths.js';
import { DEFAULT_SETTINGS_FILE, loadSettings } from '../settings.js';
import { synthesizeApp } from '../synth.js';
import { startLocalRuntime } from './runtime.js';
import { sampleExecutable, samplePdf } from './samples/files.js';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from './samples/live-proposals.js';
import { ACTING_FINANCE_CLERK, type PurchaseView, reviewedUploadsOn, sleep, UsersClient } from './users.js';

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

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(200);
  }
  return undefined;
}

const USAGE = `usage: npm run demo -- [--terminate | --rectify] [--fail-evaluation]

  --terminate         the section chief terminates the purchase at the mid-term review
  --rectify           the section chief asks for rectification once, then passes the report
  --fail-evaluation   the evaluation agency scores below the pass mark (the final tranche is withheld)`;

/** How the first purchase's later stages go, from the command line. */
function demoVariant(): { midterm: 'pass' | 'terminate' | 'rectify'; failEvaluation: boolean } {
  const { values } = commandLineOrExit({
    usage: USAGE,
    options: {
      terminate: { type: 'boolean' },
      rectify: { type: 'boolean' },
      'fail-evaluation': { type: 'boolean' },
    },
    maxPositionals: 0,
  });
  if (values.terminate && values.rectify)
    refuseArgument('--terminate and --rectify exclude each other', USAGE);
  if (values.terminate && values['fail-evaluation'])
    refuseArgument('--fail-evaluation needs an evaluation, which --terminate never reaches', USAGE);
  return {
    midterm: values.terminate ? 'terminate' : values.rectify ? 'rectify' : 'pass',
    failEvaluation: values['fail-evaluation'] ?? false,
  };
}

async function main(): Promise<void> {
  const chosen = demoVariant();
  const settings = loadSettings(DEFAULT_SETTINGS_FILE);
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
      ['officer'],
      'wang.officer@civil-affairs.example.gov.cn',
    );
    const approvers = settings.policy.approval.approvers;
    const seen = new Set<string>();

    const act = async (purchaseId: string, level: ApprovalLevel, decision: string, comment: string) => {
      const to = approvers[level].email;
      const mail = await users.waitForMail(to, (m) => (m.body.text ?? '').includes(purchaseId), seen);
      // The finance section's page asks who acts; approving takes a second, deliberate step.
      const { page, answer } = await users.decideAsPerson(UsersClient.linkIn(mail), { decision, comment });
      console.log(
        `  ${level.padEnd(16)} ${to} opened "${mail.subject}" (HTTP ${page.status}), ${decision} -> HTTP ${answer.status}`,
      );
    };

    console.log(
      '\n1. A ¥480,000 elderly-care purchase: above the threshold, so three approvers; the finance section returns it for revision once.',
    );
    const firstProposal = largeElderlyCareProposalToday();
    const first = await users.submit(officer, firstProposal);
    const firstId = String(first.body.purchaseId);
    console.log(`  POST /purchases -> HTTP ${first.status} ${firstId}`);
    await act(firstId, 'SECTION_CHIEF', 'APPROVE', '服务内容清晰，同意。Clear scope, approved.');
    await act(
      firstId,
      'FINANCE_SECTION',
      'RETURN',
      '请在项目名称中注明服务对象。Name who is served in the title.',
    );
    // The officer is mailed what to correct, corrects the proposal and resubmits it: the same level is asked again.
    const returned = await users.waitForMail(
      'wang.officer@civil-affairs.example.gov.cn',
      (m) => (m.body.text ?? '').includes(firstId),
      seen,
    );
    const revised = await users.reviseProposal(officer, firstId, {
      ...firstProposal,
      title: `${firstProposal.title}（高龄独居老人）`,
      note: '已在名称中注明服务对象。Who is served is named in the title.',
    });
    console.log(
      `  officer got "${returned.subject}", PUT /purchases/${firstId}/proposal -> HTTP ${revised.status}`,
    );
    await act(firstId, 'FINANCE_SECTION', 'APPROVE', '预算科目核实无误。Budget line checked.');
    await act(firstId, 'BUREAU_DIRECTOR', 'APPROVE', '同意立项。Approved.');
    const approved = await users.waitForStage(officer, firstId, ['CONTRACTING', 'REJECTED']);
    console.log(`  RESULT: ${approved.outcome?.result}`);

    console.log(
      '\n   Contracting: the NGO uploads the signed contract from its page, the section chief countersigns.',
    );
    const ngo = largeElderlyCareProposalToday().ngo;
    const invitation = await users.waitForMail(ngo.contactEmail, UsersClient.asksNgoToUpload(firstId), seen);
    const ngoPage = UsersClient.ngoLinkIn(invitation);
    const pageView = await users.open(ngoPage);
    console.log(
      `  NGO ${ngo.contactEmail} opened "${invitation.subject}" -> its page (HTTP ${pageView.status})`,
    );
    const renamed = await users.ngoUpload(ngoPage, {
      kind: 'SIGNED_CONTRACT',
      name: 'signed-contract.pdf',
      type: 'application/pdf',
      bytes: sampleExecutable(),
    });
    console.log(
      `  NGO posts a .exe renamed signed-contract.pdf -> presign ${renamed.presignStatus}, S3 ${renamed.uploadStatus} (its bytes are checked when it lands)`,
    );
    const signed = await users.ngoUpload(ngoPage, {
      kind: 'SIGNED_CONTRACT',
      name: '服务合同-已盖章.pdf',
      type: 'application/pdf',
      bytes: samplePdf(`Signed service contract ${firstId}`),
    });
    console.log(`  NGO posts the signed PDF -> presign ${signed.presignStatus}, S3 ${signed.uploadStatus}`);
    await act(firstId, 'SECTION_CHIEF', 'COUNTERSIGN', '合同已会签。Countersigned.');

    console.log('\n   Payment step: finance is notified of tranche 1 and confirms the transfer.');
    const finance = settings.lifecycle.payments.financeSubscribers[0] as string;
    const notice = await users.waitForMail(
      finance,
      (m) => (m.body.text ?? '').includes(firstId) && m.subject.startsWith('Payment due'),
      seen,
    );
    const confirmLink = UsersClient.linkIn(notice);
    const confirmPage = await users.open(confirmLink);
    const confirmed = await users.decide(confirmLink, {
      nonce: confirmPage.nonce,
      decision: 'CONFIRM',
      actingEmail: ACTING_FINANCE_CLERK,
      reference: 'BOC-20261127-000123',
    });
    console.log(`  ${finance} got "${notice.subject}", confirmed the transfer -> HTTP ${confirmed.status}`);
    await users.waitForStage(officer, firstId, ['MIDTERM_REVIEW', 'TERMINATED']);

    console.log(
      '\n   Amendment: ¥20,000 more for home visits, with a rationale; the tranches not yet paid take it, and the levels the new value needs approve it.',
    );
    const visits = 1;
    const asked = await users.requestAmendment(officer, firstId, {
      rationale:
        '辖区新增高龄独居老人 40 名，上门服务经费增加 2 万元。40 more elderly people living alone: ¥20,000 more for home visits.',
      totalFen: firstProposal.totalFen + 2_000_000,
      budgetLines: firstProposal.budgetLines.map((line, i) =>
        i === visits ? { ...line, amountFen: line.amountFen + 2_000_000 } : line,
      ),
      // The first tranche was paid as it was; the other two take the ¥20,000.
      tranches: [
        { milestone: 'CONTRACT_SIGNED', amountFen: 14_400_000 },
        { milestone: 'MIDTERM_PASSED', amountFen: 20_200_000 },
        { milestone: 'EVALUATION_PASSED', amountFen: 15_400_000 },
      ],
    });
    const amendment = asked.body.amendment as { id: string; levels: ApprovalLevel[] } | undefined;
    const refusals = (asked.body.errors as { field: string; message: string }[] | undefined) ?? [];
    console.log(
      `  POST /purchases/${firstId}/amendments (¥480,000 -> ¥500,000) -> HTTP ${asked.status} ${amendment ? `${amendment.id}, to be approved by ${amendment.levels.join(', ')}` : refusals.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    );
    for (const level of amendment?.levels ?? [])
      await act(firstId, level, 'APPROVE', '同意增加服务经费。Approved.');
    if (!amendment)
      throw new Error(
        `the amendment was refused (HTTP ${asked.status}): the demo's request no longer fits the rules`,
      );
    const amended = await waitFor(async () => {
      const view = await users.purchase(officer, firstId);
      return view.amendments?.some((a) => a.status !== 'PROPOSED') ? view : undefined;
    });
    console.log(
      `  amendment ${amendment.id}: ${amended?.amendments?.at(-1)?.status ?? 'not decided in time'}, the value now ${amended?.totalYuan ?? '?'}`,
    );

    const variant = chosen.midterm;
    console.log(
      `\n   Mid-term review (${variant}): the NGO uploads its report, the section chief reviews it.`,
    );
    const uploadReport = async (round: number) => {
      const ask = await users.waitForMail(ngo.contactEmail, UsersClient.asksNgoToUpload(firstId), seen);
      const posted = await users.ngoUpload(UsersClient.ngoLinkIn(ask), {
        kind: 'MIDTERM_REPORT',
        name: `中期报告-第${round}版.pdf`,
        type: 'application/pdf',
        bytes: samplePdf(`Mid-term report ${firstId} round ${round}`),
      });
      console.log(`  NGO got "${ask.subject}", posted its report -> S3 ${posted.uploadStatus}`);
    };
    await uploadReport(1);
    if (variant === 'rectify') {
      await act(
        firstId,
        'SECTION_CHIEF',
        'RECTIFY',
        '请补充服务对象满意度调查。Add the client satisfaction survey.',
      );
      await uploadReport(2);
    }
    if (variant === 'terminate') {
      await act(
        firstId,
        'SECTION_CHIEF',
        'TERMINATE',
        '服务严重不达标，终止合同。Service far below the agreed standard.',
      );
    } else {
      await act(firstId, 'SECTION_CHIEF', 'PASS', '中期评审通过。Mid-term review passed.');
      const second = await users.waitForMail(
        finance,
        (m) => (m.body.text ?? '').includes(firstId) && m.subject.startsWith('Payment due'),
        seen,
      );
      const link = UsersClient.linkIn(second);
      const page = await users.open(link);
      const done = await users.decide(link, {
        nonce: page.nonce,
        decision: 'CONFIRM',
        actingEmail: ACTING_FINANCE_CLERK,
        reference: 'BOC-20261127-000456',
      });
      console.log(`  ${finance} got "${second.subject}", confirmed the transfer -> HTTP ${done.status}`);
    }
    if (variant !== 'terminate') {
      await users.waitForStage(officer, firstId, ['EVALUATION']);
      const failing = chosen.failEvaluation;
      console.log(
        `\n   Third-party evaluation${failing ? ' (failed)' : ''}: the NGO uploads its final report, an independent agency declares and scores.`,
      );
      const askFinal = await users.waitForMail(ngo.contactEmail, UsersClient.asksNgoToUpload(firstId), seen);
      const final = await users.ngoUpload(UsersClient.ngoLinkIn(askFinal), {
        kind: 'FINAL_REPORT',
        name: '终期报告.pdf',
        type: 'application/pdf',
        bytes: samplePdf(`Final report ${firstId}`),
      });
      console.log(`  NGO got "${askFinal.subject}", posted its final report -> S3 ${final.uploadStatus}`);
      const agencies = settings.lifecycle.evaluation.agencies.map((a) => a.email);
      const invitation = await users.waitForMail(
        '',
        (m) => m.destination.to.some((to) => agencies.includes(to)) && (m.body.text ?? '').includes(firstId),
        seen,
      );
      const evaluationLink = UsersClient.linkIn(invitation);
      const declarationPage = await users.open(evaluationLink);
      const declared = await users.decide(evaluationLink, {
        nonce: declarationPage.nonce,
        fields: { declare: '1' },
      });
      const scores = failing
        ? { PROFESSIONAL_SERVICE: '55', OUTCOMES: '52', MANAGEMENT: '60' }
        : { PROFESSIONAL_SERVICE: '88', OUTCOMES: '84.5', MANAGEMENT: '90' };
      const scored = await users.decide(evaluationLink, {
        nonce: declarationPage.nonce,
        reviewed: reviewedUploadsOn(declared.html),
        decision: 'SUBMIT',
        comment: failing
          ? '服务成效明显不足。Outcomes fall well short.'
          : '服务规范，成效良好。Sound service, good outcomes.',
        fields: Object.fromEntries(Object.entries(scores).map(([k, v]) => [`score_${k}`, v])),
      });
      console.log(
        `  ${invitation.destination.to[0]} got "${invitation.subject}", declared independence (HTTP ${declared.status}), scored ${JSON.stringify(scores)} (HTTP ${scored.status})`,
      );
      if (!failing) {
        const last = await users.waitForMail(
          finance,
          (m) => (m.body.text ?? '').includes(firstId) && m.subject.startsWith('Payment due'),
          seen,
        );
        const link = UsersClient.linkIn(last);
        const page = await users.open(link);
        const done = await users.decide(link, {
          nonce: page.nonce,
          decision: 'CONFIRM',
          actingEmail: ACTING_FINANCE_CLERK,
          reference: 'BOC-20261127-000789',
        });
        console.log(`  ${finance} got "${last.subject}", confirmed the transfer -> HTTP ${done.status}`);
      }
    }
    const ended = await users.waitForStage(officer, firstId, ['CLOSED', 'TERMINATED']);
    const settled =
      (await waitFor(async () => {
        const view = await users.purchase(officer, firstId);
        const open = (view.payments ?? []).some((p) => p.status === 'NOTIFIED');
        return open ? undefined : view;
      })) ?? ended;
    console.log(`\nTimeline of ${firstId} (${settled.totalYuan}):\n${timeline(settled)}`);
    for (const d of settled.deliverables ?? []) {
      const why = d.reasons.map((r) => r.message.en).join('; ');
      console.log(`  upload ${d.kind} ${d.fileName}: ${d.status}${why ? ` (${why})` : ''}`);
    }
    for (const p of settled.payments ?? []) {
      console.log(
        `  payment step: tranche ${p.tranche} ${p.milestone} ${formatYuan(p.amountFen)}${p.dueDate ? ` due ${p.dueDate}` : ''}: ${p.status}${p.reference ? ` (${p.reference})` : ''}`,
      );
    }
    console.log(`  RESULT: ${settled.stage}`);

    console.log('\n2. A ¥120,000 minor-protection purchase: the section chief rejects it.');
    const second = await users.submit(officer, smallMinorProtectionProposalToday());
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

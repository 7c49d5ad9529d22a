import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposalToday } from '../../../infra/local/samples/live-proposals.js';
import { repoRoot } from '../../../infra/paths.js';
import { runOps } from '../../../scripts/ops/run-ops.js';
import { type LocalAppUnderTest, startLocalApp } from '../../support/local-app.js';

/**
 * `npm run ops` against the local runtime, as an operator runs it next to `npm start`: it finds
 * the runtime through its data folder's endpoints.json and reads the same records and executions.
 */

let app: LocalAppUnderTest;
let purchaseId: string;

async function ops(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runOps([...argv, '--data', app.dataDir], (line) => lines.push(line));
  return { code, out: lines.join('\n') };
}

beforeAll(async () => {
  app = await startLocalApp();
  const officer = await app.users.devToken(
    'officer-ops',
    ['officer'],
    'ops.officer@civil-affairs.example.gov.cn',
  );
  const submitted = await app.users.submit(officer, smallMinorProtectionProposalToday());
  expect(submitted.status).toBe(201);
  purchaseId = String(submitted.body.purchaseId);
  // The section chief has been asked: the purchase waits on a person.
  await app.users.waitForPurchase(officer, purchaseId, (view) => view.pendingTasks.length > 0, {
    expected: 'the section chief asked',
  });
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

describe('npm run ops against the local runtime', () => {
  it('lists the purchase as open in approval, and shows who it waits for', async () => {
    const listed = await ops('list', '--stage', 'APPROVAL', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toEqual([
      expect.objectContaining({ purchaseId, stage: 'APPROVAL', pendingTasks: 1, overdue: [] }),
    ]);

    const shown = await ops('show', purchaseId);
    console.log(`npm run ops -- show ${purchaseId}\n${shown.out}`);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`${purchaseId}  APPROVAL`);
    expect(shown.out).toMatch(
      /APPROVAL SECTION_CHIEF \(FIRST\) {2}.+ <[^>]+@civil-affairs\.example\.gov\.cn> {2}since /,
    );
    expect(shown.out).toMatch(new RegExp(`${purchaseId} {2}RUNNING {2}\\d{4}-`));
    expect(shown.out).toContain('audit chain: verified');
  });

  it('verifies the audit chain, exports the purchase, and will not resume one whose execution runs', async () => {
    expect((await ops('verify', purchaseId)).code).toBe(0);
    const exported = await ops('export', purchaseId);
    expect(JSON.parse(exported.out)).toMatchObject({ purchaseId, stage: 'APPROVAL' });
    expect(exported.out).not.toMatch(/taskToken|"nonce"/);
    const resumed = await ops('resume', purchaseId);
    expect(resumed).toEqual({
      code: 1,
      out: `an execution of ${purchaseId} is running (stage APPROVAL): nothing to resume`,
    });
  });

  it('resends a lost task link: the assignee gets a new one by mail and the old one stops working', async () => {
    const [pending] = (
      JSON.parse((await ops('show', purchaseId, '--json')).out) as {
        pendingTasks: { taskId: string; assignee: string }[];
      }
    ).pendingTasks;
    const oldTaskId = pending?.taskId ?? '';
    const chief = /<([^>]+)>/.exec(pending?.assignee ?? '')?.[1] ?? '';
    const linkTo = (taskId: string) => async () =>
      (await app.users.mails())
        .filter((m) => m.destination.to.includes(chief))
        .flatMap((m) => (m.body.text ?? '').match(/https?:\/\/\S+\/tasks\/\S+/g) ?? [])
        .find((link) => link.includes(`/tasks/${taskId}?`));
    const oldLink = await linkTo(oldTaskId)();
    expect(oldLink, 'the first mail').toBeDefined();

    const resent = await ops('resend', oldTaskId, '--by', 'operator:ops-test', '--json');
    expect(resent.code).toBe(0);
    const outcome = JSON.parse(resent.out) as { outcome: string; taskId: string; to: string };
    expect(outcome).toMatchObject({ outcome: 'RESENT', to: chief });
    let newLink: string | undefined;
    for (let i = 0; i < 50 && !newLink; i++) {
      newLink = await linkTo(outcome.taskId)();
      if (!newLink) await new Promise((r) => setTimeout(r, 100));
    }
    expect(newLink, 'the new mail').toBeDefined();
    expect((await app.users.open(newLink ?? '')).status).toBe(200);
    expect((await app.users.open(oldLink ?? '')).status).not.toBe(200);
    const shown = await ops('show', purchaseId);
    expect(shown.out).toContain(outcome.taskId);
    expect(shown.out).not.toContain(oldTaskId);
    // Twice is refused: the old task is no longer pending.
    expect(await ops('resend', oldTaskId)).toEqual({
      code: 1,
      out: `task ${oldTaskId} is SUPERSEDED: nothing to resend`,
    });
  });

  it('runs as `npm run ops -- --help`, and refuses a bad argument with exit code 2', async () => {
    const run = promisify(execFile);
    const help = await run('npm', ['run', '--silent', 'ops', '--', '--help'], { cwd: repoRoot });
    expect(help.stdout).toContain('usage: npm run ops -- <command>');
    const bad = await run('npm', ['run', '--silent', 'ops', '--', 'show', 'PUR-1'], { cwd: repoRoot }).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(bad).toMatchObject({ code: 2, stdout: expect.stringContaining('a purchase id looks like') });
  });
});

import { describe, expect, it } from 'vitest';
import { parseOpsArguments, UsageError } from '../../../scripts/ops/arguments.js';

const PURCHASE = 'PUR-2026-ABCDEFGHJKMNPQRS';

describe('npm run ops: arguments', () => {
  it('reads each command with its argument, against the local runtime unless --aws', () => {
    expect(parseOpsArguments(['show', PURCHASE])).toEqual({
      command: 'show',
      purchaseId: PURCHASE,
      target: { kind: 'local' },
      json: false,
    });
    expect(
      parseOpsArguments(['list', '--stage', 'EVALUATION', '--overdue', '--json', '--data', '/tmp/d']),
    ).toEqual({
      command: 'list',
      filter: { stage: 'EVALUATION', overdue: true },
      target: { kind: 'local', dataDir: '/tmp/d' },
      json: true,
    });
    expect(
      parseOpsArguments(['verify', PURCHASE, '--aws', '--profile', 'bureau', '--region', 'cn-north-1']),
    ).toEqual({
      command: 'verify',
      purchaseId: PURCHASE,
      target: {
        kind: 'aws',
        profile: 'bureau',
        region: 'cn-north-1',
        appStack: 'NgoPurchaseApp',
        recordsStack: 'NgoPurchaseRecords',
      },
      json: false,
    });
    expect(parseOpsArguments(['resend', 'n3dM8mTMo4aKoOqjIpnaQ6i3'], 'lin')).toMatchObject({
      command: 'resend',
      taskId: 'n3dM8mTMo4aKoOqjIpnaQ6i3',
      by: 'operator:lin',
    });
    expect(parseOpsArguments(['resend', 'n3dM8mTMo4aKoOqjIpnaQ6i3', '--by', 'lin@bureau'])).toMatchObject({
      by: 'lin@bureau',
    });
    expect(parseOpsArguments(['rotate-link-key', 'task'], 'lin')).toMatchObject({
      command: 'rotate-link-key',
      kind: 'task',
      by: 'operator:lin',
    });
    expect(parseOpsArguments(['retire-link-keys', 'ngo', '--by', 'lin@bureau', '--aws'])).toMatchObject({
      command: 'retire-link-keys',
      kind: 'ngo',
      by: 'lin@bureau',
      target: { kind: 'aws' },
    });
    expect(parseOpsArguments(['backfill-listing', '--aws'])).toMatchObject({
      command: 'backfill-listing',
      target: { kind: 'aws' },
    });
    expect(parseOpsArguments(['--help'])).toEqual({ command: 'help' });
    expect(parseOpsArguments(['resume', PURCHASE, '-h'])).toEqual({ command: 'help' });
  });

  it.for([
    [[], 'a command is missing'],
    [['restart'], 'unknown command: restart'],
    [['show'], 'show needs a purchase id'],
    [['show', 'PUR-1'], 'a purchase id looks like PUR-2026-ABCDEFGHJKMNPQRS; got PUR-1'],
    [['show', PURCHASE, 'extra'], 'unexpected argument: extra'],
    [['list', PURCHASE], `list takes no argument, got ${PURCHASE}`],
    [['list', '--stage', 'DONE'], '--stage must be one of'],
    [['show', PURCHASE, '--failed'], '--failed belongs to list, not show'],
    [['list', '--profile', 'x'], '--profile needs --aws'],
    [['list', '--aws', '--data', '/tmp'], '--data is for the local runtime, not --aws'],
    [['list', '--verbose'], "Unknown option '--verbose'"],
    [['resend', 'short'], 'a task id is 24 letters, digits, - or _; got short'],
    [['show', PURCHASE, '--by', 'x'], '--by belongs to resend, rotate-link-key, retire-link-keys, not show'],
    [['rotate-link-key'], "rotate-link-key needs which links' keys: task or ngo"],
    [['retire-link-keys', 'staff'], "retire-link-keys needs which links' keys: task or ngo"],
    [['rotate-link-key', 'task', '--by', ' '], '--by needs a name'],
    [['list', '--stage'], "Option '--stage <value>' argument missing"],
    [['backfill-listing', PURCHASE], `backfill-listing takes no argument, got ${PURCHASE}`],
  ] as [string[], string][])('refuses %j: %s', ([argv, message]) => {
    expect(() => parseOpsArguments(argv)).toThrow(UsageError);
    expect(() => parseOpsArguments(argv)).toThrow(message);
  });
});

import { userInfo } from 'node:os';
import { parseCommandLine } from '../../infra/command-line.js';
import { STAGES, type Stage } from '../../shared/domain/lifecycle.js';
import { LINK_KINDS, type LinkKind } from '../../shared/ports/link-key.js';

/** What `npm run ops` was asked, checked: one command, its one argument, and the options it takes. */
export type OpsRequest =
  | { command: 'help' }
  | {
      command: 'list';
      filter: { stage?: Stage; overdue?: boolean; failed?: boolean };
      target: Target;
      json: boolean;
    }
  | { command: 'show' | 'resume' | 'verify' | 'export'; purchaseId: string; target: Target; json: boolean }
  | { command: 'resend'; taskId: string; by: string; target: Target; json: boolean }
  | {
      command: 'rotate-link-key' | 'retire-link-keys';
      kind: LinkKind;
      by: string;
      target: Target;
      json: boolean;
    }
  | { command: 'backfill-listing'; target: Target; json: boolean };

/** Where the records are: the local runtime's data folder, or an AWS account's deployed stacks. */
export type Target =
  | { kind: 'local'; dataDir?: string }
  | { kind: 'aws'; profile?: string; region?: string; appStack: string; recordsStack: string };

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Operate the NGO service purchase workflow: against the local runtime (npm start), or AWS with --aws.

usage: npm run ops -- <command> [argument] [options]

commands
  list                   the open purchases, with what each waits for past its time
    --stage <stage>      only those at this stage (${STAGES.join(', ')})
    --overdue            only those waiting past their time (an expired task link, a report past its due day)
    --failed             only those with a workflow failure recorded
  show <purchase-id>     stage, waits, tasks and their assignees, executions, failures
  resume <purchase-id>   start an execution at the purchase's stage, unless one is running
  verify <purchase-id>   verify the purchase's audit chain (exit code 1 when it is broken)
  resend <task-id>       mail the assignee a new link for a pending task; the old link stops working
    --by <who>           who asks, for the audit trail (default: operator:<your user name>)
  rotate-link-key <task|ngo>
                         a new key signs the task links (or NGO page links) from now on; links
                         signed with the older keys still open (each link names its key)
  retire-link-keys <task|ngo>
                         drop every key but the current one: links they signed stop working (once
                         those links have expired or been answered)
  export <purchase-id>   everything recorded about the purchase, as JSON
  backfill-listing       once, after the deploy that adds the purchases list's index: list the
                         purchases written before it, with their assignees

options
  --json                 print JSON for scripts instead of text
  --data <dir>           the local runtime's data folder (default: .local, or LOCAL_DATA_DIR)
  --aws                  use AWS: credentials and region as the AWS SDK finds them, or:
    --profile <name>     an AWS profile
    --region <region>    an AWS region
    --app-stack <name>   the application stack (default NgoPurchaseApp)
    --records-stack <n>  the records stack (default NgoPurchaseRecords)
  -h, --help             this text

exit codes: 0 done, 1 not done (not found, nothing to resume, chain broken), 2 usage error, 3 cannot reach the service`;

const PURCHASE_ID = /^PUR-\d{4}-[A-Z0-9]{16}$/;
const TASK_ID = /^[A-Za-z0-9_-]{24}$/;

/** Parses `argv` strictly: an unknown option, a missing or extra argument is a UsageError naming it. */
export function parseOpsArguments(argv: readonly string[], user = userInfo().username): OpsRequest {
  // The scripts' strict parser: --help, unknown options, missing values and a third argument.
  const parsed = parseCommandLine(argv, { usage: USAGE, options: OPTIONS, maxPositionals: 2 });
  if (!parsed.ok) {
    if (parsed.exitCode === 0) return { command: 'help' };
    throw new UsageError(parsed.message ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  const [command, argument] = positionals;
  if (command === undefined) throw new UsageError('a command is missing');
  const target = targetOf(values);
  const json = values.json ?? false;
  const listOnly = (['stage', 'overdue', 'failed'] as const).filter((o) => values[o] !== undefined);
  if (command !== 'list' && listOnly.length > 0)
    throw new UsageError(`--${listOnly[0]} belongs to list, not ${command}`);
  const asking = ['resend', 'rotate-link-key', 'retire-link-keys'];
  if (!asking.includes(command) && values.by !== undefined)
    throw new UsageError(`--by belongs to ${asking.join(', ')}, not ${command}`);
  if (values.by !== undefined && values.by.trim() === '') throw new UsageError('--by needs a name');
  switch (command) {
    case 'list': {
      if (argument !== undefined) throw new UsageError(`list takes no argument, got ${argument}`);
      const stage = values.stage;
      if (stage !== undefined && !(STAGES as readonly string[]).includes(stage))
        throw new UsageError(`--stage must be one of ${STAGES.join(', ')}; got ${stage}`);
      return {
        command,
        filter: {
          ...(stage === undefined ? {} : { stage: stage as Stage }),
          ...(values.overdue ? { overdue: true } : {}),
          ...(values.failed ? { failed: true } : {}),
        },
        target,
        json,
      };
    }
    case 'show':
    case 'resume':
    case 'verify':
    case 'export':
      if (argument === undefined) throw new UsageError(`${command} needs a purchase id`);
      if (!PURCHASE_ID.test(argument))
        throw new UsageError(`a purchase id looks like PUR-2026-ABCDEFGHJKMNPQRS; got ${argument}`);
      return { command, purchaseId: argument, target, json };
    case 'backfill-listing':
      if (argument !== undefined) throw new UsageError(`backfill-listing takes no argument, got ${argument}`);
      return { command, target, json };
    case 'resend':
      if (argument === undefined) throw new UsageError('resend needs a task id');
      if (!TASK_ID.test(argument))
        throw new UsageError(`a task id is 24 letters, digits, - or _; got ${argument}`);
      return { command, taskId: argument, by: values.by ?? `operator:${user}`, target, json };
    case 'rotate-link-key':
    case 'retire-link-keys':
      if (!(LINK_KINDS as readonly string[]).includes(argument ?? ''))
        throw new UsageError(`${command} needs which links' keys: ${LINK_KINDS.join(' or ')}`);
      return { command, kind: argument as LinkKind, by: values.by ?? `operator:${user}`, target, json };
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

const OPTIONS = {
  json: { type: 'boolean' },
  data: { type: 'string' },
  aws: { type: 'boolean' },
  profile: { type: 'string' },
  region: { type: 'string' },
  'app-stack': { type: 'string' },
  'records-stack': { type: 'string' },
  stage: { type: 'string' },
  overdue: { type: 'boolean' },
  failed: { type: 'boolean' },
  by: { type: 'string' },
} as const;

type OpsValues = Extract<ReturnType<typeof parseCommandLine<typeof OPTIONS>>, { ok: true }>['values'];

function targetOf(values: OpsValues): Target {
  const awsOnly = (['profile', 'region', 'app-stack', 'records-stack'] as const).filter(
    (o) => values[o] !== undefined,
  );
  if (!values.aws) {
    if (awsOnly.length > 0) throw new UsageError(`--${awsOnly[0]} needs --aws`);
    return values.data === undefined ? { kind: 'local' } : { kind: 'local', dataDir: values.data };
  }
  if (values.data !== undefined) throw new UsageError('--data is for the local runtime, not --aws');
  return {
    kind: 'aws',
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values.region === undefined ? {} : { region: values.region }),
    appStack: values['app-stack'] ?? 'NgoPurchaseApp',
    recordsStack: values['records-stack'] ?? 'NgoPurchaseRecords',
  };
}

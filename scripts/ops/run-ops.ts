import { type Now, systemNow } from '../../shared/ports/clock.js';
import { type OpsRequest, parseOpsArguments, USAGE, UsageError } from './arguments.js';
import {
  backfillListingCommand,
  type CommandResult,
  exportCommand,
  linkKeysCommand,
  listCommand,
  resendCommand,
  resumeCommand,
  showCommand,
  verifyCommand,
} from './commands.js';
import { connect, type OpsConnection, UnreachableError } from './connection.js';

/** The operator's CLI (scripts/ops.ts) as a function of its arguments: what it prints and its exit code. */

export const EXIT = { done: 0, notDone: 1, usage: 2, unreachable: 3 } as const;

/** Runs one request and says what to print and the exit code; `print` takes the output lines. */
export async function runOps(
  argv: readonly string[],
  print: (line: string) => void,
  { connectTo = connect, now = systemNow }: { connectTo?: typeof connect; now?: Now } = {},
): Promise<number> {
  let request: OpsRequest;
  try {
    request = parseOpsArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    print(`ops: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (request.command === 'help') {
    print(USAGE);
    return EXIT.done;
  }
  let ops: OpsConnection | undefined;
  try {
    ops = await connectTo(request.target);
    const result = await run(request, ops, now);
    print(request.json ? JSON.stringify(result.data, null, 2) : result.text.join('\n'));
    return result.ok ? EXIT.done : EXIT.notDone;
  } catch (error) {
    if (error instanceof UnreachableError || isConnectionRefused(error)) {
      print(`ops: cannot reach ${ops?.where ?? 'the service'}: ${(error as Error).message}`);
      return EXIT.unreachable;
    }
    throw error;
  } finally {
    ops?.close();
  }
}

function run(
  request: Exclude<OpsRequest, { command: 'help' }>,
  ops: OpsConnection,
  now: Now,
): Promise<CommandResult> {
  switch (request.command) {
    case 'list':
      return listCommand(ops, request.filter, now);
    case 'show':
      return showCommand(ops, request.purchaseId);
    case 'resume':
      return resumeCommand(ops, request.purchaseId, now);
    case 'verify':
      return verifyCommand(ops, request.purchaseId);
    case 'export':
      return exportCommand(ops, request.purchaseId);
    case 'resend':
      return resendCommand(ops, request.taskId, request.by);
    case 'backfill-listing':
      return backfillListingCommand(ops);
    case 'rotate-link-key':
      return linkKeysCommand(ops, { kind: request.kind, action: 'rotate', by: request.by });
    case 'retire-link-keys':
      return linkKeysCommand(ops, { kind: request.kind, action: 'retire', by: request.by });
  }
}

/** The SDK's error when nothing listens at the endpoint (a local runtime that stopped). */
function isConnectionRefused(error: unknown): boolean {
  const code =
    (error as { code?: string; cause?: { code?: string } })?.code ??
    (error as { cause?: { code?: string } })?.cause?.code;
  return code === 'ECONNREFUSED';
}

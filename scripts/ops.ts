import { runOps } from './ops/run-ops.js';

/**
 * `npm run ops -- <command>`: the operator's CLI, against the local runtime by default and AWS
 * with --aws (`npm run ops -- --help`). Exit codes: 0 done, 1 not done, 2 usage error, 3 the
 * service unreachable.
 */

// Lambda runs a newer Node.js than this machine; the SDK's warning about Node 20 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.exitCode = await runOps(process.argv.slice(2), (line) => console.log(line));

/**
 * Prints a fingerprint of the synthesized purchase-lifecycle definition: the SHA-256 of its
 * canonical JSON (keys sorted at every level) and its number of states. Two builds whose
 * fingerprints match deploy the same state machine, however the construct code is arranged.
 * `npx tsx scripts/lifecycle-asl.ts [--print]` (`--print` writes the canonical ASL to stdout).
 */
import { createHash } from 'node:crypto';
import { lifecycleDefinition } from '../test/support/lifecycle-definition.js';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

const definition = lifecycleDefinition();
const text = JSON.stringify(canonical(definition), null, 2);
if (process.argv.includes('--print')) {
  process.stdout.write(`${text}\n`);
} else {
  const states = Object.keys(definition.States as Record<string, unknown>).length;
  const sha = createHash('sha256').update(text).digest('hex');
  console.log(`purchase lifecycle: ${states} states, canonical ASL sha256 ${sha}`);
}

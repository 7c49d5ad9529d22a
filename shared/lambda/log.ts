/**
 * Structured log lines (Lambda's JSON log format picks them up). Callers pass ids and
 * outcomes, never events, tokens, nonces or signatures.
 */
function line(level: 'INFO' | 'WARN' | 'ERROR', message: string, detail?: Record<string, unknown>): void {
  const out = JSON.stringify({ level, message, ...detail });
  if (level === 'ERROR') console.error(out);
  else console.log(out);
}

export const log = {
  info: (message: string, detail?: Record<string, unknown>) => line('INFO', message, detail),
  warn: (message: string, detail?: Record<string, unknown>) => line('WARN', message, detail),
  error: (message: string, detail?: Record<string, unknown>) => line('ERROR', message, detail),
};

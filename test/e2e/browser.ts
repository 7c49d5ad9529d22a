import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * Launches the machine's Debian Chromium for browser tests. Playwright never downloads a
 * browser here; a missing Chromium fails the suite with the command that installs it.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';

// The background-networking flags stop Chromium's own calls home, which this machine's
// closed network refuses (and which would otherwise slow the start).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
}

/** Throws ChromiumMissingError, naming the command that installs it, when Chromium is not there. */
export function requireChromium(): void {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(
      `Chromium is not installed at ${CHROMIUM_PATH}; browser tests need it: run \`apt-get install -y chromium\``,
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

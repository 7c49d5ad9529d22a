import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import sparticuzChromium from '@sparticuz/chromium';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Launches a headless Chromium for the browser tests with nothing installed by hand: Debian's
 * `/usr/bin/chromium` when the machine has it, otherwise the one shipped inside the npm package
 * `@sparticuz/chromium` (extracted once per version into `node_modules/.cache`). Either way the
 * browser gets a CJK font from npm (`@embedpdf/fonts-sc`, Noto Sans Hans) through fontconfig, so
 * screenshots show Chinese text rather than boxes; a page font would be refused by the pages' CSP.
 */

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const require = createRequire(import.meta.url);
const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'browser-tests');

// The background-networking flags stop Chromium's own calls home, which this machine's
// closed network refuses (and which would otherwise slow the start).
const QUIET_NETWORK_ARGS = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SYSTEM_CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', ...QUIET_NETWORK_ARGS];

/** The folder of an installed package (these packages' `exports` do not list their package.json). */
function packageDir(name: string): string {
  const entry = require.resolve(name);
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string })
    .version;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The npm Chromium's executable. The package extracts into `os.tmpdir()` and reuses whatever
 * `/tmp/chromium` holds, so files of another version would crash the launch: it extracts here
 * into a folder of its own version instead, staged and renamed so that two test files starting
 * at once never see half an extraction.
 */
async function npmChromiumPath(): Promise<string> {
  const target = join(CACHE_DIR, `sparticuz-chromium-${packageVersion('@sparticuz/chromium')}`);
  const executable = join(target, 'chromium');
  if (isExecutable(executable)) return executable;

  mkdirSync(CACHE_DIR, { recursive: true });
  const staging = mkdtempSync(join(CACHE_DIR, 'extracting-'));
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging; // the package reads os.tmpdir() while it extracts
  try {
    await sparticuzChromium.executablePath();
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  try {
    renameSync(staging, target);
  } catch (error) {
    // Another test file finished first: its copy is the same version.
    rmSync(staging, { recursive: true, force: true });
    if (!isExecutable(executable)) throw error;
  }
  return executable;
}

/** A fontconfig file that adds the npm CJK font to the machine's own configuration. */
function fontconfigFile(): string {
  const fontsDir = join(packageDir('@embedpdf/fonts-sc'), 'fonts');
  const file = join(CACHE_DIR, 'fonts.conf');
  mkdirSync(CACHE_DIR, { recursive: true });
  const conf = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${fontsDir}</dir>
  <cachedir>${join(CACHE_DIR, 'fontconfig-cache')}</cachedir>
</fontconfig>
`;
  if (!existsSync(file)) writeFileSync(file, conf);
  return file;
}

export async function launchChromium(): Promise<Browser> {
  const env = { ...process.env, FONTCONFIG_FILE: fontconfigFile() } as Record<string, string>;
  const system = isExecutable(SYSTEM_CHROMIUM);
  const browser = system
    ? await chromium.launch({ executablePath: SYSTEM_CHROMIUM, args: SYSTEM_CHROMIUM_ARGS, env })
    : await chromium.launch({
        executablePath: await npmChromiumPath(),
        args: [...sparticuzChromium.args, ...QUIET_NETWORK_ARGS],
        env,
      });
  const source = system
    ? `Debian's ${SYSTEM_CHROMIUM}`
    : `npm @sparticuz/chromium ${packageVersion('@sparticuz/chromium')}`;
  console.info(
    `browser tests: Chromium ${browser.version()} from ${source}, CJK font from npm @embedpdf/fonts-sc`,
  );
  return browser;
}

/** Accessibility violations (WCAG 2.1 A and AA rules of axe-core) on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

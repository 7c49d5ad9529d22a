import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../infra/build-app.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';

/**
 * The product's app, built in-process without bundling (fast; templates and nag checks are the
 * same), from config/settings.json unless other settings are given.
 */
export function buildAppForTest(settings?: DeploymentSettings) {
  return buildApp({
    outdir: mkdtempSync(join(tmpdir(), 'ngo-cdk-')),
    context: { 'aws:cdk:bundling-stacks': [] },
    ...(settings ? { settings } : {}),
  });
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../infra/build-app.js';

/** The product's app, built in-process without bundling (fast; templates and nag checks are the same). */
export function buildAppForTest() {
  return buildApp({
    outdir: mkdtempSync(join(tmpdir(), 'ngo-cdk-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
}

import { defineConfig } from 'vite';

/**
 * The staff console: a static single-page app. It reads where to sign in from `/config.json`,
 * written next to it by whoever serves it (the CDK deployment, or the local runtime), so one
 * build runs anywhere. No inline scripts or styles, so the pages' CSP can forbid both.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});

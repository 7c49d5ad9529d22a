import { join } from 'node:path';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import { type AssetCode, Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';

/** The bundles run on Node 20 or later: the oldest is the local runtime of this machine. */
const TARGET = 'node20';

/**
 * A function's code: `handler.ts` bundled by esbuild into ESM, the SDK included (so the bundle and
 * not the runtime decides the SDK version), minified, with source maps. Code splitting puts what a
 * handler imports dynamically (the Step Functions and S3 clients behind `loadedOnFirstCall`, the
 * SDK's rarely used credential providers) into chunks of their own, which a cold start does not
 * read: a page opened from a mail loads only the clients its GET uses. The asset's hash is that of
 * the output, so an unchanged bundle is an unchanged deployment.
 */
export function functionBundle(handlerFile: string): AssetCode {
  return Code.fromAsset(join(handlerFile, '..'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      local: new EsbuildBundling(handlerFile),
      // Required by the type; never used, because local bundling either succeeds or throws.
      image: DockerImage.fromRegistry('local-bundling-only'),
    },
  });
}

class EsbuildBundling implements ILocalBundling {
  constructor(private readonly handlerFile: string) {}

  tryBundle(outputDir: string): boolean {
    buildSync({
      entryPoints: { index: this.handlerFile },
      outdir: outputDir,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: TARGET,
      mainFields: ['module', 'main'],
      // Some of the SDK's dependencies are CommonJS and call require().
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      logLevel: 'error',
    });
    return true;
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLING } from '../../../infra/bundling.ts';
import { PROJECT_ROOT } from '../../../infra/converge-app.ts';
import { FUNCTION_NAMES } from '../../../infra/function-catalog.ts';
import { tempDir } from '../../support/temp-dir.ts';

/**
 * Each function's bundle, built as the CDK app builds it. The AWS SDK stays external, and esbuild
 * hoists a static import of an external package to the top of the one output file, where it loads
 * at cold start whether the function uses it or not. Only `import()` of the SDK may appear.
 */
function bundle(name: string): string {
  const outfile = join(tempDir(`converge-entry-${name}-`), 'index.mjs');
  buildSync({
    entryPoints: [join(PROJECT_ROOT, 'functions', name, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    external: [...BUNDLING.externalModules],
    logLevel: 'silent',
  });
  return readFileSync(outfile, 'utf8');
}

describe('function entry bundles', () => {
  it('has an index.ts entry for every function the CDK app deploys', () => {
    const entries = readdirSync(join(PROJECT_ROOT, 'functions'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .filter((entry) => readdirSync(join(PROJECT_ROOT, 'functions', entry.name)).includes('index.ts'))
      .map((entry) => entry.name);
    expect(entries.sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it.each([...FUNCTION_NAMES])(
    '%s loads the AWS SDK only with import(), never at cold start',
    (name) => {
      const code = bundle(name);
      const staticSdk =
        code.match(/(?:import|export)\s*(?:[^;()]*?\bfrom\s*)?["']@aws-sdk\/[^"']+["']/g) ?? [];
      expect(staticSdk).toEqual([]);
      // The SDK is still there, loaded on first use: the check above looks at the right text.
      expect(code).toMatch(/import\(["']@aws-sdk\/client-dynamodb["']\)/);
    },
    60_000,
  );
});

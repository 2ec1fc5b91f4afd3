import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { BUNDLING } from '../infra/bundling.ts';
import type { BenchSuite } from './bench-suite.ts';

/**
 * Bundle budget: bundles each `functions/<name>/index.ts` (the Lambda entry) with esbuild exactly as the CDK
 * app does (`infra/bundling.ts`: ESM, node22, minified, external source map, AWS SDK v3 left
 * to the runtime), prints each bundle's bytes against the 1 MB budget, and times a cold
 * import of each bundle in a fresh Node process against a bare `node` start (the baseline).
 *
 * Run with the bench runner (`npm run bench`) or standalone: `npx tsx bench/bundle-size.bench.ts`.
 */

const BUDGET_BYTES = 1024 * 1024;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Inside node_modules, so the bundles resolve the external `@aws-sdk/*` packages as they do in Lambda. */
const OUT = join(ROOT, 'node_modules', '.cache', 'converge-bundle-bench');

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly buildMs: number;
}

function handlerNames(): string[] {
  const dir = join(ROOT, 'functions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'index.ts')))
    .sort();
}

function bundle(name: string): Bundle {
  const file = join(OUT, name, 'index.mjs');
  mkdirSync(dirname(file), { recursive: true });
  const start = performance.now();
  buildSync({
    entryPoints: [join(ROOT, 'functions', name, 'index.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    external: [...BUNDLING.externalModules],
    logLevel: 'error',
  });
  return { name, file, bytes: statSync(file).size, buildMs: performance.now() - start };
}

/** Starts a fresh Node process that imports `file` (or nothing) and exits. */
function coldImport(file?: string): number {
  const code = file ? `await import(${JSON.stringify(pathToFileURL(file).href)});` : '';
  const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Only what a cold Lambda start has: no CONVERGE_* settings are read at import.
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1' },
  });
  if (child.status !== 0) {
    throw new Error(`cold import of ${file ?? 'nothing'} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return child.status;
}

function printSizes(bundles: readonly Bundle[]): void {
  console.log(`\nbundle sizes (minified ESM, budget ${BUDGET_BYTES} bytes each)`);
  console.log(
    `${'function'.padEnd(16)}${'bytes'.padStart(12)}${'of budget'.padStart(12)}${'build ms'.padStart(10)}`,
  );
  for (const b of bundles) {
    const share = `${((b.bytes / BUDGET_BYTES) * 100).toFixed(1)}%`;
    const verdict = b.bytes > BUDGET_BYTES ? '  OVER BUDGET' : '';
    console.log(
      `${b.name.padEnd(16)}${String(b.bytes).padStart(12)}${share.padStart(12)}${b.buildMs.toFixed(0).padStart(10)}${verdict}`,
    );
  }
  if (bundles.length === 0) console.log('(no functions/*/index.ts yet)');
}

const names = handlerNames();
const files = new Map(names.map((name) => [name, join(OUT, name, 'index.mjs')]));

/** For `bench/run.ts`: cold imports, interleaved with a bare Node start as the baseline. */
export const suite: BenchSuite = {
  name: 'cold import of each function bundle (fresh node process)',
  baseline: 'node (no import)',
  budgetMs: 3_000,
  goals: Object.fromEntries(names.map((name) => [`import ${name}`, 5])),
  // Bundled when the suite runs, not when the runner loads every suite.
  setup: async () => printSizes(names.map(bundle)),
  cases: Object.fromEntries([
    ['node (no import)', () => coldImport()],
    ...names.map((name) => [`import ${name}`, () => coldImport(files.get(name))] as const),
  ]) as Record<string, () => unknown>,
};

// Standalone: time the cold imports with a short interleaved loop of its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await suite.setup?.();
  const rounds = 7;
  const times = new Map<string, number[]>(Object.keys(suite.cases).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(suite.cases)) {
      const start = performance.now();
      run();
      times.get(name)!.push(performance.now() - start);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const base = median(times.get(suite.baseline)!);
  console.log(`\n${suite.name}, median of ${rounds} runs`);
  console.log(`${'case'.padEnd(24)}${'median ms'.padStart(12)}${'minus node'.padStart(12)}`);
  for (const [name, values] of times) {
    const m = median(values);
    console.log(`${name.padEnd(24)}${m.toFixed(1).padStart(12)}${(m - base).toFixed(1).padStart(12)}`);
  }
}

import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSuite } from './bench-suite.ts';

/**
 * `npm run bench`: runs every `bench/*.bench.ts` suite and prints median and p95 per case and
 * the ratio of each median to the baseline's. Cases run interleaved, round after round, so a
 * noisy neighbour slows them alike. Figures only: nothing here asserts a time.
 */

const MIN_SAMPLES = 5;
const MAX_SAMPLES = 200;
const WARMUP_ROUNDS = 2;

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const filter = process.argv[2];
  const files = (await readdir(here)).filter((file) => file.endsWith('.bench.ts')).sort();
  for (const file of files) {
    const module = (await import(pathToFileURL(join(here, file)).href)) as { suite?: BenchSuite };
    if (!module.suite) throw new Error(`${file} exports no "suite"`);
    if (filter && !module.suite.name.includes(filter)) continue;
    report(module.suite, runSuite(module.suite));
  }
}

function runSuite(suite: BenchSuite): Map<string, number[]> {
  const names = Object.keys(suite.cases);
  if (!names.includes(suite.baseline))
    throw new Error(`${suite.name}: baseline "${suite.baseline}" is not a case`);
  const samples = new Map(names.map((name) => [name, [] as number[]]));
  const spent = new Map(names.map((name) => [name, 0]));
  const budget = suite.budgetMs ?? 2_000;
  let sink: unknown;
  for (let round = 0; round < WARMUP_ROUNDS; round++) for (const name of names) sink = suite.cases[name]!();
  for (let round = 0; round < MAX_SAMPLES; round++) {
    const active = names.filter((name) => round < MIN_SAMPLES || spent.get(name)! < budget);
    if (active.length === 0) break;
    for (const name of active) {
      const start = process.hrtime.bigint();
      sink = suite.cases[name]!();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      samples.get(name)!.push(ms);
      spent.set(name, spent.get(name)! + ms);
    }
  }
  if (sink === Symbol.for('never')) console.log('');
  return samples;
}

function report(suite: BenchSuite, samples: Map<string, number[]>): void {
  const baseline = median(samples.get(suite.baseline)!);
  console.log(`\n${suite.name}`);
  console.log(
    `${'case'.padEnd(28)}${'runs'.padStart(6)}${'median ms'.padStart(12)}${'p95 ms'.padStart(12)}  vs ${suite.baseline}`,
  );
  for (const [name, times] of samples) {
    const m = median(times);
    const ratio = name === suite.baseline ? 'baseline' : relativeTo(baseline, m);
    console.log(
      `${name.padEnd(28)}${String(times.length).padStart(6)}${m.toFixed(3).padStart(12)}${percentile(times, 0.95).toFixed(3).padStart(12)}  ${ratio}`,
    );
  }
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

await main();

/** "12.3x faster" or "4.5x slower" than the baseline's median, whichever is true. */
function relativeTo(baseline: number, median: number): string {
  return median <= baseline
    ? `${(baseline / median).toFixed(1)}x faster`
    : `${(median / baseline).toFixed(1)}x slower`;
}

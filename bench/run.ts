import { readdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchSuite, QUICK } from './bench-suite.ts';

/**
 * `npm run bench [-- --quick] [-- <name filter>]`: runs every `bench/*.bench.ts` suite and prints
 * one table: per case the median, the spread (10th to 90th percentile), the ratio of its median to
 * its suite's baseline, and the goal when the suite sets one. Cases run interleaved, round after
 * round, so a noisy neighbour slows them alike. `--quick` runs each case once on small inputs (the
 * test runs that, so the harness cannot rot). Figures only: nothing here fails on a time.
 */

const DEFAULT_MIN_SAMPLES = 5;
const DEFAULT_MAX_SAMPLES = 200;
const DEFAULT_WARMUP_ROUNDS = 2;

interface Row {
  readonly suite: string;
  readonly name: string;
  readonly samples: readonly number[];
  readonly ratio: string;
  readonly goal: string;
}

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const filter = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const files = (await readdir(here)).filter((file) => file.endsWith('.bench.ts')).sort();
  const rows: Row[] = [];
  const notes: string[] = [];
  const started = performance.now();
  for (const file of files) {
    const module = (await import(pathToFileURL(join(here, file)).href)) as {
      suite?: BenchSuite;
      suites?: readonly BenchSuite[];
    };
    const suites = module.suites ?? (module.suite ? [module.suite] : []);
    if (suites.length === 0) throw new Error(`${file} exports no "suite" or "suites"`);
    for (const suite of suites) {
      if (filter && !suite.name.includes(filter)) continue;
      console.error(`running: ${suite.name}`);
      await suite.setup?.();
      try {
        const samples = await runSuite(suite);
        rows.push(...rowsOf(suite, samples));
        const extra = suite.notes?.() ?? [];
        if (extra.length > 0) notes.push('', `${suite.name}:`, ...extra);
      } finally {
        await suite.teardown?.();
      }
    }
  }
  printTable(rows);
  for (const line of notes) console.log(line);
  console.log(
    `\n${QUICK ? 'quick run (each case once, small inputs): figures are not comparable. ' : ''}` +
      `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), node ${process.version}, ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s in all`,
  );
}

async function runSuite(suite: BenchSuite): Promise<Map<string, number[]>> {
  const names = Object.keys(suite.cases);
  if (!names.includes(suite.baseline))
    throw new Error(`${suite.name}: baseline "${suite.baseline}" is not a case`);
  const minSamples = QUICK ? 1 : (suite.minSamples ?? DEFAULT_MIN_SAMPLES);
  const maxSamples = QUICK ? 1 : (suite.maxSamples ?? DEFAULT_MAX_SAMPLES);
  const warmup = QUICK ? 0 : (suite.warmupRounds ?? DEFAULT_WARMUP_ROUNDS);
  const samples = new Map(names.map((name) => [name, [] as number[]]));
  const spent = new Map(names.map((name) => [name, 0]));
  const budget = suite.budgetMs ?? 2_000;
  let sink: unknown;
  for (let round = 0; round < warmup; round++) for (const name of names) sink = await suite.cases[name]!();
  for (let round = 0; round < maxSamples; round++) {
    const active = names.filter((name) => round < minSamples || spent.get(name)! < budget);
    if (active.length === 0) break;
    for (const name of active) {
      const start = process.hrtime.bigint();
      sink = await suite.cases[name]!();
      const ms = timedBy(sink) ?? Number(process.hrtime.bigint() - start) / 1e6;
      samples.get(name)!.push(ms);
      spent.set(name, spent.get(name)! + ms);
    }
  }
  if (sink === Symbol.for('never')) console.log('');
  return samples;
}

/** A case that times only part of its work returns `{ elapsedMs }`. */
function timedBy(result: unknown): number | undefined {
  const elapsed = (result as { elapsedMs?: unknown } | undefined)?.elapsedMs;
  return typeof elapsed === 'number' ? elapsed : undefined;
}

function rowsOf(suite: BenchSuite, samples: Map<string, number[]>): Row[] {
  const baseline = median(samples.get(suite.baseline)!);
  return [...samples].map(([name, times]) => {
    const ratio = median(times) / baseline;
    const goal = suite.goals?.[name];
    return {
      suite: suite.name,
      name,
      samples: times,
      ratio: name === suite.baseline ? 'baseline' : `${ratio.toFixed(2)}x`,
      goal: goal === undefined ? '' : `<= ${goal}x ${ratio <= goal ? 'met' : 'MISSED'}`,
    };
  });
}

/** One table for every suite: median, spread (p10..p90) and ratio to the suite's baseline. */
function printTable(rows: readonly Row[]): void {
  const width = Math.max(32, ...rows.map((row) => row.name.length + 2));
  let suite = '';
  console.log(
    `\n${'case'.padEnd(width)}${'runs'.padStart(6)}${'median ms'.padStart(12)}${'spread ms (p10..p90)'.padStart(24)}${'ratio'.padStart(11)}  goal`,
  );
  for (const row of rows) {
    if (row.suite !== suite) {
      suite = row.suite;
      console.log(`${suite}`);
    }
    const spread = `${format(percentile(row.samples, 0.1))}..${format(percentile(row.samples, 0.9))}`;
    console.log(
      `  ${row.name.padEnd(width - 2)}${String(row.samples.length).padStart(6)}${format(median(row.samples)).padStart(12)}${spread.padStart(24)}${row.ratio.padStart(11)}  ${row.goal}`,
    );
  }
}

function format(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(3);
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

await main();

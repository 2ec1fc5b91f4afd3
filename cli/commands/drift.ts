import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { stackKey } from '../../shared/domain/deployment/deployment.ts';
import { isDrifted, isUnchecked } from '../../shared/domain/drift/drift-report.ts';
import type { DriftRecord } from '../../shared/domain/drift/drift-sweep.ts';
import {
  type SweepDriftDeps,
  type SweepDriftResult,
  sweepDrift,
} from '../../shared/use-cases/drift/sweep-drift.ts';
import { useDevEnvironment } from '../dev-state.ts';

interface SweepOptions {
  readonly stack: string[];
  readonly concurrency?: string;
  readonly minutes: string;
  readonly json: boolean;
}

interface ListOptions {
  readonly stack?: string;
  readonly region: string;
  readonly account?: string;
  readonly limit: string;
  readonly json: boolean;
}

/** Where the command writes; tests pass their own. */
export interface DriftCommandIo {
  readonly out: (line: string) => void;
  readonly deps: () => SweepDriftDeps | Promise<SweepDriftDeps>;
}

/**
 * Registers `converge drift`: `sweep` runs the same sweep as the schedule, on demand, over every
 * managed stack or the ones named with `--stack`, against AWS or the local cloud (the endpoint
 * comes from `AWS_ENDPOINT_URL`); `list` shows what drifted, when, and what was done about it.
 *
 * @example
 * converge drift sweep --stack network-prod
 * converge drift list --stack network-prod --region eu-west-1
 */
export function registerDriftCommand(program: Command, io?: DriftCommandIo): Command {
  const output = io?.out ?? ((line: string) => console.log(line));
  const makeDeps =
    io?.deps ??
    (async () => {
      // Against the converge dev running here unless CONVERGE_TABLE_NAME names one in AWS.
      useDevEnvironment();
      return (await import('../../shared/runtime/deps.ts')).deps() as SweepDriftDeps;
    });
  const drift = program.command('drift').description('detect, report and revert drift');

  drift
    .command('sweep')
    .description('run drift detection now on every managed stack, or the ones named')
    .option(
      '-s, --stack <name>',
      'only this stack (repeatable)',
      (name: string, all: string[]) => [...all, name],
      [],
    )
    .option('-c, --concurrency <n>', 'detections at once (default: the configured one)')
    .option('-m, --minutes <n>', 'stop starting detections after this long; the next sweep continues', '15')
    .option('--json', 'print the result as JSON', false)
    .action(async function runSweep(options: SweepOptions) {
      const minutes = Number(options.minutes);
      if (!(Number.isFinite(minutes) && minutes > 0)) {
        program.error(`--minutes must be a number above 0, got '${options.minutes}'.`);
      }
      const concurrency = options.concurrency === undefined ? undefined : Number(options.concurrency);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
        program.error(`--concurrency must be a whole number of 1 or more, got '${options.concurrency}'.`);
      }
      const deps = await makeDeps();
      const withConcurrency: SweepDriftDeps =
        concurrency === undefined
          ? deps
          : {
              ...deps,
              settings: { ...deps.settings, sweep: { ...deps.settings.sweep, maxConcurrency: concurrency } },
            };
      const deadline = deps.clock.now() + minutes * 60_000;
      const result = await sweepDrift(withConcurrency, {
        requestedBy: `cli:${userInfo().username}`,
        owner: `cli-${process.pid}-${deps.clock.now()}`,
        remainingMs: () => deadline - deps.clock.now(),
        fresh: true,
        stackNames: options.stack,
      }).catch((error: Error) => program.error(error.message));
      if (options.json) return output(JSON.stringify(result, null, 2));
      for (const line of await describeSweep(deps, result)) output(line);
    });

  drift
    .command('list')
    .description('what drifted, when, and what was done about it (one stack), or the latest sweeps')
    .option('-s, --stack <name>', 'the stack whose drift records to show')
    .option('-r, --region <region>', "the stack's region", process.env.AWS_REGION ?? 'us-east-1')
    .option('--account <id>', "the stack's account, when converge.yaml names one")
    .option('-n, --limit <n>', 'at most this many', '10')
    .option('--json', 'print records as JSON', false)
    .action(async function runList(options: ListOptions) {
      const limit = Number(options.limit);
      if (!(Number.isInteger(limit) && limit >= 1))
        program.error(`--limit must be a whole number of 1 or more, got '${options.limit}'.`);
      const deps = await makeDeps();
      if (!options.stack) {
        const sweeps = await deps.drift.listSweeps({ limit });
        if (options.json) return output(JSON.stringify(sweeps, null, 2));
        for (const s of sweeps) {
          output(
            `${s.id}  ${s.startedAt}  ${s.total} stacks  ${s.finishedAt ? `finished ${s.finishedAt}` : 'running'}  by ${s.requestedBy}`,
          );
        }
        return;
      }
      const records = await deps.drift.listDriftRecords(
        stackKey({ stackName: options.stack, region: options.region, account: options.account }),
        { limit },
      );
      if (options.json) return output(JSON.stringify(records, null, 2));
      if (records.length === 0) output(`No drift records for ${options.stack} in ${options.region}.`);
      for (const record of records) for (const line of describeRecord(record)) output(line);
    });
  return drift;
}

async function describeSweep(deps: SweepDriftDeps, result: SweepDriftResult): Promise<string[]> {
  const { counts } = result;
  const lines = [
    `Sweep ${result.sweepId}: ${counts.done} done, ${counts.skipped} skipped, ${counts.detecting} detecting, ${counts.pending} pending${result.finished ? '' : ' (the next sweep continues)'}`,
  ];
  for (const stack of await deps.drift.listSweepStacks(result.sweepId)) {
    lines.push(
      `  ${stack.stack.stackName} (${stack.stack.region}): ${stack.state}${stack.action ? `, ${stack.action}` : ''}${stack.reason ? ` — ${stack.reason}` : ''}`,
    );
    const [record] = (await deps.drift.listDriftRecords(stack.stackKey, { limit: 1 })).filter(
      (r) => r.sweepId === result.sweepId,
    );
    if (record)
      lines.push(
        ...describeRecord(record)
          .slice(1)
          .map((line) => `  ${line}`),
      );
  }
  return lines;
}

function describeRecord(record: DriftRecord): string[] {
  const lines = [
    `${record.recordedAt}  ${record.report.stack.stackName}  ${record.action}${record.deploymentId ? ` (deployment ${record.deploymentId})` : ''}: ${record.why}`,
  ];
  for (const resource of record.report.resources) {
    if (isDrifted(resource.status)) {
      lines.push(`  ${resource.logicalId} ${resource.resourceType}: ${resource.status}`);
      for (const d of resource.differences)
        lines.push(`    ${d.path}: template ${d.expected} → live ${d.actual}`);
    } else if (isUnchecked(resource.status)) {
      lines.push(`  ${resource.logicalId} ${resource.resourceType}: not checked`);
    }
  }
  for (const ignored of record.report.ignored ?? [])
    lines.push(`  ignored ${ignored.logicalId}${ignored.path ?? ''} (${ignored.rule})`);
  return lines;
}

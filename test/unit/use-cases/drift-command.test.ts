import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerDriftCommand } from '../../../cli/commands/drift.ts';
import { driftWorld, QUEUE_DRIFT } from './drift-fixture.ts';

async function converge(world: Awaited<ReturnType<typeof driftWorld>>, ...args: string[]) {
  const lines: string[] = [];
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeErr: (text) => lines.push(text.trim()) });
  const drift = registerDriftCommand(program, { out: (line) => lines.push(line), deps: () => world.deps });
  for (const sub of drift.commands) sub.exitOverride();
  await program.parseAsync(['node', 'converge', ...args]);
  return lines;
}

describe('converge drift', () => {
  it('sweeps the named stack on demand and prints what drifted', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }', 'app-001': '{ mode: report }' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);

    const lines = await converge(world, 'drift', 'sweep', '--stack', 'app-000');

    expect(lines[0]).toMatch(/^Sweep \S+: 1 done, 0 skipped, 0 detecting, 0 pending$/);
    expect(lines).toContain('      /VisibilityTimeout: template 30 → live 60');
    expect(world.stacks.startedFor).toEqual(['app-000']);
  });

  it("lists a stack's drift records", async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);
    await converge(world, 'drift', 'sweep');

    const lines = await converge(world, 'drift', 'list', '--stack', 'app-000', '--region', 'eu-west-1');

    expect(lines[0]).toMatch(/app-000 {2}report: 1 resources drifted \(Queue\)/);
    expect(lines[1]).toBe('  Queue AWS::SQS::Queue: MODIFIED');
  });

  it('refuses a concurrency that is not a whole number above zero, and sweeps nothing', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }' });

    await expect(converge(world, 'drift', 'sweep', '--concurrency', '0')).rejects.toThrow(CommanderError);
    expect(await world.drift.listSweeps()).toEqual([]);
  });

  it('names an unknown stack in its error and sweeps nothing', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }' });

    await expect(converge(world, 'drift', 'sweep', '--stack', 'nope')).rejects.toThrow(/nope/);
    expect(world.stacks.detectCalls).toBe(0);
  });
});

import type { Command } from 'commander';
import { DeploymentNotFoundError } from '../../shared/ports/store-errors.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { StackNotFoundError } from '../../shared/use-cases/queries/explain-stack.ts';
import { ExitCode, failCommand } from '../command-error.ts';
import { useDevEnvironment } from '../dev-state.ts';
import { CliVoteRefusedError } from './approve.ts';

/**
 * Runs one operator command against the Converge found here (the `converge dev` running in this
 * folder, or the one in AWS that `CONVERGE_TABLE_NAME` names) and maps each way out to its exit
 * code: not found 3, refused 1, unreachable 4. Prints the result as JSON with `--json`, else `act`'s line.
 *
 * @example
 * await runAgainstConverge(command, options, async (deps) => [await retryDeployment(deps, input), 'queued']);
 */
export async function runAgainstConverge<R extends { readonly outcome: string; readonly message?: string }>(
  command: Command,
  options: { readonly json?: boolean },
  act: (deps: Deps) => Promise<[R, string]>,
): Promise<void> {
  const dev = useDevEnvironment();
  if (!dev && !process.env.CONVERGE_TABLE_NAME) {
    failCommand(
      command,
      'No running `converge dev` found (.converge/dev.json in this folder or above) and CONVERGE_TABLE_NAME is not set: start `npm start`, or set the functions’ CONVERGE_* settings for Converge in AWS.',
      ExitCode.UNREACHABLE,
    );
  }
  let outcome: [R, string];
  try {
    const { deps } = await import('../../shared/runtime/deps.ts');
    outcome = await act(deps());
  } catch (error) {
    if (error instanceof DeploymentNotFoundError || error instanceof StackNotFoundError)
      failCommand(command, error.message, ExitCode.NOT_FOUND);
    if (error instanceof CliVoteRefusedError) failCommand(command, error.message, ExitCode.FAILED);
    const message = error instanceof Error ? error.message : String(error);
    failCommand(command, `could not reach Converge: ${message}`, ExitCode.UNREACHABLE);
  }
  const [result, line] = outcome;
  if (options.json) console.log(JSON.stringify(result, null, 2));
  if (result.outcome === 'refused') failCommand(command, `refused: ${result.message}`, ExitCode.FAILED);
  if (!options.json) console.log(line);
}

import { ConfigurationError } from '../../domain/config/configuration-error.ts';
import type { GitSyncStackOptions } from '../../domain/config/parse-git-sync-deployment-file.ts';
import type { Configuration } from '../../domain/config/stack-config.ts';
import type { Source } from '../../ports/source.ts';
import { readConfiguration } from './read-configuration.ts';

export { DEFAULT_CONFIGURATION_FILE } from './read-configuration.ts';

export interface LoadConfigurationDeps {
  readonly source: Pick<Source, 'readFile'>;
}

export interface LoadConfigurationInput {
  readonly repository: string;
  /** The commit SHA to read everything at. */
  readonly revision: string;
  /** Defaults to `converge.yaml` at the repository root. */
  readonly file?: string;
  /** Read `file` as an AWS CloudFormation Git sync deployment file for this one stack instead. */
  readonly gitSync?: Omit<GitSyncStackOptions, 'file'>;
}

/**
 * Reads and validates the configuration at one revision, as a plan needs it: parses
 * `converge.yaml` (or a Git sync deployment file), reads each stack's parameter file into
 * `parameters` (a CodePipeline template-configuration file's tags go under the stack's own), and
 * checks every template exists at that revision. Schema problems stop it before other files are
 * read; otherwise every problem is collected into one error. The reading is `readConfiguration`'s,
 * as for `validateRepository`, so a file has the same problems on both paths.
 *
 * @throws ConfigurationError listing each problem as `file:line:column path: message`.
 * @example
 * const config = await loadConfiguration({ source }, { repository: 'acme/infra', revision: sha });
 */
export async function loadConfiguration(
  deps: LoadConfigurationDeps,
  { repository, revision, file, gitSync }: LoadConfigurationInput,
): Promise<Configuration> {
  const { issues, configuration } = await readConfiguration(deps, {
    repository,
    revision,
    ...(file === undefined ? {} : { file }),
    ...(gitSync === undefined ? {} : { gitSync }),
    scope: 'configuration',
  });
  if (issues.length > 0 || !configuration) throw new ConfigurationError(issues);
  return configuration;
}

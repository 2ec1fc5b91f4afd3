import { ConfigurationError, type ConfigurationIssue } from '../../domain/config/configuration-error.ts';
import { parseConfigurationDocument } from '../../domain/config/parse-configuration.ts';
import {
  type GitSyncStackOptions,
  parseGitSyncDeploymentFile,
} from '../../domain/config/parse-git-sync-deployment-file.ts';
import { parseParameterFile } from '../../domain/config/parse-parameter-file.ts';
import { parseSourceDocument, type SourceDocument } from '../../domain/config/source-document.ts';
import type { Configuration, StackConfig } from '../../domain/config/stack-config.ts';
import { parseRepositoryPath } from '../../domain/paths/repository-path.ts';
import type { Source } from '../../ports/source.ts';

/** The configuration file Converge reads when none is named. */
export const DEFAULT_CONFIGURATION_FILE = 'converge.yaml';

export interface LoadConfigurationDeps {
  readonly source: Source;
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

const NOT_FOUND = 'file not found in repository at';

/**
 * Reads and validates the configuration at one revision: parses `converge.yaml` (or a Git sync
 * deployment file), reads each stack's parameter file into `parameters` (a CodePipeline
 * template-configuration file's tags go under the stack's own), and checks every template
 * exists at that revision. Every problem is collected into one error.
 *
 * @throws ConfigurationError listing each problem as `file:line:column path: message`.
 * @example
 * const config = await loadConfiguration({ source }, { repository: 'acme/infra', revision: sha });
 */
export async function loadConfiguration(
  { source }: LoadConfigurationDeps,
  { repository, revision, file = DEFAULT_CONFIGURATION_FILE, gitSync }: LoadConfigurationInput,
): Promise<Configuration> {
  const configurationFile = parseRepositoryPath(file);
  const read = async (path: string) => {
    const bytes = await source.readFile(repository, revision, path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  };

  // Read the configuration file itself; without it there is nothing to check.
  const text = await read(configurationFile);
  if (text === undefined) {
    throw new ConfigurationError([
      {
        file: configurationFile,
        line: 1,
        column: 1,
        path: [],
        message: `${NOT_FOUND} ${revision}; add it at the repository root or name the right file`,
      },
    ]);
  }

  // Parse and validate it; this throws with every schema problem at once.
  const { configuration, document } = gitSync
    ? {
        configuration: parseGitSyncDeploymentFile(text, { ...gitSync, file: configurationFile }),
        document: parseSourceDocument(text, configurationFile),
      }
    : parseConfigurationDocument(text, { file: configurationFile });

  // Check each stack's files at this revision, in parallel, collecting every problem.
  const issues: ConfigurationIssue[] = [];
  const context = { read, revision, document, gitSync: gitSync !== undefined, issues };
  const stacks = await Promise.all(
    configuration.stacks.map((stack, index) => resolveStackFiles(stack, index, context)),
  );
  if (issues.length > 0) throw new ConfigurationError(issues);
  return { ...configuration, stacks };
}

interface StackFileContext {
  readonly read: (path: string) => Promise<string | undefined>;
  readonly revision: string;
  readonly document: SourceDocument;
  readonly gitSync: boolean;
  readonly issues: ConfigurationIssue[];
}

async function resolveStackFiles(
  stack: StackConfig,
  index: number,
  context: StackFileContext,
): Promise<StackConfig> {
  const { read, revision, document, issues } = context;
  const templateAt = context.gitSync ? ['template-file-path'] : ['stacks', index, 'template'];
  const [template, parameterText] = await Promise.all([
    read(stack.template),
    stack.parameterFile === undefined ? undefined : read(stack.parameterFile),
  ]);
  if (template === undefined) {
    issues.push(
      document.issue(templateAt, `${NOT_FOUND} ${revision}; check the path and that the file is committed`),
    );
  }
  if (stack.parameterFile === undefined) return stack;
  if (parameterText === undefined) {
    issues.push(
      document.issue(
        ['stacks', index, 'parameters'],
        `${NOT_FOUND} ${revision}; check the path and that the file is committed`,
      ),
    );
    return stack;
  }
  try {
    const parameterFile = parseParameterFile(parameterText, { file: stack.parameterFile });
    return { ...stack, parameters: parameterFile.parameters, tags: { ...parameterFile.tags, ...stack.tags } };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    issues.push(...error.issues);
    return stack;
  }
}

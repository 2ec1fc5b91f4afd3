import type { Source } from '../../ports/source.ts';
import { type ConfigurationRead, readConfiguration } from './read-configuration.ts';

export interface ValidateRepositoryInput {
  readonly repository: string;
  /** The commit (or, for a working tree, whatever the source reads) to check. */
  readonly revision: string;
  /** Defaults to `converge.yaml` at the repository root. */
  readonly file?: string;
}

/** What checking a repository found: every problem, and the configuration when there are none. */
export type RepositoryValidation = ConfigurationRead;

/**
 * Checks `converge.yaml` and every template and parameter file it names, in one pass: the
 * configuration's schema, each named file's existence, size and syntax, each template as far as
 * `parseTemplate` reads it, each parameter file through `parseParameterFile`. A schema problem
 * does not hide a missing template: files are checked wherever the document names a path,
 * even when other keys of the same stack are wrong. `converge validate` and each push use it,
 * and its reading is `loadConfiguration`'s (`readConfiguration`), so all report the same problems.
 *
 * @throws only what the source throws for the repository itself (unreachable, unknown revision);
 *   a problem with one file is an issue.
 * @example
 * const { issues } = await validateRepository({ source }, { repository: 'acme/infra', revision: sha });
 * for (const issue of issues) console.error(formatConfigurationIssue(issue));
 */
export async function validateRepository(
  deps: { readonly source: Pick<Source, 'readFile'> },
  input: ValidateRepositoryInput,
): Promise<RepositoryValidation> {
  return readConfiguration(deps, { ...input, scope: 'repository' });
}

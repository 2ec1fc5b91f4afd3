import { SourceRepositoryInvalidError } from '../../ports/source.ts';

const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/**
 * Splits `owner/name` for the REST API, refusing anything else (`..`, extra slashes, URLs), so
 * that no repository name can reach another API path.
 *
 * @throws SourceRepositoryInvalidError
 */
export function parseGithubRepository(repository: string): { owner: string; repo: string } {
  const match = REPOSITORY.exec(repository);
  if (!match || match[2] === '.' || match[2] === '..') {
    throw new SourceRepositoryInvalidError(repository, 'a GitHub repository is named "owner/name"');
  }
  return { owner: match[1]!, repo: match[2]! };
}

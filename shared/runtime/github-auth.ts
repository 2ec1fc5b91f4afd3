import type { GithubAuth } from '../adapters/github/create-octokit.ts';
import type { Config } from './config.ts';
import { SecretName } from './secret-name.ts';
import type { Secrets } from './secrets.ts';

/**
 * How the functions authenticate to GitHub: as the App installation when an App id is
 * configured (its private key read from Secrets Manager or the local value), else with a token.
 *
 * @example
 * const octokit = createOctokit({ baseUrl: config.github.apiUrl, auth: await githubAuth(config, secrets) });
 */
export async function githubAuth(config: Pick<Config, 'github'>, secrets: Secrets): Promise<GithubAuth> {
  const { appId, installationId } = config.github;
  if (appId !== undefined && installationId !== undefined) {
    const privateKey = await secrets.get(SecretName.GITHUB_PRIVATE_KEY);
    return { type: 'app', appId, installationId, privateKey };
  }
  return { type: 'token', token: await secrets.get(SecretName.GITHUB_TOKEN) };
}

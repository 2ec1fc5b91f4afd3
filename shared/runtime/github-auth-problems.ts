import { SecretName, type SecretSource } from './secret-name.ts';

/** What {@link githubAuthProblems} looks at: the App settings and the GitHub secrets configured. */
export interface GithubAuthSettings {
  readonly appId?: string;
  readonly installationId?: string;
  readonly secrets: Readonly<Partial<Record<SecretName, SecretSource>>>;
}

const PRIVATE_KEY_SETTINGS =
  'CONVERGE_GITHUB_PRIVATE_KEY_SECRET_ARN (or CONVERGE_GITHUB_PRIVATE_KEY locally)';
const TOKEN_SETTINGS = 'CONVERGE_GITHUB_TOKEN_SECRET_ARN (or CONVERGE_GITHUB_TOKEN locally)';

/**
 * Whether the GitHub App settings are whole: an App needs its id, an installation id and a
 * private key, and excludes a token. Returns one message per missing or conflicting piece,
 * each naming the settings to change; an empty list when nothing is wrong.
 */
export function githubAuthProblems(settings: GithubAuthSettings): string[] {
  const hasKey = settings.secrets[SecretName.GITHUB_PRIVATE_KEY] !== undefined;
  const hasToken = settings.secrets[SecretName.GITHUB_TOKEN] !== undefined;
  if (settings.appId === undefined) {
    const orphans = [
      ...(settings.installationId !== undefined ? ['CONVERGE_GITHUB_INSTALLATION_ID'] : []),
      ...(hasKey ? ['a GitHub App private key'] : []),
    ];
    return orphans.length > 0
      ? [
          `${orphans.join(' and ')} ${orphans.length > 1 ? 'are' : 'is'} set without CONVERGE_GITHUB_APP_ID: set the App id too, or remove ${orphans.length > 1 ? 'them' : 'it'}`,
        ]
      : [];
  }
  const problems: string[] = [];
  if (settings.installationId === undefined) {
    problems.push(
      'CONVERGE_GITHUB_APP_ID is set without CONVERGE_GITHUB_INSTALLATION_ID: set it to the id of the App installation on your repositories (digits, the end of the installation settings URL)',
    );
  }
  if (!hasKey) {
    problems.push(
      `CONVERGE_GITHUB_APP_ID is set without the App private key: set ${PRIVATE_KEY_SETTINGS} to the PEM key`,
    );
  }
  if (hasToken) {
    problems.push(
      `CONVERGE_GITHUB_APP_ID and a GitHub token are both set: use the App or the token, and remove the other (${TOKEN_SETTINGS})`,
    );
  }
  return problems;
}

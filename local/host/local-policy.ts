import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Who the generated local policy names as approvers and the repositories it serves. */
export interface LocalPolicyInput {
  /** `owner/name` of each repository the host reads. */
  readonly repositories: readonly string[];
  /** Identities that approve what no trusted repository rule covers (`cli:alice`, `slack:U0LOCAL`). */
  readonly approvers: readonly string[];
  /** The Slack workspace whose clicks count; the host's own signed clicks come from `T0LOCAL`. */
  readonly slackTeamId?: string;
}

/** The workspace the host's signed Slack clicks (and the e2e harness's) come from. */
export const LOCAL_SLACK_TEAM_ID = 'T0LOCAL';

/**
 * The control-plane policy `converge dev` uses when no `--policy` is given: every repository the
 * host reads, its `main` branch, any stack name, the local user as approver, the host's Slack workspace. A starting point to
 * copy into a real policy file, not a policy for production (docs/policy.md).
 *
 * @example
 * localPolicyText({ repositories: ['local/example'], approvers: ['cli:alice', 'slack:U0LOCAL'] });
 */
export function localPolicyText(input: LocalPolicyInput): string {
  return stringify({
    version: 1,
    repositories: Object.fromEntries(
      input.repositories.map((name) => [name, { branches: ['main'], stacks: ['*'] }]),
    ),
    approvers: [...input.approvers],
    slack: { teamId: input.slackTeamId ?? LOCAL_SLACK_TEAM_ID },
  });
}

/** Writes a generated policy to a private temporary file; `remove` deletes it again. */
export async function writeLocalPolicy(
  text: string,
): Promise<{ readonly file: string; readonly remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-policy-'));
  const file = join(dir, 'policy.yaml');
  await writeFile(file, text, { mode: 0o600 });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

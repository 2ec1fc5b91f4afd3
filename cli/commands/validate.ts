import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { DirectoryFiles } from '../../shared/adapters/fs/directory-files.ts';
import {
  ConfigurationError,
  type ConfigurationIssue,
  formatConfigurationIssue,
} from '../../shared/domain/config/configuration-error.ts';
import type { ControlPlanePolicy } from '../../shared/domain/policy/control-plane-policy.ts';
import { parsePolicy } from '../../shared/domain/policy/parse-policy.ts';
import { DEFAULT_CONFIGURATION_FILE } from '../../shared/use-cases/configuration/load-configuration.ts';
import { validateRepository } from '../../shared/use-cases/configuration/validate-repository.ts';

interface ValidateOptions {
  readonly policy?: string;
}

/** What one check found: a summary to print, or the problems that make the file invalid. */
type CheckResult =
  | { readonly ok: true; readonly summary: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Where the command writes; tests that call it in-process may pass their own. */
export interface ValidateCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * Registers `converge validate [DIR] [--policy FILE]`: checks the files Converge reads before they
 * are deployed. `DIR` (the current directory unless only `--policy` is given) is an infrastructure
 * repository's working tree: its `converge.yaml` and every template and parameter file it names,
 * read from disk, so files can be checked before they are committed. `--policy FILE` checks a
 * control-plane policy (docs/policy.md). Every problem is printed as `file:line:col path: message`
 * (exit 1); otherwise one line per check says what is valid (exit 0).
 *
 * @example
 * converge validate
 * converge validate infra/ --policy policy.yaml
 */
export function registerValidateCommand(program: Command, io?: ValidateCommandIo): Command {
  const out = io?.out ?? ((line: string) => console.log(line));
  const err = io?.err ?? ((line: string) => console.error(line));
  const command = program.command('validate');
  return command
    .description(
      "check Converge files before deploying them: DIR's converge.yaml with every template and parameter file it names, and the control-plane policy (--policy)",
    )
    .argument('[dir]', 'an infrastructure repository working tree (default: the current directory)')
    .option('--policy <file>', 'a control-plane policy file (docs/policy.md)')
    .action(async function runValidate(dir: string | undefined, options: ValidateOptions) {
      const checks: (() => CheckResult | Promise<CheckResult>)[] = [];
      if (dir !== undefined || !options.policy) {
        const root = dir ?? '.';
        if (!isDirectory(root))
          command.error(`${root} is not a directory; pass the repository's working tree as DIR.`);
        checks.push(() => checkRepository(root));
      }
      if (options.policy) {
        const file = options.policy;
        checks.push(() => checkPolicy(file));
      }
      let failed = false;
      for (const check of checks) {
        const result = await check();
        if (result.ok) for (const line of result.summary) out(line);
        else {
          failed = true;
          for (const line of result.problems) err(line);
        }
      }
      if (failed) process.exitCode = 1;
    });
}

/**
 * Checks a working tree's `converge.yaml` and the files it names; every problem is one located
 * line, its file shown relative to the current directory so a terminal or editor can open it.
 */
async function checkRepository(root: string): Promise<CheckResult> {
  const { issues, configuration } = await validateRepository(
    { source: new DirectoryFiles({ root }) },
    { repository: root, revision: 'working-tree' },
  );
  const shown = (file: string) => {
    const path = relative('.', join(root, file));
    return path.startsWith('..') ? join(root, file) : path;
  };
  if (issues.length > 0) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    return {
      ok: false,
      problems: [
        `${shown(DEFAULT_CONFIGURATION_FILE)}: ${count}:`,
        ...issues.map((issue: ConfigurationIssue) =>
          formatConfigurationIssue({ ...issue, file: shown(issue.file) }),
        ),
      ],
    };
  }
  const stacks = configuration?.stacks.map((stack) => stack.name) ?? [];
  const files = new Set(
    configuration?.stacks.flatMap((stack) => [stack.template, stack.parameterFile ?? []].flat()),
  );
  return {
    ok: true,
    summary: [
      `${shown(DEFAULT_CONFIGURATION_FILE)}: valid, ${stacks.length === 1 ? '1 stack' : `${stacks.length} stacks`} (${stacks.join(', ') || 'none'}), ${files.size === 1 ? '1 file' : `${files.size} files`} checked`,
    ],
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Reads and parses a policy file; every problem is one located line. */
function checkPolicy(file: string): CheckResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ok: false, problems: [`${file}: cannot be read (${code}); check the path.`] };
  }
  try {
    return { ok: true, summary: describePolicy(parsePolicy(text, { file })) };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const count = error.issues.length === 1 ? '1 problem' : `${error.issues.length} problems`;
    return {
      ok: false,
      problems: [`${file}: the control-plane policy has ${count}:`, ...error.message.split('\n').slice(1)],
    };
  }
}

/**
 * What a valid policy serves, in a few lines: repositories with their branches and stacks, who
 * approves, what is protected, and the switches that are off unless turned on.
 */
export function describePolicy(policy: ControlPlanePolicy): string[] {
  const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : 'none');
  const { approval } = policy;
  return [
    `${policy.file}: valid control-plane policy`,
    `  serves ${policy.repositories.length === 1 ? '1 repository' : `${policy.repositories.length} repositories`}:`,
    ...policy.repositories.map(
      (entry) => `    ${entry.name}: branches ${list(entry.branches)}; stacks ${list(entry.stacks)}`,
    ),
    `  approvers: ${list(policy.approvers)}`,
    `  people: ${list(Object.keys(policy.people))}`,
    `  protected stacks: ${list(policy.protectedStacks)}`,
    `  approval: at least ${approval.floor}, autoApprove at most ${approval.autoApprove}, requests expire after ${duration(approval.ttlSeconds)}`,
    `  adoption of existing stacks: ${policy.adoption.allowed ? 'allowed, with the approvers above' : 'off'}`,
    `  Slack votes: ${policy.slack.teamId ? `workspace ${policy.slack.teamId} only` : 'workspace not pinned (set slack.teamId)'}`,
    `  fork previews: ${policy.forks.previews ? `on, with ${policy.forks.previewRoleArn}` : 'off'}`,
    `  target accounts: ${policy.accounts.length > 0 ? policy.accounts.map((account) => `${account.id} (as ${account.roleArn})`).join(', ') : "none: every stack lands in Converge's own account"}`,
  ];
}

/** Seconds as the policy writes durations: `24h`, `30m`, `7d`. */
function duration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

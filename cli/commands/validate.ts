import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigurationError } from '../../shared/domain/config/configuration-error.ts';
import type { ControlPlanePolicy } from '../../shared/domain/policy/control-plane-policy.ts';
import { parsePolicy } from '../../shared/domain/policy/parse-policy.ts';

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
 * Registers `converge validate`: checks the files Converge reads before they are deployed. With
 * `--policy FILE` it checks a control-plane policy (docs/policy.md) and prints every problem as
 * `file:line:col path: message` (exit 1), or what the policy serves (exit 0). Each kind of file
 * is one check, so a repository's `converge.yaml` (a `[DIR]` argument) becomes one more.
 *
 * @example
 * converge validate --policy policy.yaml
 */
export function registerValidateCommand(program: Command, io?: ValidateCommandIo): Command {
  const out = io?.out ?? ((line: string) => console.log(line));
  const err = io?.err ?? ((line: string) => console.error(line));
  const command = program.command('validate');
  return command
    .description('check Converge files before deploying them: the control-plane policy (--policy)')
    .option('--policy <file>', 'a control-plane policy file (docs/policy.md)')
    .action(function runValidate(options: ValidateOptions) {
      const checks: (() => CheckResult)[] = [];
      if (options.policy) {
        const file = options.policy;
        checks.push(() => checkPolicy(file));
      }
      if (checks.length === 0) {
        command.error(
          'Nothing to validate: pass --policy FILE to check a control-plane policy (docs/policy.md).',
        );
      }
      let failed = false;
      for (const check of checks) {
        const result = check();
        if (result.ok) for (const line of result.summary) out(line);
        else {
          failed = true;
          for (const line of result.problems) err(line);
        }
      }
      if (failed) process.exitCode = 1;
    });
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

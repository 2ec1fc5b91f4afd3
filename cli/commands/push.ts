import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { LOCAL_ONLY } from '../../local/host/dev-settings.ts';
import { signedPushDelivery } from '../../local/host/push-delivery.ts';
import { ExitCode, failCommand } from '../command-error.ts';
import { findDevState } from '../dev-state.ts';
import { LocalCommitError, localPush } from '../local-commit.ts';

interface PushOptions {
  readonly repo?: string;
  readonly branch: string;
  readonly before?: string;
}

/**
 * Registers `converge push [--repo owner/name] [REV]`: sends the running `converge dev` the signed
 * push webhook GitHub would send for a local commit (the branch moved from REV's parent, or
 * `--before`, to REV; the changed paths computed by git), so a local repository deploys without
 * writing or signing JSON by hand.
 *
 * @example
 * converge push --repo acme/infra
 * converge push --repo acme/infra 3f2c1e0 --before 9ab01c2
 */
export function registerPushCommand(program: Command): Command {
  return program
    .command('push')
    .description('send the running converge dev the signed push GitHub would send for a local commit')
    .argument('[rev]', 'the commit pushed (default: the head of --branch)')
    .option('--repo <owner/name>', 'which repository of converge dev (default: the only one)')
    .option('--branch <name>', 'the branch the commit was pushed to', 'main')
    .option('--before <rev>', "the branch's previous head (default: the commit's parent)")
    .action(async function runPush(this: Command, rev: string | undefined, options: PushOptions) {
      const dev = findDevState(process.cwd());
      if (!dev)
        failCommand(
          this,
          'No running `converge dev` found (.converge/dev.json here or above); start `npm start` first.',
          ExitCode.UNREACHABLE,
        );
      const repositories = dev.repositories ?? {};
      const names = Object.keys(repositories);
      const name = options.repo ?? (names.length === 1 ? names[0] : undefined);
      if (!name || !repositories[name]) {
        failCommand(
          this,
          options.repo
            ? `converge dev does not read ${options.repo}; it reads ${names.join(', ') || 'no repository'}.`
            : `converge dev reads ${names.length} repositories; name one with --repo (${names.join(', ')}).`,
          ExitCode.USAGE,
        );
      }
      const secret =
        process.env.CONVERGE_GITHUB_WEBHOOK_SECRET?.trim() ||
        (dev.webhookSecret === 'environment' ? undefined : LOCAL_ONLY.CONVERGE_GITHUB_WEBHOOK_SECRET);
      if (!secret)
        failCommand(
          this,
          'converge dev signs with CONVERGE_GITHUB_WEBHOOK_SECRET from its environment: set the same variable here.',
          ExitCode.USAGE,
        );
      let push: Awaited<ReturnType<typeof localPush>>;
      try {
        push = await localPush(repositories[name], rev ?? `refs/heads/${options.branch}`, options.before);
      } catch (error) {
        if (error instanceof LocalCommitError) failCommand(this, error.message, ExitCode.NOT_FOUND);
        throw error;
      }
      const delivery = signedPushDelivery(
        {
          repository: name,
          ref: `refs/heads/${options.branch}`,
          before: push.before,
          after: push.after,
          paths: [],
          changes: push.changes,
          message: push.message,
          author: userInfo().username,
        },
        secret,
      );
      const response = await fetch(`${dev.url}/webhooks/github`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      }).catch((error: Error) =>
        failCommand(
          this,
          `could not reach converge dev at ${dev.url}: ${error.message}`,
          ExitCode.UNREACHABLE,
        ),
      );
      const answer = await response.text();
      const changed = [...push.changes.added, ...push.changes.modified, ...push.changes.removed];
      console.log(
        `push ${name} ${options.branch} ${push.before.slice(0, 12)}..${push.after.slice(0, 12)} (${changed.length} paths changed)`,
      );
      console.log(`${response.status} ${answer}`);
      if (!response.ok) process.exit(ExitCode.FAILED);
    });
}

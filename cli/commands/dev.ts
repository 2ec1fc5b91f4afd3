import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEV_ONLY_VARIABLES, devSettings, parseRepositoryOptions } from '../../local/host/dev-settings.ts';
import { createExampleRepository, type ExampleRepository } from '../../local/host/example-repository.ts';
import { signedPushDelivery } from '../../local/host/push-delivery.ts';
import { startHost } from '../../local/host/start-host.ts';
import { LOG_LEVELS } from '../../shared/runtime/config.ts';
import { loadPolicy } from '../../shared/runtime/policy.ts';
import { projectEventsToken, writeDevState } from '../dev-state.ts';

interface DevCommandOptions {
  readonly port: string;
  readonly repo: string[];
  readonly example?: boolean;
  readonly region: string;
  readonly cloudEndpoint?: string;
  readonly scheduleEvery?: string;
  readonly policy?: string;
  readonly cloudPort?: string;
  readonly eventsToken?: string;
  readonly logLevel: string;
  readonly poll?: string;
}

/**
 * Registers `converge dev`: runs Converge's functions on this machine against the local cloud
 * (or `AWS_ENDPOINT_URL`), serving the webhook and Slack Function URLs on 127.0.0.1. With no
 * `--repo`, or with `--example`, it creates an example infrastructure repository and prints the
 * signed push that deploys it. Stops everything it started on SIGINT or SIGTERM.
 *
 * @example
 * converge dev --port 3000 --repo acme/infra=../infra
 */
export function registerDevCommand(program: Command): Command {
  return program
    .command('dev')
    .description('run Converge locally: the functions, the local cloud, and Function URLs on 127.0.0.1')
    .option('-p, --port <port>', 'port on 127.0.0.1 for the Function URLs', '3000')
    .option(
      '--repo <owner/name=PATH>',
      'read this GitHub repository from a local git repository (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option('--example', 'create and map an example infrastructure repository (the default without --repo)')
    .option('--region <region>', 'the AWS Region the functions run in', 'us-east-1')
    .option(
      '--cloud-endpoint <url>',
      'use this running local cloud (`converge cloud`) instead of starting one; it keeps its state when the host stops',
    )
    .option(
      '--events-token <token>',
      'what a local cloud started apart sends with its events (default: kept in .converge/events-token)',
    )
    .option('--cloud-port <port>', 'port on 127.0.0.1 for the local cloud it starts (default: a free one)')
    .option('--log-level <level>', `how much the functions log: ${LOG_LEVELS.join(', ')}`, 'WARN')
    .option('--schedule-every <seconds>', 'how often the reconcile and drift-sweep schedules fire', '60')
    .option(
      '--policy <file>',
      'the control-plane policy (docs/policy.md); default: serve the mapped repositories, you approve',
    )
    .option(
      '--poll <seconds>',
      'every SECONDS, plan the stacks whose inputs at the tracked branch head differ from what is applied, webhook or not (0: off, the default)',
      '0',
    )
    .action(async function runDev(options: DevCommandOptions) {
      const port = Number(options.port);
      if (!(Number.isInteger(port) && port > 0 && port < 65536)) {
        program.error(`--port must be a whole number from 1 to 65535, got '${options.port}'.`);
      }
      const pollSeconds = Number(options.poll ?? '0');
      if (!(Number.isInteger(pollSeconds) && pollSeconds >= 0)) {
        program.error(
          `--poll must be a whole number of seconds (0 turns polling off), got '${options.poll}'.`,
        );
      }
      const scheduleEvery = Number(options.scheduleEvery ?? '60');
      if (!(Number.isFinite(scheduleEvery) && scheduleEvery >= 0)) {
        program.error(
          `--schedule-every must be a number of seconds (0 turns the schedules off), got '${options.scheduleEvery}'.`,
        );
      }
      const cloudPort = options.cloudPort === undefined ? undefined : Number(options.cloudPort);
      if (cloudPort !== undefined && !(Number.isInteger(cloudPort) && cloudPort > 0 && cloudPort < 65536)) {
        program.error(`--cloud-port must be a whole number from 1 to 65535, got '${options.cloudPort}'.`);
      }
      if (cloudPort !== undefined && options.cloudEndpoint !== undefined) {
        program.error(
          '--cloud-port is for the local cloud converge dev starts; with --cloud-endpoint it starts none.',
        );
      }
      const logLevel = options.logLevel.toUpperCase();
      if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
        program.error(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${options.logLevel}'.`);
      }
      if (options.cloudEndpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(options.cloudEndpoint)) {
        program.error(
          `--cloud-endpoint must be an http(s) URL such as http://127.0.0.1:4566, got '${options.cloudEndpoint}'.`,
        );
      }
      let repositories: Record<string, string>;
      try {
        repositories = Object.fromEntries(
          Object.entries(parseRepositoryOptions(options.repo)).map(([name, location]) => [
            name,
            /^[a-z]+:\/\//.test(location) ? location : resolve(location),
          ]),
        );
      } catch (error) {
        return program.error((error as Error).message);
      }
      // A given policy must read before anything starts: a bad one serves nothing.
      if (options.policy) {
        try {
          loadPolicy(resolve(options.policy));
        } catch (error) {
          return program.error((error as Error).message);
        }
      }
      const settings = devSettings(process.env);
      for (const name of DEV_ONLY_VARIABLES) delete process.env[name];

      // The example repository, when asked for or when nothing else is mapped.
      let example: ExampleRepository | undefined;
      if (options.example || options.repo.length === 0) {
        example = await createExampleRepository();
        repositories[example.repository] = example.dir;
      }

      // The functions' environment, for `converge approve` from another terminal.
      const envFile = join(await mkdtemp(join(tmpdir(), 'converge-dev-')), 'functions.env');
      console.log('Starting Converge locally (DynamoDB Local needs Java 17)...');
      const host = await startHost({
        port,
        region: options.region,
        repositories,
        secrets: settings.secrets,
        ...(options.policy
          ? { policyFile: resolve(options.policy) }
          : { localApprovers: [`cli:${userInfo().username}`, 'slack:U0LOCAL'] }),
        ...((options.cloudEndpoint ?? settings.cloudEndpoint)
          ? { cloudEndpoint: options.cloudEndpoint ?? settings.cloudEndpoint }
          : {}),
        eventsToken: options.eventsToken ?? projectEventsToken(process.cwd()),
        scheduleEveryMs: scheduleEvery * 1000,
        logLevel,
        ...(cloudPort !== undefined ? { cloudPort } : {}),
        ...(settings.slackApiUrl ? { slackApiUrl: settings.slackApiUrl } : {}),
        ...(settings.slackChannel ? { slackChannel: settings.slackChannel } : {}),
        ...(settings.githubApiUrl ? { githubApiUrl: settings.githubApiUrl } : {}),
        delays: { changeSet: 200, resource: 200 },
        pollEveryMs: pollSeconds * 1000,
        approveHint: (deploymentId) => [
          `or:      npx converge approve ${deploymentId} --as cli:${userInfo().username}`,
        ],
      }).catch(async (error: Error) => {
        if (example) await rm(example.dir, { recursive: true, force: true });
        await rm(dirname(envFile), { recursive: true, force: true });
        return program.error(`Could not start Converge locally: ${error.message}`);
      });

      await writeFile(
        envFile,
        Object.entries(host.environment)
          .map(([name, value]) => `${name}=${value}`)
          .join('\n'),
        { mode: 0o600 },
      );
      // Where other commands (status, show, why, ...) find this host: no secrets in it.
      const devState = writeDevState(process.cwd(), {
        pid: process.pid,
        url: host.url,
        cloudEndpoint: host.cloudEndpoint,
        region: options.region,
        tableName: host.tableName,
        startedAt: new Date().toISOString(),
        repositories: withoutCredentials(repositories),
        environmentFile: envFile,
        webhookSecret: settings.localDefaults.includes('CONVERGE_GITHUB_WEBHOOK_SECRET')
          ? 'local-default'
          : 'environment',
      });
      console.log(`\nConverge is running at ${host.url}`);
      console.log(`  POST ${host.url}/webhooks/github   GitHub webhooks (push, pull_request)`);
      console.log(`  POST ${host.url}/slack/actions     Slack Approve / Reject clicks`);
      console.log(`  GET  ${host.url}/health`);
      console.log(
        `Local cloud: ${host.cloudEndpoint}${host.cloud ? '' : options.cloudEndpoint ? ' (from --cloud-endpoint)' : ' (from AWS_ENDPOINT_URL)'}`,
      );
      console.log(
        `  aws --endpoint-url ${host.cloudEndpoint} --region ${options.region} cloudformation describe-stacks`,
      );
      if (!host.cloud) {
        console.log(
          `  its events must reach this host: npx converge cloud --event-target '${host.eventTarget}'`,
        );
      }
      for (const [name, location] of Object.entries(repositories)) {
        console.log(`Repository ${name} → ${shownLocation(location)}`);
        if (!example || name !== example.repository)
          console.log(`  after a commit there: npx converge push --repo ${name}`);
      }
      console.log(
        pollSeconds > 0
          ? `Polling the tracked branches every ${pollSeconds} s: a commit is planned without a push too.`
          : 'Git polling is off: send a push (converge push) after each commit, or start with --poll 60.',
      );
      console.log(
        settings.slackApiUrl
          ? `Approval requests go to Slack at ${settings.slackApiUrl}`
          : 'Approval requests are printed here, with the command that approves them.',
      );
      if (settings.localDefaults.length > 0) {
        console.log(
          `Local only (not secrets, never use them elsewhere): ${settings.localDefaults.join(', ')}`,
        );
      }

      let pushFile: string | undefined;
      if (example) {
        pushFile = `${example.dir}.push.json`;
        const delivery = signedPushDelivery(
          {
            repository: example.repository,
            before: '0'.repeat(40),
            after: example.revision,
            paths: example.paths,
          },
          settings.secrets.webhookSecret,
        );
        await writeFile(pushFile, delivery.body);
        console.log(`\nExample repository: ${example.dir}`);
        console.log('Send its signed push webhook:');
        console.log(
          `  curl -sS -X POST ${host.url}/webhooks/github ${Object.entries(delivery.headers)
            .map(([name, value]) => `-H '${name}: ${value}'`)
            .join(' ')} --data-binary @${pushFile}`,
        );
      }
      console.log('\nPress Ctrl+C to stop.');

      // A terminal's Ctrl+C reaches both this process and the `converge` wrapper, which passes it
      // on: stop once, whatever number of signals arrive.
      let stopping = false;
      const stopOnSignal = async (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        console.log(`Received ${signal}; stopping the host and the local cloud.`);
        await host.stop();
        devState.remove();
        if (example) await rm(example.dir, { recursive: true, force: true });
        if (pushFile) await rm(pushFile, { force: true });
        await rm(dirname(envFile), { recursive: true, force: true });
        process.exit(0);
      };
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stopOnSignal);
    });
}

/** A repository location as it may be shown or written down: a URL's user and token left out. */
export function shownLocation(location: string): string {
  try {
    const url = new URL(location);
    if (!url.username && !url.password) return location;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return location;
  }
}

function withoutCredentials(repositories: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(repositories).map(([name, location]) => [name, shownLocation(location)]),
  );
}

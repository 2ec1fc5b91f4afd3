#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { ConvergeCommand } from './converge-command.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * The `converge` command. Each subcommand lives in its own module and is registered here.
 */
const program = new ConvergeCommand()
  .name('converge')
  .description('GitOps for AWS CloudFormation')
  .version(version, '-V, --version', 'print the Converge version');

(await import('./commands/dev.ts')).registerDevCommand(program);
(await import('./commands/approve.ts')).registerApproveCommand(program);
(await import('./commands/control.ts')).registerControlCommands(program);
(await import('./commands/suspend.ts')).registerSuspendCommands(program);
(await import('./commands/cloud.ts')).registerCloudCommand(program);
(await import('./commands/drift.ts')).registerDriftCommand(program);
(await import('./commands/status.ts')).registerStatusCommands(program);
(await import('./commands/push.ts')).registerPushCommand(program);
(await import('./commands/validate.ts')).registerValidateCommand(program);
await program.parseAsync(process.argv);

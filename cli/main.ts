#!/usr/bin/env node
import { Command } from 'commander';

/**
 * The `converge` command. Each subcommand lives in its own module and is registered here.
 */
const program = new Command()
  .name('converge')
  .description('GitOps for AWS CloudFormation')
  .showHelpAfterError();

(await import('./commands/dev.ts')).registerDevCommand(program);
(await import('./commands/approve.ts')).registerApproveCommand(program);
(await import('./commands/cloud.ts')).registerCloudCommand(program);
(await import('./commands/drift.ts')).registerDriftCommand(program);
(await import('./commands/validate.ts')).registerValidateCommand(program);
await program.parseAsync(process.argv);

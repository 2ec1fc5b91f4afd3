#!/usr/bin/env node
import { Command } from 'commander';

/**
 * The `converge` command. Each subcommand lives in its own module and is registered here.
 */
const program = new Command()
  .name('converge')
  .description('GitOps for AWS CloudFormation')
  .showHelpAfterError();

program
  .command('dev')
  .description('run Converge locally on the embedded local cloud')
  .action(() => {
    console.log('converge dev: the local function host is not built yet.');
    console.log(
      'What exists today: the domain core and the DynamoDB store; run `npm test` to exercise them.',
    );
  });

(await import('./commands/cloud.ts')).registerCloudCommand(program);
(await import('./commands/drift.ts')).registerDriftCommand(program);
await program.parseAsync(process.argv);

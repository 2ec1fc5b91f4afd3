import type { Command } from 'commander';
import { startLocalCloud } from '../../local/start-local-cloud.ts';

interface CloudCommandOptions {
  readonly port?: string;
  readonly dynamodb: boolean;
  readonly eventTarget: string[];
}

/**
 * Registers `converge cloud`: starts the local cloud on one loopback port, prints the
 * endpoint and the environment that points AWS SDKs and the AWS CLI at it, and runs until
 * SIGINT or SIGTERM, when it stops the server and DynamoDB Local.
 *
 * @example
 * converge cloud --port 4566
 */
export function registerCloudCommand(program: Command): Command {
  return program
    .command('cloud')
    .description('run the local cloud (CloudFormation, Cloud Control, S3, DynamoDB) on one loopback endpoint')
    .option('-p, --port <port>', 'port on 127.0.0.1 (a free one when omitted)')
    .option('--no-dynamodb', 'do not start DynamoDB Local (no Java needed)')
    .option(
      '--event-target <url>',
      'POST every event to this URL (repeatable)',
      (url: string, all: string[]) => [...all, url],
      [],
    )
    .action(async function runCloud(options: CloudCommandOptions) {
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
        program.error(`--port must be a whole number from 1 to 65535, got '${options.port}'.`);
      }
      const cloud = await startLocalCloud({
        ...(port !== undefined ? { port } : {}),
        dynamodb: options.dynamodb,
        eventTargets: options.eventTarget,
      }).catch((error: Error) => program.error(`Could not start the local cloud: ${error.message}`));
      console.log(`Local cloud listening on ${cloud.endpoint}`);
      if (cloud.dynamodb) console.log(`DynamoDB Local behind it (pid ${cloud.dynamodb.pid})`);
      console.log('Point AWS SDKs and the AWS CLI at it with:');
      console.log(`  export AWS_ENDPOINT_URL=${cloud.endpoint}`);
      console.log('  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local');
      console.log('  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1');
      console.log(
        '(S3 clients need path-style addressing: forcePathStyle: true, or `addressing_style = path`.)',
      );
      console.log('Press Ctrl+C to stop.');
      const stopOnSignal = async (signal: NodeJS.Signals) => {
        console.log(`Received ${signal}; stopping the local cloud.`);
        await cloud.stop();
        process.exit(0);
      };
      process.once('SIGINT', stopOnSignal);
      process.once('SIGTERM', stopOnSignal);
    });
}

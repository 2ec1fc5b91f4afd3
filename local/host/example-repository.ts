import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The name the example repository is known by, as a GitHub repository would be. */
export const EXAMPLE_REPOSITORY = 'example/infrastructure';

const CONVERGE_YAML = `version: 1
defaults:
  region: us-east-1
  branch: main
  approval: { required: 1, autoApprove: never }
stacks:
  - name: example-app
    template: stacks/app.yaml
`;

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: A queue and a setting, managed by Converge
Parameters:
  GreetingText:
    Type: String
    Default: hello from Converge
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
  Greeting:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Ref GreetingText
Outputs:
  QueueUrl:
    Value: !Ref Jobs
`;

/** A created example repository. */
export interface ExampleRepository {
  readonly dir: string;
  readonly repository: string;
  /** The commit with converge.yaml and the template. */
  readonly revision: string;
  readonly paths: readonly string[];
}

/**
 * A small infrastructure repository in a new temp directory, for a first `converge dev`:
 * `converge.yaml` naming one stack, and a template with an SQS queue and an SSM parameter,
 * committed on `main`. git runs with the machine's configuration ignored.
 *
 * @example
 * const example = await createExampleRepository();
 * // startHost({ repositories: { [example.repository]: example.dir }, ... })
 */
export async function createExampleRepository(): Promise<ExampleRepository> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-example-'));
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
  const git = async (...args: string[]) => (await run('git', args, { cwd: dir, env })).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  await mkdir(join(dir, 'stacks'));
  await writeFile(join(dir, 'converge.yaml'), CONVERGE_YAML);
  await writeFile(join(dir, 'stacks/app.yaml'), TEMPLATE);
  await git('add', '--all');
  await git(
    '-c',
    'user.name=Converge Example',
    '-c',
    'user.email=example@converge.invalid',
    '-c',
    'commit.gpgsign=false',
    'commit',
    '--quiet',
    '--message',
    'Add the example stack',
  );
  return {
    dir,
    repository: EXAMPLE_REPOSITORY,
    revision: await git('rev-parse', 'HEAD'),
    paths: ['converge.yaml', 'stacks/app.yaml'],
  };
}

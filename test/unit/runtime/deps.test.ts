import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CloudFormationStacks } from '../../../shared/adapters/aws/cloudformation-stacks.ts';
import { DynamoDbStore } from '../../../shared/adapters/aws/dynamodb-store.ts';
import { SqsQueue } from '../../../shared/adapters/aws/sqs-queue.ts';
import { parseConfig } from '../../../shared/runtime/config.ts';
import { composeDeps } from '../../../shared/runtime/deps.ts';

const ENV = {
  AWS_REGION: 'eu-west-1',
  CONVERGE_TABLE_NAME: 'converge',
  CONVERGE_PLAN_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/converge-plan.fifo',
  CONVERGE_EXECUTE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/converge-execute.fifo',
  CONVERGE_ARTIFACT_BUCKET: 'converge-artifacts',
  CONVERGE_GITHUB_TOKEN: 'ghp_example',
};

describe('composeDeps', () => {
  it('reads no configuration until a dependency is used', () => {
    let reads = 0;
    composeDeps(() => {
      reads += 1;
      return parseConfig(ENV);
    });
    expect(reads).toBe(0);
  });

  it('picks the AWS adapters and builds each once', () => {
    const deps = composeDeps(() => parseConfig(ENV));
    expect(deps.store).toBeInstanceOf(DynamoDbStore);
    expect(deps.queue).toBeInstanceOf(SqsQueue);
    expect(deps.stacks).toBeInstanceOf(CloudFormationStacks);
    expect(deps.store).toBe(deps.store);
  });

  it('carries no approval rule of its own: first deployments are gated by the control-plane policy', () => {
    const deps = composeDeps(() => parseConfig(ENV));
    expect(deps.settings).not.toHaveProperty('defaultApproval');
  });

  it('fails with every configuration problem when a dependency needs the configuration', () => {
    const deps = composeDeps(() => parseConfig({ AWS_REGION: 'eu-west-1' }));
    expect(() => deps.store).toThrow(/CONVERGE_TABLE_NAME is missing/);
  });
});

describe('functions/', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? files(join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? [join(dir, entry.name)]
          : [],
    );

  it.each(files('functions'))('%s imports no AWS SDK client (adapters do)', (file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/from '@aws-sdk\//);
  });
});

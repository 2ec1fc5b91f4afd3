import { CloudControlClient, ListResourcesCommand } from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';

/** The variables the `converge cloud` banner tells users to export. */
const VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;

describe('AWS_ENDPOINT_URL alone points SDK clients at the local cloud', () => {
  let cloud: LocalCloud;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    cloud = await startLocalCloud({ dynamodb: false });
    for (const name of VARIABLES) saved.set(name, process.env[name]);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: cloud.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'eu-central-1',
    });
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await cloud?.stop();
  });

  it('reaches CloudFormation and Cloud Control with default client settings', async () => {
    const stacks = await new CloudFormationClient({}).send(new ListStacksCommand({}));
    expect(stacks.StackSummaries).toEqual([]);
    const resources = await new CloudControlClient({}).send(
      new ListResourcesCommand({ TypeName: 'AWS::SQS::Queue' }),
    );
    expect(resources.ResourceDescriptions).toEqual([]);
    expect(cloud.faults.counters().requests).toMatchObject({
      'cloudformation.ListStacks': 1,
      'cloudcontrolapi.ListResources': 1,
    });
  });

  it('reaches S3 once the client uses path-style addressing', async () => {
    const buckets = await new S3Client({ forcePathStyle: true }).send(new ListBucketsCommand({}));
    expect(buckets.Buckets ?? []).toEqual([]);
    expect(cloud.faults.counters().requests['s3.ListBuckets']).toBe(1);
  });
});

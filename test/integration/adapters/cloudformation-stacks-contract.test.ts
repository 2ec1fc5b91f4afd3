import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { CloudFormationStacks } from '../../../shared/adapters/aws/cloudformation-stacks.ts';
import { stacksContract } from '../../support/stacks-contract.ts';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ dynamodb: false, delays: { changeSet: 5, resource: 2 } });
});
afterAll(async () => {
  await cloud?.stop();
});

// The real AWS adapter over the SDK, against the local cloud: one client per region, as in AWS.
stacksContract('CloudFormationStacks on the local cloud', () => ({
  stacks: new CloudFormationStacks({
    client: (region) =>
      new CloudFormationClient({
        region,
        endpoint: cloud.endpoint,
        credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
      }),
  }),
  // CloudFormation finishes on its own; the contract polls the operation's status.
  settle: async () => undefined,
}));

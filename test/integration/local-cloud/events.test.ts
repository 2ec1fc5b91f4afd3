import { createServer, type Server } from 'node:http';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudEvent } from '../../../local/cloud/create-cloud-event.ts';
import type { CloudEvent, QueryProtocolService } from '../../../local/cloud/service.ts';
import { freePort } from '../../../local/net/free-port.ts';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { clientConfig } from './fake-services.ts';

/** A CloudFormation-shaped service that publishes a stack status event per CreateStack. */
function publishingService(publish: (event: CloudEvent) => void): QueryProtocolService {
  return {
    protocol: 'query',
    signingName: 'cloudformation',
    version: '2010-05-15',
    xmlNamespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
    async handle(_action, input, context) {
      const stackId = `arn:aws:cloudformation:${context.region}:000000000000:stack/${String(input.StackName)}/1`;
      publish(
        createCloudEvent({
          source: 'aws.cloudformation',
          detailType: 'CloudFormation Stack Status Change',
          region: context.region,
          resources: [stackId],
          detail: { 'stack-id': stackId, 'status-details': { status: 'CREATE_COMPLETE' } },
        }),
      );
      return { StackId: stackId };
    },
  };
}

/** An HTTP event target that fails its first `failures` deliveries with 500. */
async function startTarget(failures: number) {
  const received: CloudEvent[] = [];
  let attempts = 0;
  const server: Server = createServer((incoming, outgoing) => {
    let body = '';
    incoming.on('data', (chunk) => {
      body += chunk;
    });
    incoming.on('end', () => {
      attempts += 1;
      if (attempts <= failures) {
        outgoing.writeHead(500).end();
        return;
      }
      received.push(JSON.parse(body));
      outgoing.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    attempts: () => attempts,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('event fan-out', () => {
  let cloud: LocalCloud;
  let flaky: Awaited<ReturnType<typeof startTarget>>;
  let unreachable: string;
  const logged: string[] = [];
  let cloudFormation: CloudFormationClient;

  beforeAll(async () => {
    flaky = await startTarget(2);
    unreachable = `http://127.0.0.1:${await freePort()}/unreachable`;
    cloud = await startLocalCloud({
      dynamodb: false,
      eventTargets: [flaky.url, unreachable],
      services: ({ publish }) => [publishingService(publish)],
      log: (message) => logged.push(message),
    });
    cloudFormation = new CloudFormationClient(clientConfig(cloud.endpoint));
  });
  afterAll(async () => {
    await cloud?.stop();
    await flaky?.stop();
  });

  it('delivers published events to in-process subscribers until they unsubscribe', async () => {
    const seen: CloudEvent[] = [];
    const unsubscribe = cloud.events.subscribe((event) => seen.push(event));
    await cloudFormation.send(new CreateStackCommand({ StackName: 'first' }));
    unsubscribe();
    await cloudFormation.send(new CreateStackCommand({ StackName: 'second' }));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      version: '0',
      source: 'aws.cloudformation',
      'detail-type': 'CloudFormation Stack Status Change',
      region: 'eu-west-1',
      resources: ['arn:aws:cloudformation:eu-west-1:000000000000:stack/first/1'],
    });
  });

  it('keeps serving when a subscriber throws', async () => {
    const unsubscribe = cloud.events.subscribe(() => {
      throw new Error('subscriber broke');
    });
    await expect(cloudFormation.send(new CreateStackCommand({ StackName: 'third' }))).resolves.toBeDefined();
    unsubscribe();
    expect(logged.some((line) => line.includes('subscriber failed'))).toBe(true);
  });

  it('retries HTTP deliveries until the target accepts them (in any order, as EventBridge)', async () => {
    await expect.poll(() => flaky.received.length, { timeout: 5_000 }).toBe(3);
    expect(flaky.received.map((event) => event.resources[0]).sort()).toEqual([
      'arn:aws:cloudformation:eu-west-1:000000000000:stack/first/1',
      'arn:aws:cloudformation:eu-west-1:000000000000:stack/second/1',
      'arn:aws:cloudformation:eu-west-1:000000000000:stack/third/1',
    ]);
    expect(flaky.attempts()).toBe(5);
  });

  it('logs a target that stays unreachable and gives up on it', async () => {
    await expect
      .poll(() => logged.filter((line) => line.includes(`not delivered to ${unreachable}`)).length, {
        timeout: 10_000,
      })
      .toBe(3);
  });

  it('drops, duplicates and delays events as the fault rules say, so a later one overtakes', async () => {
    const seen: string[] = [];
    const unsubscribe = cloud.events.subscribe((event) =>
      seen.push(String(event.resources[0]).split('/')[1] ?? ''),
    );
    cloud.faults.set({ events: [{ drop: { first: 1 }, duplicate: { everyNth: 2 } }, { delayMs: 0 }] });
    await cloudFormation.send(new CreateStackCommand({ StackName: 'dropped' }));
    await cloudFormation.send(new CreateStackCommand({ StackName: 'twice' }));
    cloud.faults.set({ events: [{ status: 'CREATE_COMPLETE', delayMs: 200 }] });
    await cloudFormation.send(new CreateStackCommand({ StackName: 'late' }));
    cloud.faults.clear();
    await cloudFormation.send(new CreateStackCommand({ StackName: 'early' }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    unsubscribe();
    // Runs last: the events it publishes also reach the HTTP targets the tests above count.
    expect(seen).toEqual(['twice', 'twice', 'early', 'late']);
  });
});

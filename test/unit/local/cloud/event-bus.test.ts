import { describe, expect, it } from 'vitest';
import { createCloudEvent } from '../../../../local/cloud/create-cloud-event.ts';
import { createEventBus } from '../../../../local/cloud/event-bus.ts';
import type { CloudEvent } from '../../../../local/cloud/service.ts';

const event = createCloudEvent({
  source: 'aws.cloudformation',
  detailType: 'CloudFormation Stack Status Change',
  region: 'eu-west-1',
  resources: ['arn:aws:cloudformation:eu-west-1:000000000000:stack/web/1'],
  detail: { 'status-details': { status: 'CREATE_COMPLETE' } },
  time: new Date('2026-01-02T03:04:05.678Z'),
});

describe('createEventBus', () => {
  it('delivers each event to every subscriber until it unsubscribes', () => {
    const bus = createEventBus();
    const first: CloudEvent[] = [];
    const second: CloudEvent[] = [];
    const unsubscribe = bus.subscribe((seen) => first.push(seen));
    bus.subscribe((seen) => second.push(seen));
    bus.publish(event);
    unsubscribe();
    bus.publish(event);
    expect(first).toEqual([event]);
    expect(second).toEqual([event, event]);
  });

  it('logs a subscriber that throws and still reaches the others', () => {
    const logged: string[] = [];
    const bus = createEventBus({ log: (line) => logged.push(line) });
    const reached: CloudEvent[] = [];
    bus.subscribe(() => {
      throw new Error('broken');
    });
    bus.subscribe((seen) => reached.push(seen));
    expect(() => bus.publish(event)).not.toThrow();
    expect(reached).toEqual([event]);
    expect(logged).toEqual([expect.stringContaining(`subscriber failed on event ${event.id}`)]);
  });
});

describe('createCloudEvent', () => {
  it('builds the EventBridge envelope with the local account and a second-precision time', () => {
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'CloudFormation Stack Status Change',
      source: 'aws.cloudformation',
      account: '000000000000',
      time: '2026-01-02T03:04:05Z',
      region: 'eu-west-1',
      resources: ['arn:aws:cloudformation:eu-west-1:000000000000:stack/web/1'],
      detail: { 'status-details': { status: 'CREATE_COMPLETE' } },
    });
  });
});

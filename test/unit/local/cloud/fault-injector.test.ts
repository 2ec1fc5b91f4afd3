import { describe, expect, it } from 'vitest';
import { createFaultInjector } from '../../../../local/cloud/fault-injector.ts';

describe('createFaultInjector', () => {
  it('answers nothing without rules and still counts requests', () => {
    const faults = createFaultInjector();
    expect(faults.decide('s3', 'GetObject')).toEqual({ delayMs: 0, fault: undefined });
    expect(faults.counters()).toEqual({
      requests: { 's3.GetObject': 1 },
      throttled: {},
      errors: {},
      dropped: {},
      held: {},
      abandoned: {},
      duplicated: {},
    });
  });

  it('throttles every Nth matching request, counted per operation', () => {
    const faults = createFaultInjector({ rules: [{ service: 'dynamodb', throttle: { everyNth: 3 } }] });
    const outcomes = Array.from({ length: 6 }, () => faults.decide('dynamodb', 'PutItem').fault);
    expect(outcomes).toEqual([undefined, undefined, 'Throttling', undefined, undefined, 'Throttling']);
    expect(faults.decide('dynamodb', 'GetItem').fault).toBeUndefined();
    expect(faults.counters().throttled).toEqual({ 'dynamodb.PutItem': 2 });
  });

  it('matches rules by service and operation', () => {
    const faults = createFaultInjector({
      rules: [{ service: 'cloudformation', operation: 'CreateStack', throttle: { everyNth: 1 } }],
    });
    expect(faults.decide('cloudformation', 'CreateStack').fault).toBe('Throttling');
    expect(faults.decide('cloudformation', 'DescribeStacks').fault).toBeUndefined();
    expect(faults.decide('s3', 'CreateStack').fault).toBeUndefined();
  });

  it('replays the same probabilistic faults for the same seed', () => {
    const config = { seed: 42, rules: [{ throttle: { probability: 0.5 } }] };
    const run = () => {
      const faults = createFaultInjector(config);
      return Array.from({ length: 20 }, () => faults.decide('s3', 'GetObject').fault);
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(first.filter(Boolean).length).toBeGreaterThan(0);
    expect(first.filter(Boolean).length).toBeLessThan(20);
  });

  it('throttles above a request rate and recovers as time passes', () => {
    let now = 0;
    const faults = createFaultInjector({ rules: [{ throttle: { maxPerSecond: 2 } }] }, () => now);
    const burst = Array.from({ length: 3 }, () => faults.decide('s3', 'PutObject').fault);
    expect(burst).toEqual([undefined, undefined, 'Throttling']);
    now = 500;
    expect(faults.decide('s3', 'PutObject').fault).toBeUndefined();
    expect(faults.decide('s3', 'PutObject').fault).toBe('Throttling');
  });

  it('injects 5xx errors of the configured kind', () => {
    const faults = createFaultInjector({ rules: [{ error: { everyNth: 1, kind: 'ServiceUnavailable' } }] });
    expect(faults.decide('cloudcontrolapi', 'GetResource').fault).toBe('ServiceUnavailable');
    expect(faults.counters().errors).toEqual({ 'cloudcontrolapi.GetResource': 1 });
  });

  it('adds the latency of every matching rule', () => {
    const faults = createFaultInjector({ rules: [{ latencyMs: 10 }, { service: 's3', latencyMs: 5 }] });
    expect(faults.decide('s3', 'GetObject').delayMs).toBe(15);
    expect(faults.decide('dynamodb', 'GetItem').delayMs).toBe(10);
  });

  it('changes rules at run time and resets counters on demand', () => {
    const faults = createFaultInjector();
    faults.set({ rules: [{ throttle: { everyNth: 1 } }] });
    expect(faults.decide('s3', 'GetObject').fault).toBe('Throttling');
    faults.clear();
    expect(faults.decide('s3', 'GetObject').fault).toBeUndefined();
    faults.resetCounters();
    expect(faults.counters()).toEqual({
      requests: {},
      throttled: {},
      errors: {},
      dropped: {},
      held: {},
      abandoned: {},
      duplicated: {},
    });
  });

  it.each([
    [{ throttle: { probability: 1.5 } }, /probability must be between 0 and 1/],
    [{ error: { everyNth: 0 } }, /everyNth must be a whole number of at least 1/],
    [{ throttle: { maxPerSecond: 0 } }, /maxPerSecond must be above 0/],
    [{ latencyMs: -1 }, /latencyMs must be 0 or more/],
    [
      { error: { kind: 'Boom' as 'InternalFailure' } },
      /error kind must be InternalFailure or ServiceUnavailable/,
    ],
  ])('refuses the invalid rule %o and keeps the previous rules', (rule, message) => {
    const faults = createFaultInjector({ rules: [{ throttle: { everyNth: 1 } }] });
    expect(() => faults.set({ rules: [rule] })).toThrow(message);
    expect(faults.decide('s3', 'GetObject').fault).toBe('Throttling');
  });

  it('drops the answer of the first N matching requests, then answers again', () => {
    const faults = createFaultInjector({
      rules: [{ service: 'cloudformation', operation: 'ExecuteChangeSet', drop: { first: 2 } }],
    });
    const drops = Array.from({ length: 3 }, () => faults.decide('cloudformation', 'ExecuteChangeSet').drop);
    expect(drops).toEqual([true, true, undefined]);
    expect(faults.counters().dropped).toEqual({ 'cloudformation.ExecuteChangeSet': 2 });
  });

  it('holds matching requests until released, and abandons one whose caller went away', async () => {
    const faults = createFaultInjector({ rules: [{ operation: 'ExecuteChangeSet', hold: true }] });
    expect(faults.decide('cloudformation', 'ExecuteChangeSet').hold).toBe(true);
    let leave = () => {};
    const gone = new Promise<void>((resolve) => {
      leave = resolve;
    });
    const first = faults.park('cloudformation', 'ExecuteChangeSet', gone);
    const second = faults.park('cloudformation', 'ExecuteChangeSet', new Promise(() => {}));
    expect(faults.held().map((h) => h.operation)).toEqual(['ExecuteChangeSet', 'ExecuteChangeSet']);
    leave();
    expect(await first).toBe(false);
    expect(faults.release()).toBe(1);
    expect(await second).toBe(true);
    expect(faults.held()).toEqual([]);
    expect(faults.counters()).toMatchObject({
      held: { 'cloudformation.ExecuteChangeSet': 2 },
      abandoned: { 'cloudformation.ExecuteChangeSet': 1 },
    });
  });

  it('drops, duplicates and delays events by detail type and status', () => {
    const faults = createFaultInjector({
      events: [
        { status: 'UPDATE_COMPLETE', drop: { first: 1 } },
        { detailType: 'CloudFormation Stack Status Change', status: 'UPDATE_IN_PROGRESS', delayMs: 50 },
        { status: 'UPDATE_ROLLBACK_COMPLETE', duplicate: { everyNth: 1 } },
      ],
    });
    const type = 'CloudFormation Stack Status Change';
    expect(faults.decideEvent({ detailType: type, status: 'UPDATE_COMPLETE' })).toEqual({
      drop: true,
      duplicate: false,
      delayMs: 0,
    });
    expect(faults.decideEvent({ detailType: type, status: 'UPDATE_COMPLETE' }).drop).toBe(false);
    expect(faults.decideEvent({ detailType: type, status: 'UPDATE_IN_PROGRESS' }).delayMs).toBe(50);
    expect(faults.decideEvent({ detailType: type, status: 'UPDATE_ROLLBACK_COMPLETE' }).duplicate).toBe(true);
    expect(faults.counters()).toMatchObject({
      dropped: { [`events.${type}`]: 1 },
      duplicated: { [`events.${type}`]: 1 },
    });
  });

  it('rejects an event rule with a negative delay or a bad trigger', () => {
    expect(() => createFaultInjector({ events: [{ delayMs: -1 }] })).toThrow(/delayMs must be 0 or more/);
    expect(() => createFaultInjector({ rules: [{ drop: { first: 0 } }] })).toThrow(
      /first must be a whole number/,
    );
  });
});

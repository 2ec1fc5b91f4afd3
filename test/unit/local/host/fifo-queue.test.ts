import { describe, expect, it } from 'vitest';
import { FifoQueue } from '../../../../local/host/fifo-queue.ts';

function queueAt(start = 1_000_000) {
  const clock = { now: start };
  const queue = new FifoQueue({
    name: 'plan.fifo',
    visibilityTimeoutMs: 1_000,
    maxReceiveCount: 2,
    now: () => clock.now,
  });
  return { queue, clock };
}

describe('FifoQueue', () => {
  it('drops a message whose deduplication id was sent within five minutes, answering with the first ids', () => {
    const { queue, clock } = queueAt();
    const first = queue.send({ body: 'a', groupId: 'g', dedupeId: 'd1' });
    clock.now += 4 * 60_000;
    const again = queue.send({ body: 'a', groupId: 'g', dedupeId: 'd1' });
    expect(again).toMatchObject({ duplicate: true, messageId: first.messageId });
    expect(queue.depth).toBe(1);
  });

  it('accepts the same deduplication id again after five minutes', () => {
    const { queue, clock } = queueAt();
    queue.send({ body: 'a', groupId: 'g', dedupeId: 'd1' });
    clock.now += 5 * 60_000;
    expect(queue.send({ body: 'a', groupId: 'g', dedupeId: 'd1' }).duplicate).toBe(false);
  });

  it('gives one batch per message group at a time, in order', () => {
    const { queue } = queueAt();
    queue.send({ body: 'g1-a', groupId: 'g1', dedupeId: '1' });
    queue.send({ body: 'g1-b', groupId: 'g1', dedupeId: '2' });
    queue.send({ body: 'g2-a', groupId: 'g2', dedupeId: '3' });
    expect(queue.receive(2).map((m) => m.body)).toEqual(['g1-a', 'g1-b']);
    expect(queue.receive(10).map((m) => m.body)).toEqual(['g2-a']);
    expect(queue.receive(10)).toEqual([]);
  });

  it('holds a group back while one of its messages is in flight', () => {
    const { queue } = queueAt();
    queue.send({ body: 'first', groupId: 'g', dedupeId: '1' });
    const [first] = queue.receive(1);
    queue.send({ body: 'second', groupId: 'g', dedupeId: '2' });
    expect(queue.receive(10)).toEqual([]);
    queue.delete(first!.receiptHandle!);
    expect(queue.receive(10).map((m) => m.body)).toEqual(['second']);
  });

  it('returns a failed message after its visibility timeout, counting receives', () => {
    const { queue, clock } = queueAt();
    queue.send({ body: 'job', groupId: 'g', dedupeId: '1' });
    const [message] = queue.receive(1);
    expect(queue.fail(message!.receiptHandle!)).toBe('retry');
    expect(queue.receive(1)).toEqual([]);
    clock.now += 1_000;
    const [again] = queue.receive(1);
    expect(again?.receiveCount).toBe(2);
  });

  it('keeps a received message hidden for as long as its visibility is changed to, as ChangeMessageVisibility does', () => {
    const { queue, clock } = queueAt();
    queue.send({ body: 'job', groupId: 'g', dedupeId: '1' });
    const [message] = queue.receive(1);
    clock.now += 900;
    expect(queue.changeVisibility(message!.receiptHandle!, 1_000)).toBe(true);
    clock.now += 900;
    expect(queue.receive(1)).toEqual([]);
    clock.now += 100;
    expect(queue.receive(1)[0]?.receiveCount).toBe(2);
    expect(queue.changeVisibility('stale-handle', 1_000)).toBe(false);
  });

  it('moves a message to the dead-letter list after maxReceiveCount failed receives', () => {
    const { queue, clock } = queueAt();
    queue.send({ body: 'poison', groupId: 'g', dedupeId: '1' });
    queue.fail(queue.receive(1)[0]!.receiptHandle!);
    clock.now += 1_000;
    expect(queue.fail(queue.receive(1)[0]!.receiptHandle!)).toBe('dead-letter');
    expect(queue.depth).toBe(0);
    expect(queue.deadLetters.map((m) => m.body)).toEqual(['poison']);
  });

  it('ignores a stale receipt handle', () => {
    const { queue, clock } = queueAt();
    queue.send({ body: 'job', groupId: 'g', dedupeId: '1' });
    const [old] = queue.receive(1);
    clock.now += 1_000;
    queue.receive(1);
    expect(queue.delete(old!.receiptHandle!)).toBe(false);
    expect(queue.depth).toBe(1);
  });
});

import { createHash, randomUUID } from 'node:crypto';

/** A message as the queue keeps it. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly groupId: string;
  readonly dedupeId: string;
  readonly sequenceNumber: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** When the message may be received again; in flight until then. */
  visibleAt: number;
  /** The handle of the current receive; a stale handle deletes nothing. */
  receiptHandle?: string;
}

export interface FifoQueueOptions {
  /** The queue name, ending in `.fifo`. */
  readonly name: string;
  /** How long a received message stays hidden before it can be received again. */
  readonly visibilityTimeoutMs: number;
  /** Receives after which a message that still fails moves to the dead-letter list. */
  readonly maxReceiveCount: number;
  /** How long a deduplication id is remembered; SQS uses five minutes. */
  readonly dedupeWindowMs?: number;
  readonly now?: () => number;
}

/** SQS FIFO deduplication interval. */
const DEDUPE_WINDOW_MS = 5 * 60_000;

/**
 * An in-process SQS FIFO queue with the semantics Converge relies on: messages of one group are
 * received in order and one batch at a time (a group with a message in flight is held back), a
 * deduplication id sent again within five minutes is accepted and dropped, a received message is
 * hidden for the visibility timeout and comes back unless deleted, and after `maxReceiveCount`
 * receives a message that still fails moves to the dead-letter list.
 *
 * @example
 * const queue = new FifoQueue({ name: 'plan.fifo', visibilityTimeoutMs: 30_000, maxReceiveCount: 5 });
 * queue.send({ body, groupId: 'stack', dedupeId: 'delivery-1' });
 * const batch = queue.receive(10);
 */
export class FifoQueue {
  readonly name: string;
  readonly #options: Required<FifoQueueOptions>;
  readonly #messages: QueueMessage[] = [];
  readonly #deadLetters: QueueMessage[] = [];
  readonly #sentGroups: string[] = [];
  readonly #seen = new Map<string, { messageId: string; sequenceNumber: string; at: number }>();
  readonly #listeners = new Set<() => void>();
  #sequence = 0n;

  constructor(options: FifoQueueOptions) {
    this.#options = { dedupeWindowMs: DEDUPE_WINDOW_MS, now: Date.now, ...options };
    this.name = options.name;
  }

  /**
   * Calls `listener` after each new message (not a deduplicated repeat), so a consumer can take it
   * at once instead of at its next poll, as Lambda's long-polling event source mapping does.
   * Returns the unsubscribe function.
   */
  onSend(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Enqueues a message; a repeated deduplication id within the window returns the first send's ids. */
  send(input: { body: string; groupId: string; dedupeId: string }): {
    messageId: string;
    sequenceNumber: string;
    md5OfBody: string;
    duplicate: boolean;
  } {
    const now = this.#options.now();
    const md5OfBody = md5(input.body);
    const seen = this.#seen.get(input.dedupeId);
    if (seen && now - seen.at < this.#options.dedupeWindowMs) {
      return { messageId: seen.messageId, sequenceNumber: seen.sequenceNumber, md5OfBody, duplicate: true };
    }
    this.#sequence += 1n;
    const message: QueueMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody,
      groupId: input.groupId,
      dedupeId: input.dedupeId,
      sequenceNumber: (18_000_000_000_000_000_000n + this.#sequence).toString(),
      sentAt: now,
      receiveCount: 0,
      visibleAt: now,
    };
    this.#messages.push(message);
    this.#sentGroups.push(message.groupId);
    this.#seen.set(input.dedupeId, {
      messageId: message.messageId,
      sequenceNumber: message.sequenceNumber,
      at: now,
    });
    this.#forgetOldDedupeIds(now);
    for (const listener of this.#listeners) listener();
    return {
      messageId: message.messageId,
      sequenceNumber: message.sequenceNumber,
      md5OfBody,
      duplicate: false,
    };
  }

  /**
   * Up to `max` visible messages, oldest first, taking from a group only while none of its
   * messages is in flight, so order holds. Each is a copy carrying this receive's handle.
   */
  receive(max: number): QueueMessage[] {
    const now = this.#options.now();
    const blocked = new Set<string>();
    for (const message of this.#messages) if (message.visibleAt > now) blocked.add(message.groupId);
    const batch: QueueMessage[] = [];
    for (const message of this.#messages) {
      if (batch.length >= max) break;
      if (blocked.has(message.groupId)) continue;
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + this.#options.visibilityTimeoutMs;
      message.receiptHandle = randomUUID();
      // A copy: the receipt handle in hand stays the one of this receive.
      batch.push({ ...message });
    }
    return batch;
  }

  /** How long a received message stays hidden, unless its visibility is changed. */
  get visibilityTimeoutMs(): number {
    return this.#options.visibilityTimeoutMs;
  }

  /**
   * Hides a received message for `timeoutMs` from now (SQS ChangeMessageVisibility); a stale
   * handle changes nothing. Returns whether the message was found.
   */
  changeVisibility(receiptHandle: string, timeoutMs: number): boolean {
    const message = this.#messages.find((m) => m.receiptHandle === receiptHandle);
    if (!message) return false;
    message.visibleAt = this.#options.now() + timeoutMs;
    return true;
  }

  /** Deletes a received message (it was processed). */
  delete(receiptHandle: string): boolean {
    const index = this.#messages.findIndex((message) => message.receiptHandle === receiptHandle);
    if (index < 0) return false;
    this.#messages.splice(index, 1);
    return true;
  }

  /**
   * A received message failed: it stays hidden until its visibility timeout ends, then comes back,
   * or moves to the dead-letter list when it has been received `maxReceiveCount` times.
   */
  fail(receiptHandle: string): 'retry' | 'dead-letter' | 'unknown' {
    const index = this.#messages.findIndex((message) => message.receiptHandle === receiptHandle);
    if (index < 0) return 'unknown';
    const message = this.#messages[index]!;
    if (message.receiveCount < this.#options.maxReceiveCount) return 'retry';
    this.#messages.splice(index, 1);
    this.#deadLetters.push(message);
    return 'dead-letter';
  }

  /** Whether a message of a group `matches` accepts is waiting or in flight. */
  holds(matches: (groupId: string) => boolean): boolean {
    return this.#messages.some((message) => matches(message.groupId));
  }

  /** What the queue holds, for a test that waited too long to say why: group, receives, hidden, body. */
  describe(): string[] {
    const now = this.#options.now();
    return this.#messages.map(
      (m) =>
        `${m.groupId} received ${m.receiveCount}x${m.visibleAt > now ? ' (in flight)' : ''}: ${m.body.slice(0, 160)}`,
    );
  }

  /** Messages waiting or in flight. */
  get depth(): number {
    return this.#messages.length;
  }

  /** The message group of every message accepted so far (duplicates excluded), oldest first. */
  get sentGroups(): readonly string[] {
    return this.#sentGroups;
  }

  /** Messages that failed `maxReceiveCount` times. */
  get deadLetters(): readonly QueueMessage[] {
    return this.#deadLetters;
  }

  /** The earliest time a hidden message becomes visible, or undefined when none is hidden. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    const now = this.#options.now();
    for (const message of this.#messages) {
      if (message.visibleAt > now && (next === undefined || message.visibleAt < next))
        next = message.visibleAt;
    }
    return next;
  }

  #forgetOldDedupeIds(now: number): void {
    for (const [id, seen] of this.#seen) {
      if (now - seen.at < this.#options.dedupeWindowMs) break;
      this.#seen.delete(id);
    }
  }
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

import type { Job, Queue } from '../../ports/queue.ts';

/** A sent job with its FIFO options, as a test or the local function host sees it. */
export interface QueuedJob {
  readonly job: Job;
  readonly group: string;
  readonly dedupeId: string;
}

/**
 * The FIFO queue in memory. Like SQS FIFO, a repeated `dedupeId` is dropped (here for the life
 * of the queue rather than five minutes, which only makes tests stricter).
 */
export class MemoryQueue implements Queue {
  readonly sent: QueuedJob[] = [];
  private readonly seen = new Set<string>();

  async send(job: Job, options: { group: string; dedupeId: string }): Promise<void> {
    if (this.seen.has(options.dedupeId)) return;
    this.seen.add(options.dedupeId);
    this.sent.push({ job, ...options });
  }

  /** Removes and returns every queued job, oldest first. */
  drain(): QueuedJob[] {
    return this.sent.splice(0, this.sent.length);
  }

  /** The queued jobs of one type. */
  jobs<T extends Job['type']>(type: T): Extract<Job, { type: T }>[] {
    return this.sent
      .map((entry) => entry.job)
      .filter((job): job is Extract<Job, { type: T }> => job.type === type);
  }
}

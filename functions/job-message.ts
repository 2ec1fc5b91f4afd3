import * as z from 'zod';
import type { Job } from '../shared/ports/queue.ts';

/** A queue message that is not a Converge job; it fails until the dead-letter queue takes it. */
export class JobMessageInvalidError extends Error {
  /** Answered (and accounted) as a client error: the message, not Converge, is wrong. */
  readonly statusCode = 400;
  constructor(detail: string) {
    super(
      `The queue message is not a Converge job (${detail}); it was sent by something else or by an older version.`,
    );
    this.name = 'JobMessageInvalidError';
  }
}

const text = z.string().min(1);
const jobSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('plan'),
    kind: z.enum(['deploy', 'preview']),
    repository: text,
    revision: text,
    stackName: text,
    stackKey: text,
    requestedAt: z.number().int().nonnegative(),
    pullRequest: z.number().int().positive().optional(),
    deliveryId: text.optional(),
    author: text.optional(),
    authors: z.array(text).optional(),
    fork: z.boolean().optional(),
    deploymentId: text.optional(),
  }),
  z.strictObject({ type: z.literal('dependency-closed'), deploymentId: text, stackKey: text }),
  z.strictObject({ type: z.literal('execute'), deploymentId: text, stackKey: text }),
  z.strictObject({
    type: z.literal('remove-stack'),
    repository: text,
    revision: text,
    stackName: text,
    stackKey: text,
    requestedAt: z.number().int().nonnegative(),
    deliveryId: text.optional(),
    author: text.optional(),
    authors: z.array(text).optional(),
  }),
  z.strictObject({
    type: z.literal('cleanup-preview'),
    repository: text,
    pullRequest: z.number().int().positive(),
    stackKey: text,
  }),
]);

/** Reads an SQS message body into a {@link Job}, or throws JobMessageInvalidError saying what is wrong. */
export function parseJob(body: string): Job {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new JobMessageInvalidError('the body is not JSON');
  }
  const parsed = jobSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new JobMessageInvalidError(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

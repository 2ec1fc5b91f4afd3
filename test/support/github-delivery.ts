import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Definition {
  readonly name: string;
  readonly examples: readonly Record<string, unknown>[];
}

const definitions: readonly Definition[] = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@octokit/webhooks-examples'), 'utf8'),
);

/** A deep copy of a real payload GitHub sent for `event` (from `@octokit/webhooks-examples`). */
export function recordedExample(
  event: string,
  match: (example: Record<string, unknown>) => boolean = () => true,
) {
  const example = definitions.find((entry) => entry.name === event)?.examples.find(match);
  if (!example) throw new Error(`no recorded ${event} payload matches`);
  // biome-ignore lint/suspicious/noExplicitAny: recorded payloads are edited freely in tests
  return structuredClone(example) as Record<string, any>;
}

/** Headers and body of a delivery signed with `secret`, as GitHub sends them. */
export function signedDelivery(
  event: string,
  payload: unknown,
  options: { secret: string; deliveryId: string },
) {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', options.secret).update(body).digest('hex')}`;
  return {
    headers: {
      'X-GitHub-Event': event,
      'X-GitHub-Delivery': options.deliveryId,
      'X-Hub-Signature-256': signature,
      'Content-Type': 'application/json',
    },
    body,
  };
}

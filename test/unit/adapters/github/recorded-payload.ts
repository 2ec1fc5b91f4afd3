import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Definition {
  readonly name: string;
  readonly examples: readonly Record<string, unknown>[];
}

const definitions: readonly Definition[] = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@octokit/webhooks-examples'), 'utf8'),
);

/** A real payload GitHub sent for `name` (from `@octokit/webhooks-examples`), serialized as GitHub sends it. */
export function recordedPayload(name: string, index = 0): string {
  const example = definitions.find((entry) => entry.name === name)?.examples[index];
  if (!example) throw new Error(`no recorded ${name} payload #${index}`);
  return JSON.stringify(example);
}

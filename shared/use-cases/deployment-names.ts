import { createHash } from 'node:crypto';

const CHANGE_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

function digest(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/**
 * A deployment id that sorts by the time its plan was requested (so the newest request of a
 * stack has the greatest id) and is the same on every retry of the same job. It starts with a
 * letter so it is also a valid CloudFormation ClientRequestToken.
 *
 * @example deploymentId(1767225600000, 'delivery-1/default/eu-west-1/network') // 'd1767225600000-3f2a…'
 */
export function deploymentId(requestedAt: number, seed: string): string {
  return `d${String(requestedAt).padStart(13, '0')}-${digest(seed, 12)}`;
}

/** The part of a deployment id that makes it unique within one millisecond. */
export function deploymentSuffix(id: string): string {
  return id.slice(id.lastIndexOf('-') + 1);
}

/**
 * `converge-<short sha>-<id suffix>` (previews: `converge-pr<n>-<short sha>-<id suffix>`):
 * alphanumerics and hyphens, starting with a letter, at most 128 characters, as CloudFormation requires.
 */
export function changeSetName(input: {
  revision: string;
  deploymentId: string;
  pullRequest?: number;
}): string {
  const sha = input.revision.replace(/[^a-zA-Z0-9]/g, '').slice(0, 7);
  const pr = input.pullRequest === undefined ? '' : `pr${input.pullRequest}-`;
  const name = `converge-${pr}${sha}-${deploymentSuffix(input.deploymentId)}`;
  if (!CHANGE_SET_NAME.test(name))
    throw new Error(`Change set name ${name} breaks CloudFormation's naming rules.`);
  return name;
}

/** A FIFO deduplication id (at most 128 characters) for a job derived from `parts`. */
export function dedupeId(...parts: readonly (string | number)[]): string {
  return digest(parts.join('\u0000'), 64);
}

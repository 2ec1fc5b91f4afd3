import { createHash } from 'node:crypto';
import { SORTABLE_ID_RANDOM_BYTES, sortableId } from '../ids.ts';

const CHANGE_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

function digest(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/**
 * A deployment id that sorts by the time its plan was requested (so the newest request of a
 * stack has the greatest id) and is the same on every retry of the same job: a sortable id whose
 * "random" part is a digest of `seed`. It is also a valid CloudFormation ClientRequestToken.
 *
 * @example deploymentId(1767225600000, 'deploy|delivery-1|<sha>|default/eu-west-1/network') // '01KDX…'
 */
export function deploymentId(requestedAt: number, seed: string): string {
  const random = createHash('sha256').update(seed).digest().subarray(0, SORTABLE_ID_RANDOM_BYTES);
  return sortableId(requestedAt, random);
}

/** The part of a deployment id that makes it unique within one millisecond, lower case. */
export function deploymentSuffix(id: string): string {
  return id.slice(10).toLowerCase();
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

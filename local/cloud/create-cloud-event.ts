import { randomUUID } from 'node:crypto';
import type { CloudEvent } from './service.ts';

/** The local cloud's account id, used in ARNs and events. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Builds an EventBridge-shaped event with a fresh id and the current time.
 *
 * @example
 * publish(createCloudEvent({ source: 'aws.cloudformation', detailType: 'CloudFormation Stack Status Change',
 *   region: 'us-east-1', resources: [stackId], detail: { 'stack-id': stackId, 'status-details': { status } } }));
 */
export function createCloudEvent(input: {
  readonly source: string;
  readonly detailType: string;
  readonly region: string;
  readonly detail: Record<string, unknown>;
  readonly resources?: readonly string[];
  readonly account?: string;
  readonly time?: Date;
}): CloudEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': input.detailType,
    source: input.source,
    account: input.account ?? LOCAL_ACCOUNT_ID,
    time: (input.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: input.region,
    resources: input.resources ?? [],
    detail: input.detail,
  };
}

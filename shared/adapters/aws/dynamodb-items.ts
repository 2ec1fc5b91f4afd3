import type { Approval } from '../../domain/approval/approval.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { AuditRecord, StackState } from '../../ports/store.ts';
import { deploymentOrder } from '../../ports/store-input.ts';

/**
 * How Converge's records map onto items of the single table (docs/dynamodb-table.md).
 * Records keep their own field names as top-level attributes, so the table reads well in
 * the console and conditions can name fields directly.
 */

export type Item = Record<string, unknown>;
export type Key = { readonly pk: string; readonly sk: string };

/** The key of every kind of item. */
export const ItemKey = {
  deployment: (id: string): Key => ({ pk: `DEPLOYMENT#${id}`, sk: 'DEPLOYMENT' }),
  approval: (deploymentId: string, approver: string): Key => ({
    pk: `DEPLOYMENT#${deploymentId}`,
    sk: `APPROVAL#${approver}`,
  }),
  stack: (stackKey: string): Key => ({ pk: `STACK#${stackKey}`, sk: 'STATE' }),
  delivery: (deliveryId: string): Key => ({ pk: `DELIVERY#${deliveryId}`, sk: 'DELIVERY' }),
  /** `push` is the canonical push key (`pushKeyText`): repository, ref, before and after. */
  push: (push: string): Key => ({ pk: `PUSH#${push}`, sk: 'PUSH' }),
  audit: (subject: string, order: string): Key => ({ pk: `AUDIT#${subject}`, sk: order }),
} as const;

/** Prefix of approval sort keys inside a deployment's partition. */
export const APPROVAL_PREFIX = 'APPROVAL#';
export const stackPartition = (stackKey: string): string => `STACK#${stackKey}`;
export const statusPartition = (status: string): string => `STATUS#${status}`;
export const auditPartition = (subject: string): string => `AUDIT#${subject}`;

const KEY_ATTRIBUTES = ['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'ttl', 'order'];

export function toDeploymentItem(deployment: Deployment): Item {
  const order = deploymentOrder(deployment);
  return {
    ...plain(deployment),
    ...ItemKey.deployment(deployment.id),
    type: 'deployment',
    gsi1pk: stackPartition(deployment.stackKey),
    gsi1sk: order,
    gsi2pk: statusPartition(deployment.status),
    gsi2sk: order,
  };
}

export function fromDeploymentItem(item: Item): Deployment {
  return withoutKeys(item) as unknown as Deployment;
}

export function toApprovalItem(approval: Approval): Item {
  return {
    ...plain(approval),
    ...ItemKey.approval(approval.deploymentId, approval.approver),
    type: 'approval',
  };
}

export function fromApprovalItem(item: Item): Approval {
  return withoutKeys(item) as unknown as Approval;
}

export function toAuditItem(record: AuditRecord, order: string): Item {
  return { ...plain(record), ...ItemKey.audit(record.subject, order), type: 'audit' };
}

export function fromAuditItem(item: Item): AuditRecord {
  return withoutKeys(item) as unknown as AuditRecord;
}

/** The stack item keeps the lock as two flat attributes, so conditions can compare them. */
export function fromStackItem(item: Item): StackState {
  const { lockOwner, lockExpiresAt, ...rest } = withoutKeys(item);
  const state = rest as unknown as StackState;
  if (typeof lockOwner === 'string' && typeof lockExpiresAt === 'number') {
    return { ...state, lock: { owner: lockOwner, expiresAt: lockExpiresAt } };
  }
  return state;
}

function withoutKeys(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.includes(name)));
}

/** JSON data only: drops undefined fields, which DynamoDB cannot store. */
function plain<T>(value: T): Item {
  return JSON.parse(JSON.stringify(value)) as Item;
}

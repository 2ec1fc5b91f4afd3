import { randomUUID } from 'node:crypto';
import type { PublishEvent } from '../cloud/service.ts';
import type { Stack, StackResource } from './stack-model.ts';

/**
 * Records stack and resource status changes the way CloudFormation does: as stack events
 * (DescribeStackEvents) and as EventBridge events ("CloudFormation Stack Status Change",
 * "CloudFormation Resource Status Change").
 */
export class StackEvents {
  constructor(
    private readonly publish: PublishEvent | undefined,
    private readonly account: string,
    private readonly now: () => Date,
  ) {}

  /** Sets the stack's status and records it. */
  stackStatus(stack: Stack, status: string, reason: string | undefined, token: string | undefined): void {
    const at = this.now();
    stack.status = status;
    stack.statusReason = reason;
    stack.events.push({
      StackId: stack.id,
      EventId: randomUUID(),
      StackName: stack.name,
      LogicalResourceId: stack.name,
      PhysicalResourceId: stack.id,
      ResourceType: 'AWS::CloudFormation::Stack',
      Timestamp: at,
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
      ...(token ? { ClientRequestToken: token } : {}),
    });
    this.emit(stack, at, 'CloudFormation Stack Status Change', {
      'stack-id': stack.id,
      'status-details': { status, 'status-reason': reason ?? '' },
      ...(token ? { 'client-request-token': token } : {}),
    });
  }

  /** Records a resource status (and sets it on the resource record when there is one). */
  resourceStatus(
    stack: Stack,
    resource: Pick<StackResource, 'logicalId' | 'type'> & { physicalId?: string },
    status: string,
    reason: string | undefined,
    token: string | undefined,
  ): void {
    const at = this.now();
    const record = stack.resources.get(resource.logicalId);
    if (record && record.physicalId === resource.physicalId) {
      record.status = status;
      record.statusReason = reason;
      record.updatedAt = at;
    }
    stack.events.push({
      StackId: stack.id,
      EventId: `${resource.logicalId}-${status}-${at.toISOString()}-${randomUUID().slice(0, 8)}`,
      StackName: stack.name,
      LogicalResourceId: resource.logicalId,
      PhysicalResourceId: resource.physicalId ?? '',
      ResourceType: resource.type,
      Timestamp: at,
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
      ...(token ? { ClientRequestToken: token } : {}),
    });
    this.emit(stack, at, 'CloudFormation Resource Status Change', {
      'stack-id': stack.id,
      'logical-resource-id': resource.logicalId,
      'physical-resource-id': resource.physicalId ?? '',
      'resource-type': resource.type,
      'status-details': { status, 'status-reason': reason ?? '' },
      ...(token ? { 'client-request-token': token } : {}),
    });
  }

  /** Publishes a "CloudFormation Drift Detection Status Change" event. */
  driftStatus(stack: Stack, detail: Record<string, unknown>): void {
    this.emit(stack, this.now(), 'CloudFormation Drift Detection Status Change', {
      'stack-id': stack.id,
      ...detail,
    });
  }

  private emit(stack: Stack, at: Date, detailType: string, detail: Record<string, unknown>): void {
    this.publish?.({
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source: 'aws.cloudformation',
      account: this.account,
      time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: stack.region,
      resources: [stack.id],
      detail,
    });
  }
}

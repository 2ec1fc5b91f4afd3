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
    const subject = { logicalId: stack.name, physicalId: stack.id, type: 'AWS::CloudFormation::Stack' };
    this.record(stack, at, 'Stack', { ...subject, eventId: randomUUID() }, { status, reason, token });
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
    const eventId = `${resource.logicalId}-${status}-${at.toISOString()}-${randomUUID().slice(0, 8)}`;
    const subject = {
      logicalId: resource.logicalId,
      physicalId: resource.physicalId ?? '',
      type: resource.type,
    };
    this.record(stack, at, 'Resource', { ...subject, eventId }, { status, reason, token });
  }

  /** Publishes a "CloudFormation Drift Detection Status Change" event. */
  driftStatus(stack: Stack, detail: Record<string, unknown>): void {
    this.emit(stack, this.now(), 'CloudFormation Drift Detection Status Change', {
      'stack-id': stack.id,
      ...detail,
    });
  }

  /**
   * Records one status change of the stack itself or of one of its resources: a stack event, and
   * the EventBridge event CloudFormation sends for it (a resource's names the resource too).
   */
  private record(
    stack: Stack,
    at: Date,
    kind: 'Stack' | 'Resource',
    subject: { eventId: string; logicalId: string; physicalId: string; type: string },
    { status, reason, token }: { status: string; reason: string | undefined; token: string | undefined },
  ): void {
    stack.events.push({
      StackId: stack.id,
      EventId: subject.eventId,
      StackName: stack.name,
      LogicalResourceId: subject.logicalId,
      PhysicalResourceId: subject.physicalId,
      ResourceType: subject.type,
      Timestamp: at,
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
      ...(token ? { ClientRequestToken: token } : {}),
    });
    this.emit(stack, at, `CloudFormation ${kind} Status Change`, {
      'stack-id': stack.id,
      ...(kind === 'Stack'
        ? {}
        : {
            'logical-resource-id': subject.logicalId,
            'physical-resource-id': subject.physicalId,
            'resource-type': subject.type,
          }),
      'status-details': { status, 'status-reason': reason ?? '' },
      ...(token ? { 'client-request-token': token } : {}),
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

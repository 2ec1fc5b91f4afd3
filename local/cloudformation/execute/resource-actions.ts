import type { ResourceFailures } from '../resource-failures.ts';
import type { ResourceRegistry } from '../resource-registry.ts';
import { type ResourceLocation, resourceTypeModel, typedProperties } from '../resource-types.ts';
import type { StackEvents } from '../stack-events.ts';
import type { Stack, StackResource } from '../stack-model.ts';
import type { ResourceDeclaration } from '../template/prepare-template.ts';

/** What resource actions need: the actual resources, injected failures, events and pacing. */
export interface ResourceActionDeps {
  readonly registry: ResourceRegistry;
  readonly failures: ResourceFailures;
  readonly events: StackEvents;
  readonly account: string;
  readonly now: () => Date;
  /** Waits one resource step (the configured delay). */
  readonly pause: () => Promise<void>;
}

/** A resource action that failed, with the status reason CloudFormation records. */
export class ResourceActionFailure {
  constructor(
    readonly logicalId: string,
    /** `alarm`: a rollback trigger fired; `logicalId` is then the alarm's ARN. */
    readonly operation: 'create' | 'update' | 'delete' | 'alarm',
    readonly reason: string,
  ) {}
}

function liveProperties(
  declaration: ResourceDeclaration,
  properties: Record<string, unknown>,
  name: string,
  physicalId: string,
  attributes: Record<string, unknown>,
): Record<string, unknown> {
  const model = resourceTypeModel(declaration.type);
  return {
    ...typedProperties(declaration.type, structuredClone(properties)),
    ...(model.nameProperty ? { [model.nameProperty]: name } : {}),
    ...attributes,
    ...(model.identifierProperty ? { [model.identifierProperty]: physicalId } : {}),
  };
}

/**
 * Creates the physical resource for a declaration (a new one on replacement) and returns the
 * stack's record of it; the caller puts the record into the stack.
 */
export async function createResource(
  deps: ResourceActionDeps,
  stack: Stack,
  declaration: ResourceDeclaration,
  properties: Record<string, unknown>,
  token: string | undefined,
  replacing?: StackResource,
): Promise<StackResource | ResourceActionFailure> {
  const model = resourceTypeModel(declaration.type);
  const where: ResourceLocation = {
    stackName: stack.name,
    logicalId: declaration.logicalId,
    region: stack.region,
    account: deps.account,
  };
  const given = model.nameProperty ? properties[model.nameProperty] : undefined;
  const name = given !== undefined ? String(given) : model.generateName(where, properties);
  const physicalId = model.physicalId(name, where);
  const target = { logicalId: declaration.logicalId, type: declaration.type };
  const inProgress = replacing ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS';
  const failed = replacing ? 'UPDATE_FAILED' : 'CREATE_FAILED';
  if (!replacing) deps.events.resourceStatus(stack, target, inProgress, undefined, token);
  const injected = deps.failures.take(replacing ? 'update' : 'create', {
    logicalId: declaration.logicalId,
    resourceType: declaration.type,
    physicalId: replacing?.physicalId,
  });
  const collision = deps.registry.get(declaration.type, physicalId)
    ? `Resource of type '${declaration.type}' with identifier '${physicalId}' already exists.`
    : undefined;
  const reason = injected ?? collision;
  if (reason) {
    deps.events.resourceStatus(
      stack,
      { ...target, physicalId: replacing?.physicalId },
      failed,
      reason,
      token,
    );
    return new ResourceActionFailure(declaration.logicalId, replacing ? 'update' : 'create', reason);
  }
  deps.events.resourceStatus(
    stack,
    { ...target, physicalId },
    inProgress,
    'Resource creation Initiated',
    token,
  );
  await deps.pause();
  const attributes = model.attributes(name, physicalId, where);
  deps.registry.put({
    typeName: declaration.type,
    identifier: physicalId,
    properties: liveProperties(declaration, properties, name, physicalId, attributes),
  });
  const record: StackResource = {
    logicalId: declaration.logicalId,
    type: declaration.type,
    physicalId,
    expected: structuredClone(properties),
    attributes,
    status: replacing ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
    updatedAt: deps.now(),
    drift: { status: 'NOT_CHECKED' },
    deletionPolicy: declaration.deletionPolicy,
    updateReplacePolicy: declaration.updateReplacePolicy,
  };
  stack.resources.set(declaration.logicalId, record);
  deps.events.resourceStatus(stack, record, record.status, undefined, token);
  return record;
}

/** Updates a resource in place with the template's properties. */
export async function updateResource(
  deps: ResourceActionDeps,
  stack: Stack,
  declaration: ResourceDeclaration,
  record: StackResource,
  properties: Record<string, unknown>,
  token: string | undefined,
): Promise<undefined | ResourceActionFailure> {
  deps.events.resourceStatus(stack, record, 'UPDATE_IN_PROGRESS', undefined, token);
  const live = deps.registry.get(record.type, record.physicalId);
  const reason =
    deps.failures.take('update', {
      logicalId: record.logicalId,
      resourceType: record.type,
      physicalId: record.physicalId,
    }) ??
    (live
      ? undefined
      : `Resource of type '${record.type}' with identifier '${record.physicalId}' was not found.`);
  if (reason || !live) {
    deps.events.resourceStatus(stack, record, 'UPDATE_FAILED', reason, token);
    return new ResourceActionFailure(record.logicalId, 'update', reason ?? 'not found');
  }
  await deps.pause();
  const model = resourceTypeModel(record.type);
  const name = model.nameProperty
    ? String(live.properties[model.nameProperty] ?? record.physicalId)
    : record.physicalId;
  live.properties = liveProperties(declaration, properties, name, record.physicalId, record.attributes);
  record.expected = structuredClone(properties);
  record.deletionPolicy = declaration.deletionPolicy;
  record.updateReplacePolicy = declaration.updateReplacePolicy;
  deps.events.resourceStatus(stack, record, 'UPDATE_COMPLETE', undefined, token);
  return undefined;
}

/** Deletes a physical resource (or skips it under a Retain policy). */
export async function deleteResource(
  deps: ResourceActionDeps,
  stack: Stack,
  record: StackResource,
  token: string | undefined,
  options: { retain?: boolean } = {},
): Promise<undefined | ResourceActionFailure> {
  deps.events.resourceStatus(stack, record, 'DELETE_IN_PROGRESS', undefined, token);
  if (options.retain) {
    deps.events.resourceStatus(stack, record, 'DELETE_SKIPPED', undefined, token);
    return undefined;
  }
  const reason = deps.failures.take('delete', {
    logicalId: record.logicalId,
    resourceType: record.type,
    physicalId: record.physicalId,
  });
  if (reason) {
    deps.events.resourceStatus(stack, record, 'DELETE_FAILED', reason, token);
    return new ResourceActionFailure(record.logicalId, 'delete', reason);
  }
  await deps.pause();
  deps.registry.delete(record.type, record.physicalId);
  deps.events.resourceStatus(stack, record, 'DELETE_COMPLETE', undefined, token);
  return undefined;
}

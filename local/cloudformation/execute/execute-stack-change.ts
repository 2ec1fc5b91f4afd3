import type { AlarmStates } from '../alarm-states.ts';
import { stackResourceLookup } from '../plan/resource-lookup.ts';
import { sameValue } from '../plan/same-value.ts';
import { resourceTypeModel, supportsDriftDetection } from '../resource-types.ts';
import type { ChangeSet, Stack, StackResource } from '../stack-model.ts';
import type { PreparedTemplate } from '../template/prepare-template.ts';
import { findUnresolved } from '../template/unresolved.ts';
import {
  createResource,
  deleteResource,
  type ResourceActionDeps,
  ResourceActionFailure,
  updateResource,
} from './resource-actions.ts';

/** What the execution changed, so a failure can be rolled back. */
interface Journal {
  created: StackResource[];
  updated: Array<{
    record: StackResource;
    expected: Record<string, unknown>;
    live?: Record<string, unknown>;
  }>;
  replaced: Array<{ old: StackResource; created: StackResource }>;
}

/**
 * Executes a change set against its stack, with CloudFormation's status sequence:
 * CREATE_IN_PROGRESS → CREATE_COMPLETE (or ROLLBACK_IN_PROGRESS → ROLLBACK_COMPLETE) for a new
 * stack; UPDATE_IN_PROGRESS → UPDATE_COMPLETE_CLEANUP_IN_PROGRESS → UPDATE_COMPLETE (or
 * UPDATE_ROLLBACK_IN_PROGRESS → UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS →
 * UPDATE_ROLLBACK_COMPLETE) for an update. Returns true when the change set applied.
 */
export async function executeStackChange(
  deps: ResourceActionDeps & { phasePause: () => Promise<void>; alarms?: AlarmStates },
  stack: Stack,
  template: PreparedTemplate,
  changeSet: ChangeSet,
  token: string | undefined,
): Promise<boolean> {
  const creating = stack.status === 'REVIEW_IN_PROGRESS';
  const revertDrift = changeSet.deploymentMode === 'REVERT_DRIFT';
  deps.events.stackStatus(
    stack,
    creating ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS',
    'User Initiated',
    token,
  );
  await deps.phasePause();

  // Apply each resource in dependency order; stop at the first failure.
  const journal: Journal = { created: [], updated: [], replaced: [] };
  const lookup = stackResourceLookup(stack, template.resources, new Set());
  let failure: ResourceActionFailure | undefined;
  // Rollback triggers are watched throughout: an alarm in ALARM rolls the whole operation back.
  const triggered = () => {
    const alarm = deps.alarms?.firing(changeSet.rollbackConfiguration?.alarms ?? []);
    return alarm && new ResourceActionFailure(alarm.arn, 'alarm', alarm.reason);
  };
  for (const declaration of template.resources) {
    failure = triggered();
    if (failure) break;
    const properties = template.evaluateProperties(declaration, lookup);
    if (findUnresolved(properties))
      throw new Error(`unresolved reference while executing ${declaration.logicalId}`);
    const current = stack.resources.get(declaration.logicalId);
    const live = current ? deps.registry.get(current.type, current.physicalId) : undefined;
    if (!current || (revertDrift && !live && supportsDriftDetection(current.type))) {
      const created = await createResource(deps, stack, declaration, properties, token);
      if (created instanceof ResourceActionFailure) {
        failure = created;
        break;
      }
      journal.created.push(created);
      continue;
    }
    const model = resourceTypeModel(current.type);
    const replace = model.createOnly.some((name) => !sameValue(properties[name], current.expected[name]));
    if (replace) {
      const customName = model.nameProperty ? properties[model.nameProperty] : undefined;
      if (customName !== undefined && sameValue(customName, current.expected[model.nameProperty!])) {
        const reason = `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${String(customName)} and update the stack again.`;
        deps.events.resourceStatus(stack, current, 'UPDATE_FAILED', reason, token);
        failure = new ResourceActionFailure(current.logicalId, 'update', reason);
        break;
      }
      deps.events.resourceStatus(
        stack,
        current,
        'UPDATE_IN_PROGRESS',
        'Requested update requires the creation of a new physical resource; hence creating one.',
        token,
      );
      const created = await createResource(deps, stack, declaration, properties, token, current);
      if (created instanceof ResourceActionFailure) {
        failure = created;
        break;
      }
      journal.replaced.push({ old: current, created });
      continue;
    }
    const base = revertDrift && live ? live.properties : current.expected;
    const keys = new Set([...Object.keys(properties), ...Object.keys(current.expected)]);
    const differs = [...keys].some((name) => !sameValue(properties[name], base[name]));
    if (!differs) {
      current.expected = structuredClone(properties);
      continue;
    }
    const before = {
      record: current,
      expected: current.expected,
      live: live ? structuredClone(live.properties) : undefined,
    };
    const updated = await updateResource(deps, stack, declaration, current, properties, token);
    if (updated instanceof ResourceActionFailure) {
      failure = updated;
      break;
    }
    journal.updated.push(before);
  }
  // The monitoring period: the local cloud looks once after every resource is deployed, without waiting.
  if (!failure) failure = triggered();

  if (failure) {
    if (creating) {
      stack.templateBody = template.body;
      stack.parameters = template.parameters;
      stack.tags = changeSet.tags;
    }
    await rollBack(deps, stack, creating, journal, failure, token);
    return false;
  }

  // Record the new template, then clean up removed and replaced resources.
  const wanted = new Set(template.resources.map((resource) => resource.logicalId));
  const removed = [...stack.resources.values()].filter((record) => !wanted.has(record.logicalId));
  stack.templateBody = template.body;
  stack.description = template.description;
  stack.parameters = template.parameters;
  stack.tags = changeSet.tags;
  stack.capabilities = changeSet.capabilities;
  stack.roleArn = changeSet.roleArn ?? stack.roleArn;
  stack.outputs = template.evaluateOutputs(lookup);
  stack.lastChangeSetId = changeSet.id;
  stack.updatedAt = creating ? undefined : deps.now();
  if (revertDrift) markInSync(stack, deps.now());
  if (creating) {
    deps.events.stackStatus(stack, 'CREATE_COMPLETE', undefined, token);
    return true;
  }
  deps.events.stackStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', undefined, token);
  await deps.phasePause();
  for (const record of removed.reverse()) {
    stack.resources.delete(record.logicalId);
    await deleteResource(deps, stack, record, token, { retain: record.deletionPolicy === 'Retain' });
  }
  for (const { old } of journal.replaced.reverse()) {
    await deleteResource(deps, stack, old, token, { retain: old.updateReplacePolicy === 'Retain' });
  }
  deps.events.stackStatus(stack, 'UPDATE_COMPLETE', undefined, token);
  return true;
}

function markInSync(stack: Stack, at: Date): void {
  stack.drift = { status: 'IN_SYNC', lastCheck: at };
  for (const record of stack.resources.values()) {
    if (supportsDriftDetection(record.type)) record.drift = { status: 'IN_SYNC', lastCheck: at };
  }
}

async function rollBack(
  deps: ResourceActionDeps & { phasePause: () => Promise<void> },
  stack: Stack,
  creating: boolean,
  journal: Journal,
  failure: ResourceActionFailure,
  token: string | undefined,
): Promise<void> {
  const verb = failure.operation === 'create' ? 'create' : 'update';
  const alarm = failure.operation === 'alarm';
  const because = alarm
    ? `Rollback triggered by alarm ${failure.logicalId}${failure.reason ? `: ${failure.reason}` : ''}.`
    : `The following resource(s) failed to ${verb}: [${failure.logicalId}]. `;
  if (creating) {
    deps.events.stackStatus(
      stack,
      'ROLLBACK_IN_PROGRESS',
      alarm ? because : `${because}Rollback requested by user.`,
      token,
    );
    await deps.phasePause();
    for (const record of journal.created.reverse()) {
      stack.resources.delete(record.logicalId);
      await deleteResource(deps, stack, record, token);
    }
    deps.events.stackStatus(stack, 'ROLLBACK_COMPLETE', undefined, token);
    return;
  }
  deps.events.stackStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', because, token);
  await deps.phasePause();
  // Put updated resources back to their previous properties, and point replaced ones back.
  for (const { record, expected, live } of journal.updated.reverse()) {
    deps.events.resourceStatus(stack, record, 'UPDATE_IN_PROGRESS', undefined, token);
    await deps.pause();
    const actual = deps.registry.get(record.type, record.physicalId);
    if (actual && live) actual.properties = live;
    record.expected = expected;
    deps.events.resourceStatus(stack, record, 'UPDATE_COMPLETE', undefined, token);
  }
  for (const { old } of journal.replaced.reverse()) {
    stack.resources.set(old.logicalId, old);
    deps.events.resourceStatus(stack, old, 'UPDATE_COMPLETE', undefined, token);
  }
  deps.events.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', undefined, token);
  await deps.phasePause();
  for (const { created } of journal.replaced) await deleteResource(deps, stack, created, token);
  for (const record of journal.created.reverse()) {
    if (stack.resources.get(record.logicalId) === record) stack.resources.delete(record.logicalId);
    await deleteResource(deps, stack, record, token);
  }
  deps.events.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE', undefined, token);
}

import { AwsServiceError } from '../../cloud/service.ts';
import type { ResourceRegistry } from '../resource-registry.ts';
import { resourceTypeModel, supportsDriftDetection } from '../resource-types.ts';
import type { Stack, StackResource } from '../stack-model.ts';
import type { PreparedTemplate, ResourceDeclaration } from '../template/prepare-template.ts';
import { findUnresolved, Unresolved } from '../template/unresolved.ts';
import { type Change, type ChangeDetail, type ResourceChange, valueText } from './change-model.ts';
import { stackResourceLookup } from './resource-lookup.ts';
import { sameValue } from './same-value.ts';

/** What AWS shows for a value that is only known once the change set executes. */
export const KNOWN_AFTER_APPLY = '{{changeSet:KNOWN_AFTER_APPLY}}';

export interface PlanResult {
  readonly changes: Change[];
  /** For drift-aware change sets: DRIFTED when a resource's actual state differs from its last deployment. */
  readonly stackDriftStatus?: string;
}

/**
 * Computes a change set's changes: the new template against the last deployment (standard),
 * or against the actual state of the resources (`REVERT_DRIFT`, a drift-aware change set).
 */
export function planChanges(
  template: PreparedTemplate,
  stack: Stack,
  registry: ResourceRegistry,
  revertDrift: boolean,
): PlanResult {
  const changes: Change[] = [];
  const pending = new Set<string>();
  const lookup = stackResourceLookup(stack, template.resources, pending);
  const retyped = template.resources.filter((resource) => {
    const current = stack.resources.get(resource.logicalId);
    return current !== undefined && current.type !== resource.type;
  });
  if (retyped.length > 0) {
    throw new AwsServiceError(
      'ValidationError',
      `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${retyped.map((resource) => resource.logicalId).join(', ')}]`,
    );
  }
  let drifted = false;
  for (const declaration of template.resources) {
    const properties = template.evaluateProperties(declaration, lookup);
    const current = stack.resources.get(declaration.logicalId);
    if (!current) {
      pending.add(declaration.logicalId);
      changes.push(resourceChange(addChange(declaration, properties)));
      continue;
    }
    const live = registry.get(current.type, current.physicalId);
    if (revertDrift && !live && supportsDriftDetection(current.type)) {
      drifted = true;
      pending.add(declaration.logicalId);
      changes.push(
        resourceChange({
          ...addChange(declaration, properties),
          PhysicalResourceId: current.physicalId,
          ResourceDriftStatus: 'DELETED',
          PreviousDeploymentContext: JSON.stringify({ Properties: current.expected }),
        }),
      );
      continue;
    }
    const base = revertDrift && live ? live.properties : current.expected;
    const change = modifyChange(template, stack, declaration, current, properties, base, revertDrift);
    if (
      revertDrift &&
      change.ResourceDriftStatus !== 'IN_SYNC' &&
      change.ResourceDriftStatus !== 'NOT_CHECKED'
    ) {
      drifted = true;
    }
    if (change.Details.length === 0) continue;
    if (change.Replacement !== 'False') pending.add(declaration.logicalId);
    changes.push(resourceChange(change));
  }
  // Outputs are checked now (an unknown attribute fails here), evaluated after execution.
  template.evaluateOutputs(lookup);
  const wanted = new Set(template.resources.map((resource) => resource.logicalId));
  for (const current of stack.resources.values()) {
    if (wanted.has(current.logicalId)) continue;
    changes.push(
      resourceChange({
        Action: 'Remove',
        LogicalResourceId: current.logicalId,
        PhysicalResourceId: current.physicalId,
        ResourceType: current.type,
        PolicyAction: (current.deletionPolicy ?? 'Delete') as ResourceChange['PolicyAction'],
        Scope: [],
        Details: [],
        BeforeContext: JSON.stringify({ Properties: current.expected }),
      }),
    );
  }
  return { changes, ...(revertDrift ? { stackDriftStatus: drifted ? 'DRIFTED' : 'IN_SYNC' } : {}) };
}

function resourceChange(change: ResourceChange): Change {
  return { Type: 'Resource', ResourceChange: change };
}

function addChange(declaration: ResourceDeclaration, properties: Record<string, unknown>): ResourceChange {
  return {
    Action: 'Add',
    LogicalResourceId: declaration.logicalId,
    ResourceType: declaration.type,
    Scope: [],
    Details: [],
    AfterContext: JSON.stringify({ Properties: renderUnknown(properties) }),
  };
}

function modifyChange(
  template: PreparedTemplate,
  stack: Stack,
  declaration: ResourceDeclaration,
  current: StackResource,
  properties: Record<string, unknown>,
  base: Record<string, unknown>,
  revertDrift: boolean,
): ResourceChange {
  const createOnly = new Set(resourceTypeModel(declaration.type).createOnly);
  const changedParameters = Object.keys(template.parameters).filter(
    (name) => stack.parameters[name]?.value !== template.parameters[name]?.value,
  );
  const details: ChangeDetail[] = [];
  let driftedProperties = false;
  const keys = new Set([...Object.keys(properties), ...Object.keys(current.expected)]);
  for (const name of keys) {
    const after = properties[name];
    const before = base[name];
    const previous = current.expected[name];
    const actualDiffers = revertDrift && !sameValue(before, previous);
    if (actualDiffers) driftedProperties = true;
    const requiresRecreation = createOnly.has(name) ? 'Always' : 'Never';
    const unresolved = findUnresolved(after);
    if (unresolved) {
      details.push({
        Target: {
          Attribute: 'Properties',
          Name: name,
          RequiresRecreation: requiresRecreation,
          Path: `/Properties/${name}`,
          BeforeValue: valueText(before),
          AfterValue: KNOWN_AFTER_APPLY,
          AttributeChangeType: 'Modify',
        },
        Evaluation: 'Dynamic',
        ChangeSource: unresolved.causingEntity.includes('.') ? 'ResourceAttribute' : 'ResourceReference',
        CausingEntity: unresolved.causingEntity,
      });
      continue;
    }
    const syncOnly = revertDrift && sameValue(after, before) && !sameValue(after, previous);
    if (sameValue(after, before) && !syncOnly) continue;
    const rawValue = declaration.properties[name];
    const parameter = changedParameters.find((candidate) => refersToParameter(rawValue, candidate));
    details.push({
      Target: {
        Attribute: 'Properties',
        Name: name,
        RequiresRecreation: syncOnly ? 'Never' : requiresRecreation,
        Path: `/Properties/${name}`,
        BeforeValue: valueText(before),
        AfterValue: valueText(after),
        ...(revertDrift
          ? { BeforeValueFrom: 'ACTUAL_STATE' as const, AfterValueFrom: 'TEMPLATE' as const }
          : {}),
        ...(actualDiffers
          ? { Drift: { PreviousValue: valueText(previous), ActualValue: valueText(before) } }
          : {}),
        AttributeChangeType: syncOnly
          ? 'SyncWithActual'
          : before === undefined
            ? 'Add'
            : after === undefined
              ? 'Remove'
              : 'Modify',
      },
      Evaluation: 'Static',
      ChangeSource: parameter ? 'ParameterReference' : 'DirectModification',
      ...(parameter ? { CausingEntity: parameter } : {}),
    });
  }
  const replacing = details.filter((detail) => detail.Target.RequiresRecreation === 'Always');
  const replacement = replacing.some((detail) => detail.Evaluation === 'Static')
    ? 'True'
    : replacing.length > 0
      ? 'Conditional'
      : 'False';
  const replacePolicy = current.updateReplacePolicy ?? declaration.updateReplacePolicy;
  return {
    Action:
      details.length > 0 && details.every((detail) => detail.Target.AttributeChangeType === 'SyncWithActual')
        ? 'SyncWithActual'
        : 'Modify',
    LogicalResourceId: declaration.logicalId,
    PhysicalResourceId: current.physicalId,
    ResourceType: declaration.type,
    Replacement: replacement,
    ...(replacement === 'True'
      ? { PolicyAction: `ReplaceAnd${replacePolicy ?? 'Delete'}` as ResourceChange['PolicyAction'] }
      : {}),
    Scope: details.length > 0 ? ['Properties'] : [],
    Details: details,
    ...(revertDrift
      ? {
          ResourceDriftStatus: !supportsDriftDetection(declaration.type)
            ? 'NOT_CHECKED'
            : driftedProperties
              ? 'MODIFIED'
              : 'IN_SYNC',
          PreviousDeploymentContext: JSON.stringify({ Properties: current.expected }),
        }
      : {}),
    BeforeContext: JSON.stringify({ Properties: base }),
    AfterContext: JSON.stringify({ Properties: renderUnknown(properties) }),
  };
}

function refersToParameter(value: unknown, parameter: string): boolean {
  if (Array.isArray(value)) return value.some((item) => refersToParameter(item, parameter));
  if (typeof value === 'string') return false;
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  if (record.Ref === parameter) return true;
  const sub = record['Fn::Sub'];
  const text = Array.isArray(sub) ? sub[0] : sub;
  if (typeof text === 'string' && new RegExp(`\\$\\{\\s*${parameter}\\s*\\}`).test(text)) return true;
  return Object.values(record).some((item) => refersToParameter(item, parameter));
}

function renderUnknown(value: unknown): unknown {
  if (value instanceof Unresolved) return KNOWN_AFTER_APPLY;
  if (Array.isArray(value)) return value.map(renderUnknown);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderUnknown(item)]));
  }
  return value;
}

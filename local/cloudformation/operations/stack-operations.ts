import {
  AwsServiceError,
  type RequestContext,
  type ServiceInput,
  type ServiceOutput,
} from '../../cloud/service.ts';
import { type EmulatorState, list, requiredString } from '../emulator-state.ts';
import { deleteResource, ResourceActionFailure } from '../execute/resource-actions.ts';
import { requiredCapability } from '../resource-types.ts';
import { isStackBusy, type Stack, type StackResource } from '../stack-model.ts';
import { parseTemplateDocument } from '../template/parse-template-document.ts';
import { prepareTemplate } from '../template/prepare-template.ts';

function driftInformation(
  drift: { status: string; lastCheck?: Date },
  statusKey: string,
): Record<string, unknown> {
  return { [statusKey]: drift.status, ...(drift.lastCheck ? { LastCheckTimestamp: drift.lastCheck } : {}) };
}

function describeStack(stack: Stack): Record<string, unknown> {
  return {
    StackId: stack.id,
    StackName: stack.name,
    ...(stack.lastChangeSetId ? { ChangeSetId: stack.lastChangeSetId } : {}),
    ...(stack.description ? { Description: stack.description } : {}),
    Parameters: Object.entries(stack.parameters).map(([key, parameter]) => ({
      ParameterKey: key,
      ParameterValue: parameter.noEcho ? '****' : parameter.value,
    })),
    CreationTime: stack.createdAt,
    ...(stack.updatedAt ? { LastUpdatedTime: stack.updatedAt } : {}),
    ...(stack.deletedAt ? { DeletionTime: stack.deletedAt } : {}),
    StackStatus: stack.status,
    ...(stack.statusReason ? { StackStatusReason: stack.statusReason } : {}),
    DisableRollback: false,
    NotificationARNs: [],
    Capabilities: stack.capabilities,
    Outputs: stack.outputs,
    ...(stack.roleArn ? { RoleARN: stack.roleArn } : {}),
    Tags: stack.tags,
    EnableTerminationProtection: false,
    DriftInformation: driftInformation(stack.drift, 'StackDriftStatus'),
  };
}

/** DescribeStacks: one stack (by name or ARN) or every live stack. */
export function describeStacks(state: EmulatorState, input: ServiceInput): ServiceOutput {
  if (input.StackName !== undefined && input.StackName !== '')
    return { Stacks: [describeStack(state.stack(input.StackName))] };
  return {
    Stacks: [...state.stacks.values()]
      .filter((stack) => stack.status !== 'DELETE_COMPLETE')
      .map(describeStack),
  };
}

/** ListStacks: every stack, deleted ones included, filtered by `StackStatusFilter`. */
export function listStacks(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const filter = list<string>(input.StackStatusFilter);
  const summaries = [...state.stacks.values()]
    .filter((stack) => filter.length === 0 || filter.includes(stack.status))
    .map((stack) => ({
      StackId: stack.id,
      StackName: stack.name,
      ...(stack.description ? { TemplateDescription: stack.description } : {}),
      CreationTime: stack.createdAt,
      ...(stack.updatedAt ? { LastUpdatedTime: stack.updatedAt } : {}),
      ...(stack.deletedAt ? { DeletionTime: stack.deletedAt } : {}),
      StackStatus: stack.status,
      ...(stack.statusReason ? { StackStatusReason: stack.statusReason } : {}),
      DriftInformation: driftInformation(stack.drift, 'StackDriftStatus'),
    }));
  return { StackSummaries: summaries };
}

/** DescribeStackEvents: newest first. */
export function describeStackEvents(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const stack = state.stack(input.StackName);
  return { StackEvents: [...stack.events].reverse() };
}

function resourceSummary(resource: StackResource): Record<string, unknown> {
  return {
    LogicalResourceId: resource.logicalId,
    PhysicalResourceId: resource.physicalId,
    ResourceType: resource.type,
    LastUpdatedTimestamp: resource.updatedAt,
    ResourceStatus: resource.status,
    ...(resource.statusReason ? { ResourceStatusReason: resource.statusReason } : {}),
    DriftInformation: driftInformation(resource.drift, 'StackResourceDriftStatus'),
  };
}

/** ListStackResources. */
export function listStackResources(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const stack = state.stack(input.StackName);
  return { StackResourceSummaries: [...stack.resources.values()].map(resourceSummary) };
}

/** DescribeStackResources: by stack, or by the physical id of one of its resources. */
export function describeStackResources(state: EmulatorState, input: ServiceInput): ServiceOutput {
  let stack: Stack | undefined;
  if (input.StackName !== undefined) {
    stack = state.stack(input.StackName);
  } else if (typeof input.PhysicalResourceId === 'string') {
    stack = [...state.stacks.values()].find((candidate) =>
      [...candidate.resources.values()].some((resource) => resource.physicalId === input.PhysicalResourceId),
    );
    if (!stack)
      throw new AwsServiceError('ValidationError', `Stack for ${input.PhysicalResourceId} does not exist`);
  } else {
    throw new AwsServiceError('ValidationError', 'Either StackName or PhysicalResourceId must be specified.');
  }
  const found = stack;
  const resources = [...found.resources.values()]
    .filter(
      (resource) => input.LogicalResourceId === undefined || resource.logicalId === input.LogicalResourceId,
    )
    .filter(
      (resource) =>
        input.PhysicalResourceId === undefined || resource.physicalId === input.PhysicalResourceId,
    )
    .map((resource) => {
      const { LastUpdatedTimestamp, ...summary } = resourceSummary(resource);
      return { StackName: found.name, StackId: found.id, ...summary, Timestamp: LastUpdatedTimestamp };
    });
  return { StackResources: resources };
}

/** GetTemplate: the stack's template, or a change set's. */
export function getTemplate(state: EmulatorState, input: ServiceInput): ServiceOutput {
  if (input.ChangeSetName !== undefined) {
    const changeSet = state.changeSet(input.ChangeSetName, input.StackName);
    return { TemplateBody: changeSet.templateBody, StagesAvailable: ['Original', 'Processed'] };
  }
  const stack = state.stack(input.StackName);
  if (!stack.templateBody) {
    throw new AwsServiceError(
      'ValidationError',
      `Stack with id ${String(input.StackName)} has no template yet`,
    );
  }
  return { TemplateBody: stack.templateBody, StagesAvailable: ['Original', 'Processed'] };
}

/** ValidateTemplate: parameters, description and the capabilities the template needs. */
export async function validateTemplate(
  state: EmulatorState,
  input: ServiceInput,
  context: RequestContext,
): Promise<ServiceOutput> {
  let body = typeof input.TemplateBody === 'string' ? input.TemplateBody : undefined;
  if (body === undefined && typeof input.TemplateURL === 'string' && state.fetchTemplate) {
    body = await state.fetchTemplate(input.TemplateURL).catch(() => {
      throw new AwsServiceError(
        'ValidationError',
        'TemplateURL must reference a valid S3 object to which you have access.',
      );
    });
  }
  if (body === undefined)
    throw new AwsServiceError('ValidationError', 'Either TemplateBody or TemplateURL must be specified.');
  const document = parseTemplateDocument(body);
  const declarations = (document.Parameters ?? {}) as Record<string, Record<string, unknown>>;
  const placeholders = Object.keys(declarations).map((key) => ({
    ParameterKey: key,
    ParameterValue: placeholder(declarations[key]),
  }));
  const template = prepareTemplate(body, placeholders, undefined, {
    stackName: 'validate',
    stackId: `arn:aws:cloudformation:${context.region}:${state.account}:stack/validate/0`,
    region: context.region,
    account: state.account,
  });
  const capabilities = [
    ...new Set(template.resources.map((resource) => requiredCapability(resource.type, resource.properties))),
  ].filter((capability): capability is string => capability !== undefined);
  return {
    Parameters: Object.entries(declarations).map(([key, declaration]) => ({
      ParameterKey: key,
      ...(declaration?.Default !== undefined ? { DefaultValue: String(declaration.Default) } : {}),
      NoEcho: declaration?.NoEcho === true || declaration?.NoEcho === 'true',
      ...(typeof declaration?.Description === 'string' ? { Description: declaration.Description } : {}),
    })),
    ...(template.description ? { Description: template.description } : {}),
    Capabilities: capabilities,
    ...(capabilities.length > 0
      ? { CapabilitiesReason: 'The following resource(s) require capabilities: IAM resources' }
      : {}),
    DeclaredTransforms: [],
  };
}

function placeholder(declaration: Record<string, unknown> | undefined): string {
  if (declaration?.Default !== undefined) return String(declaration.Default);
  if (Array.isArray(declaration?.AllowedValues) && declaration.AllowedValues.length > 0)
    return String(declaration.AllowedValues[0]);
  return declaration?.Type === 'Number' || declaration?.Type === 'List<Number>' ? '0' : 'x';
}

/** DeleteStack: deletes the resources in reverse order in the background; unknown names succeed. */
export function deleteStack(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const name = requiredString(input.StackName, 'StackName');
  const stack = name.startsWith('arn:') ? state.stacks.get(name) : state.liveStack(name);
  if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {};
  if (isStackBusy(stack.status)) {
    throw new AwsServiceError(
      'ValidationError',
      `Stack [${stack.name}] cannot be deleted while in status ${stack.status}`,
    );
  }
  const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
  for (const changeSet of [...state.changeSets.values()]) {
    if (changeSet.stackId === stack.id) state.changeSets.delete(changeSet.id);
  }
  const deps = state.actionDeps();
  const retained = new Set(list<string>(input.RetainResources));
  state.events.stackStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated', token);
  state.background(async () => {
    await deps.phasePause();
    const failed: string[] = [];
    for (const record of [...stack.resources.values()].reverse()) {
      const retain = record.deletionPolicy === 'Retain' || retained.has(record.logicalId);
      const outcome = await deleteResource(deps, stack, record, token, { retain });
      if (outcome instanceof ResourceActionFailure) failed.push(record.logicalId);
      else stack.resources.delete(record.logicalId);
    }
    if (failed.length > 0) {
      state.events.stackStatus(
        stack,
        'DELETE_FAILED',
        `The following resource(s) failed to delete: [${failed.join(', ')}]. `,
        token,
      );
      return;
    }
    stack.deletedAt = state.now();
    state.events.stackStatus(stack, 'DELETE_COMPLETE', undefined, token);
  });
  return {};
}

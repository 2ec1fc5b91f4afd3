import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AwsServiceError,
  type RequestContext,
  type ServiceInput,
  type ServiceOutput,
} from '../../cloud/service.ts';
import { type EmulatorState, flag, list, requiredString } from '../emulator-state.ts';
import { planChanges } from '../plan/plan-changes.ts';
import { sameValue } from '../plan/same-value.ts';
import { requiredCapability } from '../resource-types.ts';
import { type ChangeSet, isStackBusy, type Stack } from '../stack-model.ts';
import { parseTemplateDocument, type TemplateDocument } from '../template/parse-template-document.ts';
import { type PreparedTemplate, prepareTemplate } from '../template/prepare-template.ts';
import type { ParameterInput } from '../template/resolve-parameters.ts';
import { checkTemplateBodySize } from '../template/template-size.ts';

const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationError', message);
}

async function templateBodyOf(
  state: EmulatorState,
  input: ServiceInput,
  stack: Stack | undefined,
): Promise<string> {
  const sources = [
    input.TemplateBody,
    input.TemplateURL,
    flag(input.UsePreviousTemplate) || undefined,
  ].filter((source) => source !== undefined && source !== '');
  if (sources.length !== 1) {
    throw validation('Specify exactly one of TemplateBody, TemplateURL or UsePreviousTemplate.');
  }
  if (typeof input.TemplateBody === 'string' && input.TemplateBody !== '') return input.TemplateBody;
  if (flag(input.UsePreviousTemplate)) {
    if (!stack?.templateBody)
      throw validation('UsePreviousTemplate needs an existing stack with a template.');
    return stack.templateBody;
  }
  if (!state.fetchTemplate) {
    throw validation(
      'TemplateURL cannot be read: this local cloud has no template store; pass TemplateBody.',
    );
  }
  try {
    return await state.fetchTemplate(String(input.TemplateURL));
  } catch {
    throw validation('TemplateURL must reference a valid S3 object to which you have access.');
  }
}

function checkCapabilities(template: PreparedTemplate, given: readonly string[]): void {
  const needed = new Set(
    template.resources
      .map((resource) => requiredCapability(resource.type, resource.properties))
      .filter(Boolean),
  );
  if (needed.has('CAPABILITY_NAMED_IAM') && !given.includes('CAPABILITY_NAMED_IAM')) {
    throw new AwsServiceError(
      'InsufficientCapabilitiesException',
      'Requires capabilities : [CAPABILITY_NAMED_IAM]',
    );
  }
  if (
    needed.has('CAPABILITY_IAM') &&
    !given.includes('CAPABILITY_IAM') &&
    !given.includes('CAPABILITY_NAMED_IAM')
  ) {
    throw new AwsServiceError(
      'InsufficientCapabilitiesException',
      'Requires capabilities : [CAPABILITY_IAM]',
    );
  }
}

/** CreateChangeSet: validates synchronously, then computes the changes in the background. */
export async function createChangeSet(
  state: EmulatorState,
  input: ServiceInput,
  context: RequestContext,
): Promise<ServiceOutput> {
  const stackName = requiredString(input.StackName, 'StackName');
  const name = requiredString(input.ChangeSetName, 'ChangeSetName');
  checkTemplateBodySize(input.TemplateBody);
  if (!stackName.startsWith('arn:') && !/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(stackName)) {
    throw validation(
      `1 validation error detected: Value '${stackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
    );
  }
  if (!/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(name)) {
    throw validation(`ChangeSetName ${name} must match [a-zA-Z][-a-zA-Z0-9]* and be at most 128 characters.`);
  }
  const type = (input.ChangeSetType ?? 'UPDATE') as string;
  if (type !== 'CREATE' && type !== 'UPDATE') {
    throw validation(
      `ChangeSetType ${type} is not supported by Converge's local cloud; use CREATE or UPDATE.`,
    );
  }
  const rollbackConfiguration = rollbackConfigurationOf(input.RollbackConfiguration);
  const revertDrift = input.DeploymentMode === 'REVERT_DRIFT';
  if (input.DeploymentMode !== undefined && !revertDrift) {
    throw validation(
      `DeploymentMode ${String(input.DeploymentMode)} is not valid; the only value is REVERT_DRIFT.`,
    );
  }
  if (revertDrift && type !== 'UPDATE')
    throw validation('DeploymentMode REVERT_DRIFT needs ChangeSetType UPDATE.');
  const byArn = stackName.startsWith('arn:') ? state.stacks.get(stackName) : undefined;
  const existing = stackName.startsWith('arn:')
    ? byArn?.status === 'DELETE_COMPLETE'
      ? undefined
      : byArn
    : state.liveStack(stackName);
  if (stackName.startsWith('arn:') && !existing) throw validation(`Stack [${stackName}] does not exist`);

  // Idempotency: the same ClientToken and name answer with the change set already made.
  const clientToken = typeof input.ClientToken === 'string' ? input.ClientToken : undefined;
  if (existing && clientToken) {
    const same = [...state.changeSets.values()].find(
      (candidate) =>
        candidate.stackId === existing.id && candidate.clientToken === clientToken && candidate.name === name,
    );
    if (same) return { Id: same.id, StackId: same.stackId };
  }

  // The stack must be in a state the change set type allows.
  if (type === 'CREATE' && existing && existing.status !== 'REVIEW_IN_PROGRESS') {
    throw validation(
      `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`,
    );
  }
  if (type === 'UPDATE') {
    if (!existing) throw validation(`Stack [${stackName}] does not exist`);
    if (
      existing.status === 'REVIEW_IN_PROGRESS' ||
      existing.status === 'ROLLBACK_COMPLETE' ||
      isStackBusy(existing.status)
    ) {
      throw validation(`Stack:${existing.id} is in ${existing.status} state and can not be updated.`);
    }
  }
  if (
    existing &&
    [...state.changeSets.values()].some(
      (candidate) => candidate.stackId === existing.id && candidate.name === name,
    )
  ) {
    throw new AwsServiceError('AlreadyExistsException', `ChangeSet [${name}] already exists`);
  }

  // Read and evaluate the template, then check capabilities and compute the plan.
  const stackId =
    existing?.id ??
    `arn:aws:cloudformation:${context.region}:${state.account}:stack/${stackName}/${randomUUID()}`;
  const body = await templateBodyOf(state, input, existing);
  const identity = { stackName, stackId, region: existing?.region ?? context.region, account: state.account };
  const template = prepareTemplate(
    body,
    list<ParameterInput>(input.Parameters),
    existing?.parameters,
    identity,
  );
  const capabilities = list<string>(input.Capabilities);
  checkCapabilities(template, capabilities);
  const stack: Stack = existing ?? {
    id: stackId,
    name: stackName,
    region: context.region,
    createdAt: state.now(),
    status: 'REVIEW_IN_PROGRESS',
    parameters: {},
    tags: [],
    capabilities: [],
    outputs: [],
    resources: new Map(),
    events: [],
    drift: { status: 'NOT_CHECKED' },
  };
  const plan = planChanges(template, stack, state.registry, revertDrift);
  const tags = list<{ Key: string; Value: string }>(input.Tags);
  if (!existing) {
    state.stacks.set(stack.id, stack);
    state.events.stackStatus(stack, 'REVIEW_IN_PROGRESS', 'User Initiated', undefined);
  }
  const changeSet: ChangeSet = {
    id: `arn:aws:cloudformation:${stack.region}:${state.account}:changeSet/${name}/${randomUUID()}`,
    name,
    stackId: stack.id,
    type,
    createdAt: state.now(),
    templateBody: body,
    parameters: template.parameters,
    tags: tags.length > 0 || !existing ? tags : existing.tags,
    capabilities,
    roleArn: typeof input.RoleARN === 'string' ? input.RoleARN : undefined,
    description: typeof input.Description === 'string' ? input.Description : undefined,
    clientToken,
    deploymentMode: revertDrift ? 'REVERT_DRIFT' : undefined,
    ...(rollbackConfiguration ? { rollbackConfiguration } : {}),
    status: 'CREATE_PENDING',
    executionStatus: 'UNAVAILABLE',
    changes: [],
    stackDriftStatus: plan.stackDriftStatus,
  };
  state.changeSets.set(changeSet.id, changeSet);
  const empty =
    plan.changes.length === 0 &&
    existing !== undefined &&
    nothingElseChanged(existing, changeSet, template.document);
  state.background(async () => {
    await sleep(state.delays.changeSet);
    changeSet.status = 'CREATE_IN_PROGRESS';
    await sleep(state.delays.changeSet);
    if (empty) {
      changeSet.status = 'FAILED';
      changeSet.statusReason = NO_CHANGES;
      return;
    }
    changeSet.changes = plan.changes;
    changeSet.status = 'CREATE_COMPLETE';
    changeSet.executionStatus = 'AVAILABLE';
  });
  return { Id: changeSet.id, StackId: stack.id };
}

/**
 * RollbackConfiguration as CloudFormation validates it: at most 5 triggers, each a CloudWatch
 * alarm ARN of Type AWS::CloudWatch::Alarm, and MonitoringTimeInMinutes from 0 to 180.
 */
function rollbackConfigurationOf(value: unknown): ChangeSet['rollbackConfiguration'] {
  if (value === undefined) return undefined;
  const config = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const triggers = list<Record<string, unknown>>(config.RollbackTriggers);
  if (triggers.length > 5) throw validation('RollbackTriggers can name at most 5 alarms.');
  const alarms = triggers.map((trigger) => {
    if (trigger.Type !== 'AWS::CloudWatch::Alarm') {
      throw validation(
        `Rollback trigger type ${String(trigger.Type)} is not valid; use AWS::CloudWatch::Alarm.`,
      );
    }
    const arn = String(trigger.Arn ?? '');
    if (!/^arn:aws[a-z-]*:cloudwatch:[^:]+:\d{12}:alarm:.+$/.test(arn)) {
      throw validation(`Rollback trigger ${arn} is not a CloudWatch alarm ARN.`);
    }
    return arn;
  });
  const minutes = config.MonitoringTimeInMinutes === undefined ? 0 : Number(config.MonitoringTimeInMinutes);
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 180) {
    throw validation('MonitoringTimeInMinutes must be a whole number from 0 to 180.');
  }
  return { alarms, monitoringMinutes: minutes };
}

function nothingElseChanged(stack: Stack, changeSet: ChangeSet, document: TemplateDocument): boolean {
  if (changeSet.deploymentMode === 'REVERT_DRIFT') return true;
  const values = (parameters: Stack['parameters']) =>
    Object.fromEntries(Object.entries(parameters).map(([key, parameter]) => [key, parameter.value]));
  const previous = stack.templateBody ? parseTemplateDocument(stack.templateBody) : {};
  return (
    JSON.stringify(document) === JSON.stringify(previous) &&
    sameValue(values(changeSet.parameters), values(stack.parameters)) &&
    sameValue(changeSet.tags, stack.tags)
  );
}

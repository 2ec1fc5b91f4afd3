import {
  AwsServiceError,
  type QueryInputType,
  type QueryProtocolService,
  type RequestContext,
  type ServiceInput,
  type ServiceOutput,
} from '../cloud/service.ts';
import type { EmulatorState } from './emulator-state.ts';
import { createChangeSet } from './operations/create-change-set.ts';
import { deleteChangeSet } from './operations/delete-change-set.ts';
import { deleteStack } from './operations/delete-stack.ts';
import { describeChangeSet } from './operations/describe-change-set.ts';
import { describeStackDriftDetectionStatus } from './operations/describe-stack-drift-detection-status.ts';
import { describeStackEvents } from './operations/describe-stack-events.ts';
import { describeStackResourceDrifts } from './operations/describe-stack-resource-drifts.ts';
import { describeStackResources } from './operations/describe-stack-resources.ts';
import { describeStacks } from './operations/describe-stacks.ts';
import { detectStackDriftOperation } from './operations/detect-stack-drift-operation.ts';
import { executeChangeSet } from './operations/execute-change-set.ts';
import { getTemplate } from './operations/get-template.ts';
import { getTemplateSummary } from './operations/get-template-summary.ts';
import { listChangeSets } from './operations/list-change-sets.ts';
import { listStackResources } from './operations/list-stack-resources.ts';
import { listStacks } from './operations/list-stacks.ts';
import { updateTerminationProtection } from './operations/update-termination-protection.ts';
import { validateTemplate } from './operations/validate-template.ts';

type Operation = (
  state: EmulatorState,
  input: ServiceInput,
  context: RequestContext,
) => ServiceOutput | Promise<ServiceOutput>;

const OPERATIONS: Record<string, Operation> = {
  CreateChangeSet: createChangeSet,
  DescribeChangeSet: describeChangeSet,
  ListChangeSets: listChangeSets,
  DeleteChangeSet: deleteChangeSet,
  ExecuteChangeSet: executeChangeSet,
  DescribeStacks: describeStacks,
  ListStacks: listStacks,
  DescribeStackEvents: describeStackEvents,
  ListStackResources: listStackResources,
  DescribeStackResources: describeStackResources,
  GetTemplate: getTemplate,
  GetTemplateSummary: getTemplateSummary,
  ValidateTemplate: validateTemplate,
  DeleteStack: deleteStack,
  UpdateTerminationProtection: updateTerminationProtection,
  DetectStackDrift: detectStackDriftOperation,
  DescribeStackDriftDetectionStatus: describeStackDriftDetectionStatus,
  DescribeStackResourceDrifts: describeStackResourceDrifts,
};

/**
 * CloudFormation over the AWS Query protocol (version 2010-05-15): change sets (standard and
 * drift-aware), stack operations with their asynchronous statuses, and drift detection.
 */
export class CloudFormationService implements QueryProtocolService {
  readonly protocol = 'query' as const;
  readonly signingName = 'cloudformation';
  readonly version = '2010-05-15';
  readonly xmlNamespace = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
  /** DeleteStack has no output shape; every other emulated action has one (maybe empty). */
  readonly actionsWithoutOutput: ReadonlySet<string> = new Set(['DeleteStack']);
  readonly inputTypes: Readonly<Record<string, QueryInputType>> = {
    Capabilities: 'list',
    Parameters: 'list',
    Tags: 'list',
    NotificationARNs: 'list',
    ResourceTypes: 'list',
    RetainResources: 'list',
    StackStatusFilter: 'list',
    StackResourceDriftStatusFilters: 'list',
    UsePreviousTemplate: 'boolean',
    UsePreviousValue: 'boolean',
    IncludePropertyValues: 'boolean',
    IncludeNestedStacks: 'boolean',
    ImportExistingResources: 'boolean',
    DisableRollback: 'boolean',
    EnableTerminationProtection: 'boolean',
    MaxResults: 'number',
  };

  constructor(private readonly state: EmulatorState) {}

  async handle(action: string, input: ServiceInput, context: RequestContext): Promise<ServiceOutput> {
    const operation = OPERATIONS[action];
    if (!operation) {
      throw new AwsServiceError(
        'InvalidAction',
        `${action} is not emulated by Converge's local cloud (see local/cloudformation/README.md).`,
      );
    }
    return operation(this.state, input, context);
  }
}

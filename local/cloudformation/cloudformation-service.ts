import {
  AwsServiceError,
  type QueryInputType,
  type QueryProtocolService,
  type RequestContext,
  type ServiceInput,
  type ServiceOutput,
} from '../cloud/service.ts';
import type { EmulatorState } from './emulator-state.ts';
import {
  createChangeSet,
  deleteChangeSet,
  describeChangeSet,
  executeChangeSet,
  listChangeSets,
} from './operations/change-set-operations.ts';
import {
  describeStackDriftDetectionStatus,
  describeStackResourceDrifts,
  detectStackDriftOperation,
} from './operations/drift-operations.ts';
import {
  deleteStack,
  describeStackEvents,
  describeStackResources,
  describeStacks,
  getTemplate,
  listStackResources,
  listStacks,
  validateTemplate,
} from './operations/stack-operations.ts';

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
  ValidateTemplate: validateTemplate,
  DeleteStack: deleteStack,
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

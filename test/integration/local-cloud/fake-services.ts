import {
  AwsServiceError,
  type JsonProtocolService,
  type QueryProtocolService,
} from '../../../local/cloud/service.ts';

/** Everything a fake service was called with, so tests can assert what the codec decoded. */
export interface Recorded {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly region: string;
}

/** A CloudFormation-shaped Query service that records its inputs and answers fixed shapes. */
export function fakeCloudFormation(calls: Recorded[]): QueryProtocolService {
  return {
    protocol: 'query',
    signingName: 'cloudformation',
    version: '2010-05-15',
    xmlNamespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
    inputTypes: { DisableRollback: 'boolean', TimeoutInMinutes: 'number', Capabilities: 'list' },
    async handle(action, input, context) {
      calls.push({ operation: action, input, region: context.region });
      if (action === 'CreateStack')
        return { StackId: `arn:aws:cloudformation:${context.region}:000000000000:stack/s/1` };
      if (action === 'DescribeStacks') {
        if (input.StackName === 'missing') {
          throw new AwsServiceError('ValidationError', 'Stack with id missing does not exist');
        }
        return {
          Stacks: [
            {
              StackName: 'web & <api>',
              StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/web/1',
              StackStatus: 'CREATE_COMPLETE',
              CreationTime: new Date('2026-01-02T03:04:05.678Z'),
              EnableTerminationProtection: true,
              TimeoutInMinutes: 30,
              Parameters: [
                { ParameterKey: 'Env', ParameterValue: 'prod' },
                { ParameterKey: 'Size', ParameterValue: 'line1\r\nline2' },
              ],
              Tags: [],
              Capabilities: ['CAPABILITY_IAM'],
            },
          ],
        };
      }
      if (action === 'ListStacks') return { StackSummaries: [] };
      throw new AwsServiceError('InvalidAction', `Could not find operation ${action}`);
    },
  };
}

/** A Cloud Control-shaped JSON 1.0 service that records its inputs. */
export function fakeCloudControl(calls: Recorded[]): JsonProtocolService {
  return {
    protocol: 'json',
    signingName: 'cloudcontrolapi',
    targetPrefix: 'CloudApiService',
    jsonVersion: '1.0',
    async handle(operation, input, context) {
      calls.push({ operation, input, region: context.region });
      if (operation === 'GetResource') {
        throw new AwsServiceError(
          'ResourceNotFoundException',
          `Resource ${String(input.Identifier)} not found`,
        );
      }
      return {
        ProgressEvent: {
          TypeName: input.TypeName,
          Identifier: 'queue-1',
          RequestToken: 'token-1',
          Operation: 'CREATE',
          OperationStatus: 'IN_PROGRESS',
          EventTime: new Date('2026-01-02T03:04:05.500Z'),
          ResourceModel: input.DesiredState,
        },
      };
    },
  };
}

/** SDK client settings for the local cloud: any credentials work. */
export function clientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  };
}

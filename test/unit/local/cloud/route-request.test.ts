import { describe, expect, it } from 'vitest';
import { routeRequest } from '../../../../local/cloud/route-request.ts';
import type { JsonProtocolService, QueryProtocolService } from '../../../../local/cloud/service.ts';

const cloudFormation = { protocol: 'query', signingName: 'cloudformation' } as QueryProtocolService;
const cloudControl = {
  protocol: 'json',
  signingName: 'cloudcontrolapi',
  targetPrefix: 'CloudApiService',
} as JsonProtocolService;
const directory = {
  queryBySigningName: new Map([['cloudformation', cloudFormation]]),
  jsonByTargetPrefix: new Map([['CloudApiService', cloudControl]]),
};
const scope = (service: string) => ({ accessKeyId: 'A', date: '20260101', region: 'us-east-1', service });

describe('routeRequest', () => {
  it.each([
    [
      'DynamoDB by target',
      { 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      'dynamodb',
      { kind: 'dynamodb', operation: 'PutItem' },
    ],
    [
      'DynamoDB Streams by target',
      { 'x-amz-target': 'DynamoDBStreams_20120810.GetRecords' },
      'dynamodb',
      { kind: 'dynamodb', operation: 'GetRecords' },
    ],
    [
      'Cloud Control by target',
      { 'x-amz-target': 'CloudApiService.GetResource' },
      'cloudcontrolapi',
      { kind: 'json', service: cloudControl, operation: 'GetResource' },
    ],
    ['CloudFormation by signing name', {}, 'cloudformation', { kind: 'query', service: cloudFormation }],
    ['S3 by signing name', {}, 's3', { kind: 's3' }],
    [
      'an unknown JSON target',
      { 'x-amz-target': 'AmazonSQS.ListQueues' },
      'sqs',
      { kind: 'unknown', service: 'sqs', json: true },
    ],
    ['an unknown signing name', {}, 'sns', { kind: 'unknown', service: 'sns', json: false }],
  ])('routes %s', (_name, headers, service, route) => {
    expect(routeRequest(directory, headers, scope(service))).toEqual(route);
  });

  it('routes unsigned requests without a target to S3', () => {
    expect(routeRequest(directory, {}, undefined)).toEqual({ kind: 's3' });
  });
});

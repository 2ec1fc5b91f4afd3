import { FaultKind } from './fault-injector.ts';
import { AwsServiceError } from './service.ts';

/** The protocols (and protocol dialects) whose services answer faults differently. */
export type FaultProtocol = 'query' | 'json' | 'dynamodb' | 's3';

/** DynamoDB data-plane operations, which throttle with ProvisionedThroughputExceededException. */
const DYNAMODB_DATA_PLANE = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

/**
 * The error a real AWS service answers for an injected fault: Query services throttle with
 * `Throttling` ("Rate exceeded", 400), JSON services with `ThrottlingException`, DynamoDB
 * data-plane calls with `ProvisionedThroughputExceededException`, S3 with `SlowDown` (503).
 * Server faults are `InternalFailure` (500) / `ServiceUnavailable` (503), named as each
 * service names them (DynamoDB `InternalServerError`, S3 `InternalError`).
 */
export function faultError(kind: FaultKind, protocol: FaultProtocol, operation: string): AwsServiceError {
  if (kind === FaultKind.Throttling) return throttlingError(protocol, operation);
  if (kind === FaultKind.ServiceUnavailable) {
    const message =
      protocol === 's3'
        ? 'Please reduce your request rate.'
        : 'The service is unavailable. Please try again later.';
    return new AwsServiceError('ServiceUnavailable', message, { statusCode: 503 });
  }
  const code = {
    query: 'InternalFailure',
    json: 'InternalFailure',
    dynamodb: 'InternalServerError',
    s3: 'InternalError',
  }[protocol];
  return new AwsServiceError(code, 'We encountered an internal error. Please try again.', {
    statusCode: 500,
  });
}

function throttlingError(protocol: FaultProtocol, operation: string): AwsServiceError {
  switch (protocol) {
    case 'query':
      return new AwsServiceError('Throttling', 'Rate exceeded', { statusCode: 400 });
    case 'json':
      return new AwsServiceError('ThrottlingException', 'Rate exceeded', { statusCode: 400 });
    case 'dynamodb':
      return DYNAMODB_DATA_PLANE.has(operation)
        ? new AwsServiceError(
            'ProvisionedThroughputExceededException',
            'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
          )
        : new AwsServiceError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
    case 's3':
      return new AwsServiceError('SlowDown', 'Please reduce your request rate.', { statusCode: 503 });
  }
}

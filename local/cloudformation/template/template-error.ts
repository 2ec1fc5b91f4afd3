import { AwsServiceError } from '../../cloud/service.ts';

/** A template CloudFormation would reject: `ValidationError` with a "Template error" message. */
export function templateError(message: string): AwsServiceError {
  return new AwsServiceError('ValidationError', `Template error: ${message}`);
}

/** A template whose structure is wrong: `ValidationError` with a "Template format error" message. */
export function templateFormatError(message: string): AwsServiceError {
  return new AwsServiceError('ValidationError', `Template format error: ${message}`);
}

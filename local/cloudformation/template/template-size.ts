import { TEMPLATE_BODY_MAX_BYTES } from '../../../shared/domain/template/template-limits.ts';
import { AwsServiceError } from '../../cloud/service.ts';

/**
 * Refuses a `TemplateBody` over CloudFormation's 51,200-byte request limit the way the API
 * does: a `ValidationError` from the request's constraint check, before anything else is read.
 * Without it, the local cloud would accept what AWS refuses, and nothing would prove a large
 * template goes through S3 (`TemplateURL`, whose 1 MB limit `parseTemplateDocument` keeps).
 */
export function checkTemplateBodySize(templateBody: unknown): void {
  if (typeof templateBody !== 'string') return;
  if (Buffer.byteLength(templateBody) <= TEMPLATE_BODY_MAX_BYTES) return;
  throw new AwsServiceError(
    'ValidationError',
    `1 validation error detected: Value '${templateBody}' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${TEMPLATE_BODY_MAX_BYTES}`,
  );
}

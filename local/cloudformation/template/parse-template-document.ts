import { parseTemplate } from '../../../shared/domain/template/parse-template.ts';
import {
  TemplateInvalidError,
  TemplateTooLargeError,
} from '../../../shared/domain/template/template-error.ts';
import { AwsServiceError } from '../../cloud/service.ts';

/** A template document as CloudFormation reads it: plain JSON values, intrinsics in long form. */
export type TemplateDocument = Record<string, unknown>;

/**
 * Parses a template body (JSON, or YAML with CloudFormation's short-form tags such as `!Ref`,
 * `!Sub`, `!GetAtt A.B`) into a plain document with long-form intrinsics, with Converge's
 * shared template parser.
 *
 * @throws AwsServiceError `ValidationError` ("Template format error: ...") when the body is not
 *   a template CloudFormation would read.
 */
export function parseTemplateDocument(body: string): TemplateDocument {
  try {
    return { ...parseTemplate(body, { file: 'template' }).body };
  } catch (error) {
    if (error instanceof TemplateInvalidError) {
      throw new AwsServiceError(
        'ValidationError',
        `Template format error: ${error.reason} (line ${error.line}, column ${error.column})`,
      );
    }
    if (error instanceof TemplateTooLargeError) {
      throw new AwsServiceError('ValidationError', `Template may not exceed ${error.limit} bytes in size.`);
    }
    throw error;
  }
}

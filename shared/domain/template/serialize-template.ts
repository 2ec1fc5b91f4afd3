import type { ParsedTemplate } from './parse-template.ts';

/**
 * A parsed template as JSON, the form CloudFormation returns from `GetTemplate` when the
 * template was submitted as JSON. Intrinsic functions are already in long form.
 *
 * @example
 * serializeTemplate(parseTemplate(yamlText, { file: 't.yaml' })); // '{\n  "Resources": ...'
 */
export function serializeTemplate(
  template: Pick<ParsedTemplate, 'body'>,
  { indent = 2 }: { indent?: number } = {},
): string {
  return JSON.stringify(template.body, null, indent);
}

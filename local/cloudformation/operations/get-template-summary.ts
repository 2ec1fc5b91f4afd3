import type { RequestContext, ServiceInput, ServiceOutput } from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';
import { parseTemplateDocument } from '../template/parse-template-document.ts';
import { getTemplate } from './get-template.ts';
import { validateTemplate } from './validate-template.ts';

/**
 * GetTemplateSummary: what ValidateTemplate says of a template (given as TemplateBody or
 * TemplateURL, or a stack's by StackName), with each parameter's type, the resource types and the
 * format version. `aws cloudformation deploy` calls it with StackName before updating a stack.
 */
export async function getTemplateSummary(
  state: EmulatorState,
  input: ServiceInput,
  context: RequestContext,
): Promise<ServiceOutput> {
  const body =
    input.StackName !== undefined && input.TemplateBody === undefined && input.TemplateURL === undefined
      ? String(getTemplate(state, { StackName: input.StackName }).TemplateBody)
      : undefined;
  const summary = await validateTemplate(state, body === undefined ? input : { TemplateBody: body }, context);
  const document = parseTemplateDocument(
    body ?? (typeof input.TemplateBody === 'string' ? input.TemplateBody : undefined) ?? '{}',
  );
  const declarations = (document.Parameters ?? {}) as Record<string, Record<string, unknown>>;
  const resources = (document.Resources ?? {}) as Record<string, { Type?: unknown }>;
  const parameters = (summary.Parameters ?? []) as Record<string, unknown>[];
  return {
    ...summary,
    Parameters: parameters.map((parameter) => ({
      ...parameter,
      ParameterType: String(declarations[String(parameter.ParameterKey)]?.Type ?? 'String'),
    })),
    ResourceTypes: [...new Set(Object.values(resources).map((resource) => String(resource?.Type)))],
    ...(typeof document.AWSTemplateFormatVersion === 'string'
      ? { Version: document.AWSTemplateFormatVersion }
      : {}),
  };
}

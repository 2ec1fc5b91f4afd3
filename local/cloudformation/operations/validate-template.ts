import {
  AwsServiceError,
  type RequestContext,
  type ServiceInput,
  type ServiceOutput,
} from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';
import { requiredCapability } from '../resource-types.ts';
import { parseTemplateDocument } from '../template/parse-template-document.ts';
import { prepareTemplate } from '../template/prepare-template.ts';
import { checkTemplateBodySize } from '../template/template-size.ts';

/** ValidateTemplate: parameters, description and the capabilities the template needs. */
export async function validateTemplate(
  state: EmulatorState,
  input: ServiceInput,
  context: RequestContext,
): Promise<ServiceOutput> {
  checkTemplateBodySize(input.TemplateBody);
  let body = typeof input.TemplateBody === 'string' ? input.TemplateBody : undefined;
  if (body === undefined && typeof input.TemplateURL === 'string' && state.fetchTemplate) {
    body = await state.fetchTemplate(input.TemplateURL).catch(() => {
      throw new AwsServiceError(
        'ValidationError',
        'TemplateURL must reference a valid S3 object to which you have access.',
      );
    });
  }
  if (body === undefined)
    throw new AwsServiceError('ValidationError', 'Either TemplateBody or TemplateURL must be specified.');
  const document = parseTemplateDocument(body);
  const declarations = (document.Parameters ?? {}) as Record<string, Record<string, unknown>>;
  const placeholders = Object.keys(declarations).map((key) => ({
    ParameterKey: key,
    ParameterValue: placeholder(declarations[key]),
  }));
  const template = prepareTemplate(body, placeholders, undefined, {
    stackName: 'validate',
    stackId: `arn:aws:cloudformation:${context.region}:${state.account}:stack/validate/0`,
    region: context.region,
    account: state.account,
  });
  const capabilities = [
    ...new Set(template.resources.map((resource) => requiredCapability(resource.type, resource.properties))),
  ].filter((capability): capability is string => capability !== undefined);
  return {
    Parameters: Object.entries(declarations).map(([key, declaration]) => ({
      ParameterKey: key,
      ...(declaration?.Default !== undefined ? { DefaultValue: String(declaration.Default) } : {}),
      NoEcho: declaration?.NoEcho === true || declaration?.NoEcho === 'true',
      ...(typeof declaration?.Description === 'string' ? { Description: declaration.Description } : {}),
    })),
    ...(template.description ? { Description: template.description } : {}),
    Capabilities: capabilities,
    ...(capabilities.length > 0
      ? { CapabilitiesReason: 'The following resource(s) require capabilities: IAM resources' }
      : {}),
    DeclaredTransforms: [],
  };
}

function placeholder(declaration: Record<string, unknown> | undefined): string {
  if (declaration?.Default !== undefined) return String(declaration.Default);
  if (Array.isArray(declaration?.AllowedValues) && declaration.AllowedValues.length > 0)
    return String(declaration.AllowedValues[0]);
  return declaration?.Type === 'Number' || declaration?.Type === 'List<Number>' ? '0' : 'x';
}

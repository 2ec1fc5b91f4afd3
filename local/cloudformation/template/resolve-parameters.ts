import { AwsServiceError } from '../../cloud/service.ts';

/** A parameter as CreateChangeSet receives it. */
export interface ParameterInput {
  readonly ParameterKey?: string;
  readonly ParameterValue?: string;
  readonly UsePreviousValue?: boolean | string;
}

/** A parameter's resolved value, as the stack keeps it. */
export interface ResolvedParameter {
  readonly value: string;
  readonly type: string;
  readonly noEcho: boolean;
}

export type ResolvedParameters = Readonly<Record<string, ResolvedParameter>>;

interface ParameterDeclaration {
  Type?: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number | string;
  MaxLength?: number | string;
  MinValue?: number | string;
  MaxValue?: number | string;
  NoEcho?: boolean | string;
  ConstraintDescription?: string;
}

const PLAIN_TYPES = new Set(['String', 'Number', 'CommaDelimitedList', 'List<Number>']);

function validationError(message: string): AwsServiceError {
  return new AwsServiceError('ValidationError', message);
}

/**
 * Resolves the values of a template's parameters from what the caller passed, the
 * declared defaults and (for `UsePreviousValue`) the stack's previous values, and checks
 * them against their type and constraints, with CloudFormation's messages.
 */
export function resolveParameters(
  declarations: Readonly<Record<string, unknown>>,
  inputs: readonly ParameterInput[],
  previous: ResolvedParameters | undefined,
): ResolvedParameters {
  const given = new Map<string, ParameterInput>();
  for (const input of inputs) {
    if (!input.ParameterKey) throw validationError('Every parameter needs a ParameterKey.');
    given.set(input.ParameterKey, input);
  }
  const unknown = [...given.keys()].filter((key) => !Object.hasOwn(declarations, key));
  if (unknown.length > 0)
    throw validationError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);

  const resolved: Record<string, ResolvedParameter> = {};
  const missing: string[] = [];
  for (const [name, raw] of Object.entries(declarations)) {
    const declaration = (raw ?? {}) as ParameterDeclaration;
    const type = declaration.Type ?? 'String';
    if (!PLAIN_TYPES.has(type) && !type.startsWith('AWS::') && !type.startsWith('List<AWS::')) {
      throw validationError(`Template format error: Unrecognized parameter type: ${type}`);
    }
    if (type.startsWith('AWS::SSM::Parameter::')) {
      throw validationError(
        `Parameter '${name}' has type ${type}, which Converge's local cloud does not resolve; pass the value as a String parameter.`,
      );
    }
    const input = given.get(name);
    let value: string | undefined;
    if (input && (input.UsePreviousValue === true || input.UsePreviousValue === 'true')) {
      value = previous?.[name]?.value;
      if (value === undefined) {
        throw validationError(
          `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
      }
    } else if (input?.ParameterValue !== undefined) {
      value = input.ParameterValue;
    } else if (declaration.Default !== undefined) {
      value = Array.isArray(declaration.Default)
        ? declaration.Default.join(',')
        : String(declaration.Default);
    }
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    checkConstraints(name, type, declaration, value);
    resolved[name] = { value, type, noEcho: declaration.NoEcho === true || declaration.NoEcho === 'true' };
  }
  if (missing.length > 0) throw validationError(`Parameters: [${missing.join(', ')}] must have values`);
  return resolved;
}

function checkConstraints(
  name: string,
  type: string,
  declaration: ParameterDeclaration,
  value: string,
): void {
  const explain = declaration.ConstraintDescription ? ` ${declaration.ConstraintDescription}` : '';
  const items = type.startsWith('List<') || type === 'CommaDelimitedList' ? value.split(',') : [value];
  if (type === 'Number' || type === 'List<Number>') {
    for (const item of items) {
      if (item.trim() === '' || Number.isNaN(Number(item))) {
        throw validationError(`Parameter '${name}' must be a number.${explain}`);
      }
      if (declaration.MinValue !== undefined && Number(item) < Number(declaration.MinValue)) {
        throw validationError(
          `Parameter '${name}' must be a number not less than ${declaration.MinValue}${explain}`,
        );
      }
      if (declaration.MaxValue !== undefined && Number(item) > Number(declaration.MaxValue)) {
        throw validationError(
          `Parameter '${name}' must be a number not greater than ${declaration.MaxValue}${explain}`,
        );
      }
    }
  }
  if (
    declaration.AllowedValues &&
    !items.every((item) => declaration.AllowedValues!.map(String).includes(item))
  ) {
    throw validationError(`Parameter '${name}' must be one of AllowedValues${explain}`);
  }
  if (type === 'String') {
    if (
      declaration.AllowedPattern !== undefined &&
      !new RegExp(`^(?:${declaration.AllowedPattern})$`).test(value)
    ) {
      throw validationError(`Parameter '${name}' must match pattern ${declaration.AllowedPattern}${explain}`);
    }
    if (declaration.MinLength !== undefined && value.length < Number(declaration.MinLength)) {
      throw validationError(
        `Parameter '${name}' must contain at least ${declaration.MinLength} characters${explain}`,
      );
    }
    if (declaration.MaxLength !== undefined && value.length > Number(declaration.MaxLength)) {
      throw validationError(
        `Parameter '${name}' must contain at most ${declaration.MaxLength} characters${explain}`,
      );
    }
  }
}

/** The value `Ref` gives for a parameter: lists become arrays. */
export function parameterReferenceValue(parameter: ResolvedParameter): unknown {
  return parameter.type.startsWith('List<') || parameter.type === 'CommaDelimitedList'
    ? parameter.value.split(',')
    : parameter.value;
}

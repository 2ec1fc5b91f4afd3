import { templateError } from './template-error.ts';
import { findUnresolved, NO_VALUE, Unresolved } from './unresolved.ts';

/** What intrinsic functions can look up while a template is evaluated. */
export interface EvaluationScope {
  /** Parameter and pseudo-parameter values; list parameters are arrays. */
  readonly references: Readonly<Record<string, unknown>>;
  readonly mappings: Readonly<Record<string, unknown>>;
  readonly region: string;
  condition(name: string): boolean;
  /** True when `logicalId` names a resource of the template (whatever its condition). */
  isResource(logicalId: string): boolean;
  /** The `Ref` value of a resource, or `Unresolved` before it exists. */
  resourceRef(logicalId: string): unknown;
  /** The `Fn::GetAtt` value of a resource, or `Unresolved` before it exists. */
  resourceAttribute(logicalId: string, attribute: string): unknown;
}

const UNSUPPORTED = new Set([
  'Fn::ImportValue',
  'Fn::Transform',
  'Fn::Cidr',
  'Fn::Length',
  'Fn::ToJsonString',
]);

/** The intrinsic function name of `value` when it is a one-key intrinsic object. */
export function intrinsicName(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

/**
 * Evaluates a template fragment: intrinsic functions are applied, `AWS::NoValue` removes
 * entries, and references to resources that do not exist yet become `Unresolved`.
 *
 * @throws AwsServiceError `ValidationError` for anything CloudFormation would reject and for
 *   functions the local cloud does not evaluate (`Fn::ImportValue`, `Fn::Cidr`, ...).
 */
export function evaluateIntrinsics(value: unknown, scope: EvaluationScope): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => evaluateIntrinsics(item, scope)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object' || value instanceof Unresolved) return value;
  const name = intrinsicName(value);
  if (name) return evaluateFunction(name, (value as Record<string, unknown>)[name], scope);
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const evaluated = evaluateIntrinsics(item, scope);
    if (evaluated !== NO_VALUE) result[key] = evaluated;
  }
  return result;
}

function evaluateFunction(name: string, argument: unknown, scope: EvaluationScope): unknown {
  if (UNSUPPORTED.has(name)) {
    throw templateError(
      `${name} is not supported by Converge's local cloud; resolve the value in the template.`,
    );
  }
  switch (name) {
    case 'Ref':
      return evaluateRef(argument, scope);
    case 'Condition':
      return scope.condition(asString(argument, 'Condition'));
    case 'Fn::GetAtt':
      return evaluateGetAtt(argument, scope);
    case 'Fn::Sub':
      return evaluateSub(argument, scope);
    case 'Fn::If':
      return evaluateIf(argument, scope);
    default:
      return evaluateOnValues(name, evaluateIntrinsics(argument, scope), scope);
  }
}

function evaluateRef(argument: unknown, scope: EvaluationScope): unknown {
  const target = asString(argument, 'Ref');
  if (target === 'AWS::NoValue') return NO_VALUE;
  if (Object.hasOwn(scope.references, target)) return scope.references[target];
  if (scope.isResource(target)) return scope.resourceRef(target);
  throw templateError(`Unresolved resource dependencies [${target}] in the Resources block of the template`);
}

function evaluateGetAtt(argument: unknown, scope: EvaluationScope): unknown {
  const parts = typeof argument === 'string' ? splitOnce(argument, '.') : argument;
  if (!Array.isArray(parts) || parts.length !== 2) {
    throw templateError('Fn::GetAtt takes [LogicalId, Attribute] or "LogicalId.Attribute".');
  }
  const logicalId = asString(parts[0], 'Fn::GetAtt');
  const attribute = asString(evaluateIntrinsics(parts[1], scope), 'Fn::GetAtt');
  if (!scope.isResource(logicalId)) {
    throw templateError(
      `Unresolved resource dependencies [${logicalId}] in the Resources block of the template`,
    );
  }
  return scope.resourceAttribute(logicalId, attribute);
}

function evaluateIf(argument: unknown, scope: EvaluationScope): unknown {
  if (!Array.isArray(argument) || argument.length !== 3) {
    throw templateError('Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse].');
  }
  const chosen = scope.condition(asString(argument[0], 'Fn::If')) ? argument[1] : argument[2];
  return evaluateIntrinsics(chosen, scope);
}

function evaluateSub(argument: unknown, scope: EvaluationScope): unknown {
  const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
  if (typeof text !== 'string' || variables === null || typeof variables !== 'object') {
    throw templateError('Fn::Sub takes a string or [String, { Var: Value }].');
  }
  const values = evaluateIntrinsics(variables, scope) as Record<string, unknown>;
  const pieces: unknown[] = [];
  let rest = text;
  for (let start = rest.indexOf('${'); start >= 0; start = rest.indexOf('${')) {
    const end = rest.indexOf('}', start);
    if (end < 0) break;
    pieces.push(rest.slice(0, start));
    const expression = rest.slice(start + 2, end).trim();
    pieces.push(
      expression.startsWith('!') ? `\${${expression.slice(1)}}` : subVariable(expression, values, scope),
    );
    rest = rest.slice(end + 1);
  }
  pieces.push(rest);
  const unresolved = findUnresolved(pieces);
  if (unresolved) return unresolved;
  return pieces.map((piece) => scalarText(piece, 'Fn::Sub')).join('');
}

function subVariable(expression: string, values: Record<string, unknown>, scope: EvaluationScope): unknown {
  if (Object.hasOwn(values, expression)) return values[expression];
  if (Object.hasOwn(scope.references, expression)) return scope.references[expression];
  if (scope.isResource(expression)) return scope.resourceRef(expression);
  const dotted = splitOnce(expression, '.');
  if (dotted.length === 2 && scope.isResource(dotted[0]!))
    return scope.resourceAttribute(dotted[0]!, dotted[1]!);
  throw templateError(
    `Unresolved resource dependencies [${expression}] in the Resources block of the template`,
  );
}

function evaluateOnValues(name: string, argument: unknown, scope: EvaluationScope): unknown {
  const unresolved = findUnresolved(argument);
  if (unresolved) return unresolved;
  switch (name) {
    case 'Fn::Join': {
      const [delimiter, list] = tuple(argument, 2, name);
      if (!Array.isArray(list)) throw templateError('Fn::Join takes [Delimiter, [Values]].');
      return list.map((item) => scalarText(item, name)).join(asString(delimiter, name));
    }
    case 'Fn::Select': {
      const [index, list] = tuple(argument, 2, name);
      const position = Number(index);
      if (!Array.isArray(list) || !Number.isInteger(position) || position < 0 || position >= list.length) {
        throw templateError(`Fn::Select cannot select nonexistent value at index ${String(index)}`);
      }
      return list[position];
    }
    case 'Fn::Split': {
      const [delimiter, text] = tuple(argument, 2, name);
      return asString(text, name).split(asString(delimiter, name));
    }
    case 'Fn::Equals': {
      const [left, right] = tuple(argument, 2, name);
      return scalarText(left, name) === scalarText(right, name);
    }
    case 'Fn::And':
    case 'Fn::Or': {
      if (!Array.isArray(argument) || argument.length < 2 || argument.length > 10) {
        throw templateError(`${name} takes between 2 and 10 conditions.`);
      }
      const flags = argument.map((item) => asBoolean(item, name));
      return name === 'Fn::And' ? flags.every(Boolean) : flags.some(Boolean);
    }
    case 'Fn::Not': {
      const [flag] = tuple(argument, 1, name);
      return !asBoolean(flag, name);
    }
    case 'Fn::FindInMap':
      return findInMap(argument, scope);
    case 'Fn::GetAZs': {
      const region = argument === '' || argument === undefined ? scope.region : asString(argument, name);
      return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
    }
    case 'Fn::Base64':
      return Buffer.from(asString(argument, name), 'utf8').toString('base64');
    default:
      throw templateError(`Unrecognized intrinsic function ${name}; check the spelling.`);
  }
}

function findInMap(argument: unknown, scope: EvaluationScope): unknown {
  const [mapName, topKey, secondKey] = tuple(argument, 3, 'Fn::FindInMap');
  const map = scope.mappings[asString(mapName, 'Fn::FindInMap')] as
    | Record<string, Record<string, unknown>>
    | undefined;
  const value = map?.[scalarText(topKey, 'Fn::FindInMap')]?.[scalarText(secondKey, 'Fn::FindInMap')];
  if (value === undefined) {
    throw templateError(
      `Unable to get mapping for ${String(mapName)}::${String(topKey)}::${String(secondKey)}; add the key to Mappings.`,
    );
  }
  return value;
}

function tuple(argument: unknown, size: number, name: string): unknown[] {
  if (!Array.isArray(argument) || argument.length < size) {
    throw templateError(`${name} takes a list of ${size} values.`);
  }
  return argument;
}

function splitOnce(text: string, separator: string): string[] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

function asString(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw templateError(`${name} expects a string here, got ${JSON.stringify(value)}.`);
}

function asBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw templateError(`${name} expects a condition here, got ${JSON.stringify(value)}.`);
}

function scalarText(value: unknown, name: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw templateError(`${name} expects a string here, got ${JSON.stringify(value)}.`);
}

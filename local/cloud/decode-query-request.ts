import { AwsServiceError, type QueryInputType, type ServiceInput } from './service.ts';

/** A decoded AWS Query request: the action, the API version and the SDK-shaped input. */
export interface QueryRequest {
  readonly action: string;
  readonly version: string | undefined;
  readonly input: ServiceInput;
}

type RawNode = { [segment: string]: RawNode | string };

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Decodes an AWS Query (`application/x-www-form-urlencoded`) body into an SDK-shaped input:
 * `Parameters.member.1.ParameterKey=K` becomes `{ Parameters: [{ ParameterKey: 'K' }] }`,
 * `Tags.entry.1.key=a&Tags.entry.1.value=b` becomes `{ Tags: { a: 'b' } }`, and flattened
 * lists (`Names.1=a`) become arrays. The protocol carries no types, so scalars stay strings
 * unless `types` names the member (`{ DisableRollback: 'boolean', Capabilities: 'list' }`).
 *
 * @throws AwsServiceError `MissingAction` without `Action`, `MalformedQueryString` for keys
 * that cannot be decoded.
 */
export function decodeQueryRequest(
  body: string,
  types: Readonly<Record<string, QueryInputType>> = {},
): QueryRequest {
  const params = new URLSearchParams(body);
  const action = params.get('Action');
  if (!action) {
    throw new AwsServiceError('MissingAction', 'The request must contain the parameter Action.');
  }
  const root: RawNode = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    insert(root, key, value);
  }
  return {
    action,
    version: params.get('Version') ?? undefined,
    input: normalizeStruct(root, types),
  };
}

function insert(root: RawNode, key: string, value: string): void {
  const segments = key.split('.');
  let node = root;
  for (const [index, segment] of segments.entries()) {
    if (segment === '' || FORBIDDEN_SEGMENTS.has(segment)) {
      throw new AwsServiceError('MalformedQueryString', `The query parameter '${key}' is not valid.`, {
        statusCode: 400,
      });
    }
    if (index === segments.length - 1) {
      if (typeof node[segment] === 'object') throw conflicting(key);
      node[segment] = value;
      return;
    }
    const next = node[segment] ?? {};
    if (typeof next === 'string') throw conflicting(key);
    node[segment] = next;
    node = next;
  }
}

function conflicting(key: string): AwsServiceError {
  return new AwsServiceError(
    'MalformedQueryString',
    `The query parameter '${key}' is given both as a value and as a structure.`,
  );
}

function normalizeStruct(node: RawNode, types: Readonly<Record<string, QueryInputType>>): ServiceInput {
  const result: ServiceInput = {};
  for (const [name, child] of Object.entries(node)) {
    result[name] = normalizeMember(child, types[name], types);
  }
  return result;
}

function normalizeMember(
  node: RawNode | string,
  type: QueryInputType | undefined,
  types: Readonly<Record<string, QueryInputType>>,
): unknown {
  if (typeof node === 'string') return scalar(node, type);
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'member' && typeof node.member === 'object') {
    return indexed(node.member).map((item) => normalizeMember(item, undefined, types));
  }
  if (keys.length === 1 && keys[0] === 'entry' && typeof node.entry === 'object') {
    return mapEntries(node.entry, types);
  }
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return indexed(node).map((item) => normalizeMember(item, undefined, types));
  }
  return normalizeStruct(node, types);
}

/** The children of `{ '1': a, '2': b }` in index order. */
function indexed(node: RawNode): Array<RawNode | string> {
  return Object.entries(node)
    .filter(([key]) => /^\d+$/.test(key))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, value]) => value);
}

function mapEntries(entries: RawNode, types: Readonly<Record<string, QueryInputType>>): ServiceInput {
  const result: ServiceInput = {};
  for (const entry of indexed(entries)) {
    if (typeof entry === 'string' || typeof entry.key !== 'string') continue;
    if (FORBIDDEN_SEGMENTS.has(entry.key)) continue;
    result[entry.key] = entry.value === undefined ? '' : normalizeMember(entry.value, undefined, types);
  }
  return result;
}

function scalar(value: string, type: QueryInputType | undefined): unknown {
  switch (type) {
    case 'boolean':
      return value === 'true';
    case 'number':
      return Number(value);
    case 'timestamp':
      return new Date(value);
    case 'list':
      return value === '' ? [] : [value];
    case 'map':
      return value === '' ? {} : value;
    default:
      return value;
  }
}

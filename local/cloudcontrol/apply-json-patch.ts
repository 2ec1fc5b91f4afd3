/** One RFC 6902 operation. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}

/** A patch that cannot apply; the message says which operation and why. */
export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchError';
  }
}

function segments(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`Path ${pointer} must start with "/".`);
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Container = Record<string, unknown> | unknown[];

function parentOf(document: unknown, pointer: string): { parent: Container; key: string } {
  const path = segments(pointer);
  if (path.length === 0)
    throw new JsonPatchError('Patching the whole document is not supported; patch its properties.');
  let node: unknown = document;
  for (const segment of path.slice(0, -1)) {
    node = Array.isArray(node)
      ? node[Number(segment)]
      : (node as Record<string, unknown> | undefined)?.[segment];
    if (node === null || typeof node !== 'object')
      throw new JsonPatchError(`Path ${pointer} does not exist.`);
  }
  return { parent: node as Container, key: path.at(-1)! };
}

function read(document: unknown, pointer: string): unknown {
  const { parent, key } = parentOf(document, pointer);
  const value = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (value === undefined) throw new JsonPatchError(`Path ${pointer} does not exist.`);
  return value;
}

/** `add` inserts (into an array) or sets; `replace` requires the path to exist and overwrites it. */
type InsertMode = 'add' | 'replace';

function insert(document: unknown, pointer: string, value: unknown, mode: InsertMode): void {
  const replace = mode === 'replace';
  const { parent, key } = parentOf(document, pointer);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw new JsonPatchError(`Index ${key} is out of range at ${pointer}.`);
    }
    if (replace) {
      if (index >= parent.length) throw new JsonPatchError(`Path ${pointer} does not exist.`);
      parent[index] = value;
    } else {
      parent.splice(index, 0, value);
    }
    return;
  }
  if (replace && !Object.hasOwn(parent, key)) throw new JsonPatchError(`Path ${pointer} does not exist.`);
  parent[key] = value;
}

function remove(document: unknown, pointer: string): void {
  const { parent, key } = parentOf(document, pointer);
  read(document, pointer);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
}

/**
 * Applies an RFC 6902 JSON Patch to a copy of `document` and returns the copy; the input is
 * never changed, so a failing patch leaves nothing half-applied.
 *
 * @throws JsonPatchError for a malformed operation, a missing path or a failed `test`.
 */
export function applyJsonPatch<T>(document: T, patch: readonly JsonPatchOperation[]): T {
  const result = structuredClone(document);
  for (const operation of patch) {
    if (typeof operation?.path !== 'string') throw new JsonPatchError('Every patch operation needs a path.');
    switch (operation.op) {
      case 'add':
        insert(result, operation.path, structuredClone(operation.value), 'add');
        break;
      case 'replace':
        insert(result, operation.path, structuredClone(operation.value), 'replace');
        break;
      case 'remove':
        remove(result, operation.path);
        break;
      case 'copy':
      case 'move': {
        const value = structuredClone(read(result, String(operation.from)));
        if (operation.op === 'move') remove(result, String(operation.from));
        insert(result, operation.path, value, 'add');
        break;
      }
      case 'test':
        if (JSON.stringify(read(result, operation.path)) !== JSON.stringify(operation.value)) {
          throw new JsonPatchError(`Test failed at ${operation.path}.`);
        }
        break;
      default:
        throw new JsonPatchError(`Unknown patch operation ${String((operation as { op?: unknown }).op)}.`);
    }
  }
  return result;
}

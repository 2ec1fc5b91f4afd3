import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import type { ConfigurationIssue, DocumentPath } from './configuration-error.ts';

/** Largest configuration or parameter file Converge parses. */
export const MAX_CONFIGURATION_BYTES = 1_048_576;

/** Aliases a configuration document may expand, so a YAML bomb fails fast instead of eating memory. */
const MAX_ALIAS_COUNT = 100;

/** A parsed YAML or JSON file that can say where any document path sits in the text. */
export interface SourceDocument {
  readonly file: string;
  /** The plain data, or `undefined` when the text did not parse (see `issues`). */
  readonly value: unknown;
  /** Syntax problems; empty when the text parsed. */
  readonly issues: readonly ConfigurationIssue[];
  /** An issue at `path`; `at: 'key'` points at the key itself (for unknown keys). */
  issue(path: DocumentPath, message: string, at?: 'key' | 'value'): ConfigurationIssue;
}

/**
 * Says which parts of a document hold values that are text to CloudFormation (parameters, tags):
 * true for the path of such a part, which is then read as written.
 */
export type AsWritten = (path: DocumentPath) => boolean;

/** Options of {@link parseSourceDocument}. */
export interface SourceDocumentOptions {
  /**
   * Parts read with every scalar as the text it was written as: `012345678901`, `1.10`, `true`,
   * `0x1F` stay strings instead of becoming numbers or booleans. A null (`null`, `~`, nothing)
   * stays `null`, so the caller can refuse it. Everything else is read by the YAML core schema.
   */
  readonly asWritten?: AsWritten;
}

/**
 * Parses YAML (and so JSON, a subset of it) keeping enough to report `file:line:column`.
 * Oversized input, syntax errors, duplicate keys and alias bombs become issues, not exceptions.
 *
 * @example
 * parseSourceDocument('Account: 012345678901\n', 'p.yaml', { asWritten: () => true }).value;
 * // { Account: '012345678901' }
 */
export function parseSourceDocument(
  text: string,
  file: string,
  { asWritten = () => false }: SourceDocumentOptions = {},
): SourceDocument {
  const lineCounter = new LineCounter();
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const issueAt = (offset: number, path: DocumentPath, message: string): ConfigurationIssue => ({
    file,
    ...position(offset),
    path,
    message,
  });
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_CONFIGURATION_BYTES) {
    return {
      file,
      value: undefined,
      issues: [
        {
          file,
          line: 1,
          column: 1,
          path: [],
          message: `file is ${bytes} bytes, more than the ${MAX_CONFIGURATION_BYTES}-byte limit; split it up`,
        },
      ],
      issue: (path, message) => ({ file, line: 1, column: 1, path, message }),
    };
  }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locate = (path: DocumentPath, at: 'key' | 'value' = 'value'): number => {
    let node: unknown = doc.contents;
    let offset = 0;
    for (const [index, segment] of path.entries()) {
      const last = index === path.length - 1;
      if (isAlias(node)) node = node.resolve(doc);
      const current = node as Node | null;
      if (current?.range) offset = current.range[0];
      if (isMap(current)) {
        const pair = current.items.find(
          (item) =>
            isPair(item) && isScalar(item.key) && (item.key.value === segment || item.key.source === segment),
        );
        if (!pair) return offset;
        if (last && at === 'key') return (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
        if (node === null) return (pair.key as Node).range?.[0] ?? offset;
      } else if (isSeq(current) && typeof segment === 'number') {
        node = current.items[segment];
        if (node === undefined) return offset;
      } else {
        return offset;
      }
    }
    return (node as Node | null)?.range?.[0] ?? offset;
  };
  const issue = (path: DocumentPath, message: string, at: 'key' | 'value' = 'value') =>
    issueAt(locate(path, at), path, message);

  const syntax = doc.errors.map((error) => issueAt(error.pos[0], [], `${yamlMessage(error.message)}`));
  if (syntax.length > 0) return { file, value: undefined, issues: syntax, issue };
  try {
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { file, value: withWrittenText(doc.contents, value, [], asWritten, doc), issues: [], issue };
  } catch (error) {
    const message =
      error instanceof ReferenceError
        ? `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT}); write the values out instead of using anchors`
        : `could not read the document: ${(error as Error).message}`;
    return { file, value: undefined, issues: [issueAt(0, [], message)], issue };
  }
}

/**
 * Returns `value` (the core-schema reading of `node`) with the parts `asWritten` names read again
 * from the nodes as written. Copies instead of mutating: an alias shares its anchor's object.
 */
function withWrittenText(
  node: unknown,
  value: unknown,
  path: DocumentPath,
  asWritten: AsWritten,
  doc: Document,
): unknown {
  if (asWritten(path)) return writtenValue(node, doc);
  const current = isAlias(node) ? node.resolve(doc) : node;
  if (isMap(current) && isRecord(value)) {
    const out: Record<string, unknown> = { ...value };
    for (const pair of current.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (key in out) out[key] = withWrittenText(pair.value, out[key], [...path, key], asWritten, doc);
    }
    return out;
  }
  if (isSeq(current) && Array.isArray(value)) {
    return value.map((item, index) =>
      withWrittenText(current.items[index], item, [...path, index], asWritten, doc),
    );
  }
  return value;
}

/** A node with every scalar as its source text; nulls stay null. */
function writtenValue(node: unknown, doc: Document): unknown {
  if (isAlias(node)) return writtenValue(node.resolve(doc), doc);
  if (isScalar(node)) {
    if (node.value === null || node.value === undefined) return null;
    // A string is already as written (quotes and escapes resolved); `source` is the plain text.
    return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
  }
  if (isMap(node)) {
    return Object.fromEntries(
      node.items.map((pair) => [String(writtenValue(pair.key, doc)), writtenValue(pair.value, doc)]),
    );
  }
  if (isSeq(node)) return node.items.map((item) => writtenValue(item, doc));
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return `invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
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
 * Parses YAML (and so JSON, a subset of it) keeping enough to report `file:line:column`.
 * Oversized input, syntax errors, duplicate keys and alias bombs become issues, not exceptions.
 */
export function parseSourceDocument(text: string, file: string): SourceDocument {
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
          (item) => isPair(item) && isScalar(item.key) && item.key.value === segment,
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
    return { file, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), issues: [], issue };
  } catch (error) {
    const message =
      error instanceof ReferenceError
        ? `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT}); write the values out instead of using anchors`
        : `could not read the document: ${(error as Error).message}`;
    return { file, value: undefined, issues: [issueAt(0, [], message)], issue };
  }
}

function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return `invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

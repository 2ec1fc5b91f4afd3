import { parseTemplate } from './parse-template.ts';

/**
 * The transforms and macros a template asks CloudFormation to run: the top-level `Transform`
 * (a name or a list of names) and every `Fn::Transform` (`!Transform`) snippet, e.g.
 * `AWS::Serverless-2016-10-31` or `AWS::Include`. Macros are code that rewrites the template
 * while the change set is created, so a change set made from such a template is never rated
 * safe. A template this function cannot read yields one entry that says so: unknown counts as
 * a transform (fail closed).
 *
 * @example
 * ```ts
 * templateTransforms('Transform: AWS::Serverless-2016-10-31\nResources: { Q: { Type: AWS::SQS::Queue } }\n');
 * // ['AWS::Serverless-2016-10-31']
 * ```
 */
export function templateTransforms(text: string, file = 'template'): readonly string[] {
  let body: Readonly<Record<string, unknown>>;
  try {
    body = parseTemplate(text, { file }).body;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return [`unknown (the template could not be read: ${why})`];
  }
  const names = new Set<string>();
  for (const entry of [body.Transform ?? []].flat()) names.add(nameOf(entry));
  collectSnippets(body, names);
  return [...names];
}

function collectSnippets(node: unknown, names: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectSnippets(item, names);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'Fn::Transform') names.add(nameOf(value));
    collectSnippets(value, names);
  }
}

function nameOf(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  const name = (entry as { Name?: unknown } | null)?.Name;
  return typeof name === 'string' ? name : 'unknown (a transform without a plain name)';
}

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { INTRINSIC_TAGS, type TagNodeKind } from './intrinsic-tags.ts';
import { TemplateInvalidError, TemplateTooLargeError } from './template-error.ts';
import { TEMPLATE_BODY_MAX_BYTES, TEMPLATE_URL_MAX_BYTES } from './template-limits.ts';

/** Aliases a template may expand (nested expansions count too), so a YAML bomb fails fast. */
export const MAX_ALIAS_COUNT = 100;

/** A template read into plain data, intrinsic functions in their long (JSON) form. */
export interface ParsedTemplate {
  readonly body: Readonly<Record<string, unknown>>;
  readonly format: 'json' | 'yaml';
  /** UTF-8 size of the text as written, which is what CloudFormation counts. */
  readonly bodyBytes: number;
  /** Larger than `TemplateBody` accepts: the template must be uploaded to S3 and passed as `TemplateURL`. */
  readonly requiresS3: boolean;
}

/**
 * Parses a JSON or YAML CloudFormation template. YAML short forms (`!Ref`, `!GetAtt a.b`,
 * `!Sub`, `!If`, ...) become long forms (`{ Ref: 'x' }`, `{ 'Fn::GetAtt': ['a', 'b'] }`).
 * Size is checked before parsing; aliases are bounded by {@link MAX_ALIAS_COUNT}.
 *
 * Depends on nothing but `yaml`, so the local CloudFormation emulator can use it too.
 *
 * @throws TemplateTooLargeError over the 1 MB `TemplateURL` limit.
 * @throws TemplateInvalidError with line and column: bad syntax, not a map, no `Resources`,
 *   an unknown tag or a tag on the wrong kind of node.
 * @example
 * parseTemplate('Resources:\n  Q: { Type: AWS::SQS::Queue }\nOutputs:\n  A: { Value: !GetAtt Q.Arn }\n', { file: 't.yaml' })
 *   .body.Outputs; // { A: { Value: { 'Fn::GetAtt': ['Q', 'Arn'] } } }
 */
export function parseTemplate(text: string, { file }: { file: string }): ParsedTemplate {
  const bodyBytes = new TextEncoder().encode(text).length;
  if (bodyBytes > TEMPLATE_URL_MAX_BYTES)
    throw new TemplateTooLargeError(file, bodyBytes, TEMPLATE_URL_MAX_BYTES);
  const lineCounter = new LineCounter();
  const invalid = (offset: number, reason: string) => {
    const { line, col } = lineCounter.linePos(offset);
    return new TemplateInvalidError(file, line, col, reason);
  };
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [syntax] = doc.errors;
  if (syntax) throw invalid(syntax.pos[0], `invalid ${formatOf(text)}: ${syntax.message.split('\n')[0]}`);

  let aliases = 0;
  const convert = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      aliases += 1;
      if (aliases > MAX_ALIAS_COUNT) {
        throw invalid(
          node.range?.[0] ?? 0,
          `YAML aliases expand more than ${MAX_ALIAS_COUNT} times; write the values out instead of using anchors`,
        );
      }
      return convert(node.resolve(doc));
    }
    const tagged = node as Node;
    const tag = tagged.tag;
    if (tag?.startsWith('!') && !tag.startsWith('!!')) return convertTagged(tagged, tag);
    return convertPlain(tagged);
  };
  const convertPlain = (node: Node): unknown => {
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map(convert);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined)
          throw invalid((pair.key as Node | null)?.range?.[0] ?? 0, 'map keys must be plain strings');
        out[key] = convert(pair.value);
      }
      return out;
    }
    throw invalid(node.range?.[0] ?? 0, 'unsupported YAML node');
  };
  const convertTagged = (node: Node, tag: string): unknown => {
    // Point at the tag itself (`!Reff`), which sits just before the node's value.
    const valueAt = node.range?.[0] ?? 0;
    const tagAt = text.lastIndexOf(tag, valueAt);
    const offset = tagAt >= 0 && text.slice(tagAt + tag.length, valueAt).trim() === '' ? tagAt : valueAt;
    const intrinsic = INTRINSIC_TAGS.get(tag);
    if (!intrinsic)
      throw invalid(
        offset,
        `unknown tag ${tag}; use a CloudFormation function such as !Ref, !Sub or !GetAtt`,
      );
    const kind: TagNodeKind = isSeq(node) ? 'seq' : isMap(node) ? 'map' : 'scalar';
    if (!intrinsic.accepts.includes(kind)) {
      throw invalid(
        offset,
        `${tag} takes ${intrinsic.accepts.map(describeKind).join(' or ')}, not ${describeKind(kind)}`,
      );
    }
    const value = convertPlain(node);
    if (tag === '!GetAtt' && kind === 'scalar') {
      const text = String(value ?? '');
      const dot = text.indexOf('.');
      if (dot <= 0 || dot === text.length - 1) {
        throw invalid(
          offset,
          `!GetAtt ${text} must be written "LogicalId.Attribute" (or as a list [LogicalId, Attribute])`,
        );
      }
      return { [intrinsic.key]: [text.slice(0, dot), text.slice(dot + 1)] };
    }
    return { [intrinsic.key]: kind === 'scalar' ? (value ?? '') : value };
  };

  const body = convert(doc.contents);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid(
      (doc.contents as Node | null)?.range?.[0] ?? 0,
      'a template must be a map with a Resources section',
    );
  }
  const resources = (body as Record<string, unknown>).Resources;
  if (resources === undefined)
    throw invalid(0, 'the template has no Resources section; declare at least one resource');
  if (
    resources === null ||
    typeof resources !== 'object' ||
    Array.isArray(resources) ||
    Object.keys(resources).length === 0
  ) {
    const at = isMap(doc.contents)
      ? (doc.contents.get('Resources', true) as Node | undefined)?.range?.[0]
      : 0;
    throw invalid(at ?? 0, 'Resources must be a map with at least one resource');
  }
  return {
    body: body as Record<string, unknown>,
    format: formatOf(text),
    bodyBytes,
    requiresS3: bodyBytes > TEMPLATE_BODY_MAX_BYTES,
  };
}

function formatOf(text: string): 'json' | 'yaml' {
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

function describeKind(kind: TagNodeKind): string {
  return kind === 'scalar' ? 'a single value' : kind === 'seq' ? 'a list' : 'a map';
}

import { type CollectionTag, parse, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';
import { AwsServiceError } from '../../cloud/service.ts';

/** A template document as CloudFormation reads it: plain JSON values, intrinsics in long form. */
export type TemplateDocument = Record<string, unknown>;

const SHORT_FORM_FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Length',
  'ToJsonString',
] as const;

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

function tagsFor(name: string): Array<ScalarTag | CollectionTag> {
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => longForm(name, value) } as ScalarTag,
    {
      tag,
      collection: 'seq',
      resolve: (node: YAMLSeq.Parsed) => longForm(name, node.toJSON()),
    } as unknown as CollectionTag,
    {
      tag,
      collection: 'map',
      resolve: (node: YAMLMap.Parsed) => longForm(name, node.toJSON()),
    } as unknown as CollectionTag,
  ];
}

const CUSTOM_TAGS = ['Ref', 'Condition', 'GetAtt', ...SHORT_FORM_FUNCTIONS].flatMap(tagsFor);

/**
 * Parses a template body (JSON, or YAML with CloudFormation's short-form tags such as `!Ref`,
 * `!Sub`, `!GetAtt A.B`) into a plain document with long-form intrinsics.
 *
 * This is the local cloud's own small adapter; it is meant to be replaced by the shared
 * template parser once that exists.
 *
 * @throws AwsServiceError `ValidationError` ("Template format error: ...") when the body is not
 *   a JSON or YAML mapping.
 */
export function parseTemplateDocument(body: string): TemplateDocument {
  let document: unknown;
  try {
    document = body.trimStart().startsWith('{')
      ? JSON.parse(body)
      : parse(body, { customTags: CUSTOM_TAGS, schema: 'core', merge: false, uniqueKeys: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new AwsServiceError('ValidationError', `Template format error: unsupported structure. ${detail}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new AwsServiceError(
      'ValidationError',
      'Template format error: the template must be a JSON or YAML mapping with a Resources section.',
    );
  }
  return document as TemplateDocument;
}

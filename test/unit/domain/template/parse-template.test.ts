// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these are CloudFormation ${} substitutions, not JavaScript templates
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../../shared/domain/template/parse-template.ts';
import { serializeTemplate } from '../../../../shared/domain/template/serialize-template.ts';
import {
  TemplateInvalidError,
  TemplateTooLargeError,
} from '../../../../shared/domain/template/template-error.ts';

const FILE = 'stacks/t.yaml';
const withValue = (value: string) =>
  `Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      V: ${value}\n`;
const propertyV = (value: string) =>
  (
    parseTemplate(withValue(value), { file: FILE }).body.Resources as Record<
      string,
      { Properties: { V: unknown } }
    >
  ).Q?.Properties.V;

function errorOf(text: string): TemplateInvalidError {
  try {
    parseTemplate(text, { file: FILE });
  } catch (error) {
    if (error instanceof TemplateInvalidError) return error;
    throw error;
  }
  throw new Error('expected a TemplateInvalidError');
}

describe('parseTemplate', () => {
  it.each([
    ['!Ref Env', { Ref: 'Env' }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    ['!Sub "${AWS::Region}-x"', { 'Fn::Sub': '${AWS::Region}-x' }],
    ['!Sub ["${A}-x", { A: !Ref Env }]', { 'Fn::Sub': ['${A}-x', { A: { Ref: 'Env' } }] }],
    ['!GetAtt Queue.Arn', { 'Fn::GetAtt': ['Queue', 'Arn'] }],
    ['!GetAtt Db.Endpoint.Address', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }],
    ['!GetAtt [Queue, Arn]', { 'Fn::GetAtt': ['Queue', 'Arn'] }],
    ['!If [IsProd, 60, !Ref AWS::NoValue]', { 'Fn::If': ['IsProd', 60, { Ref: 'AWS::NoValue' }] }],
    ['!Equals [!Ref Env, prod]', { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or [!Condition A, !Condition B]', { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Not [!Condition A]', { 'Fn::Not': [{ Condition: 'A' }] }],
    ['!Join [",", [a, b]]', { 'Fn::Join': [',', ['a', 'b']] }],
    ['!Select [0, !GetAZs ""]', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
    ['!Split [",", "a,b"]', { 'Fn::Split': [',', 'a,b'] }],
    ['!FindInMap [M, !Ref AWS::Region, Ami]', { 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'Ami'] }],
    ['!Base64 hello', { 'Fn::Base64': 'hello' }],
    ['!Base64 { "Fn::Sub": "x" }', { 'Fn::Base64': { 'Fn::Sub': 'x' } }],
    ['!Cidr [10.0.0.0/16, 4, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
    ['!GetAZs eu-west-1', { 'Fn::GetAZs': 'eu-west-1' }],
    ['!ImportValue shared-VpcId', { 'Fn::ImportValue': 'shared-VpcId' }],
    ['!ImportValue { "Fn::Sub": "${Env}-VpcId" }', { 'Fn::ImportValue': { 'Fn::Sub': '${Env}-VpcId' } }],
    [
      '!Transform { Name: AWS::Include, Parameters: { Location: s3://b/k } }',
      { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } },
    ],
    ['!Length [a, b]', { 'Fn::Length': ['a', 'b'] }],
    ['!ToJsonString { a: 1 }', { 'Fn::ToJsonString': { a: 1 } }],
  ])('turns %s into its long form', (short, long) => {
    expect(propertyV(short)).toEqual(long);
  });

  it('reads a JSON template and reports its format and size', () => {
    const text = '{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}';
    expect(parseTemplate(text, { file: 't.json' })).toEqual({
      body: { Resources: { Q: { Type: 'AWS::SQS::Queue' } } },
      format: 'json',
      bodyBytes: text.length,
      requiresS3: false,
    });
  });

  it('reads a YAML template fixture', () => {
    const text = readFileSync(new URL('../../../fixtures/templates/queue.yaml', import.meta.url), 'utf8');
    const template = parseTemplate(text, { file: 'queue.yaml' });
    expect(template.format).toBe('yaml');
    expect(template.body.Outputs).toEqual({
      QueueArn: {
        Value: { 'Fn::GetAtt': ['Queue', 'Arn'] },
        Export: { Name: { 'Fn::Sub': '${AWS::StackName}-QueueArn' } },
      },
    });
  });

  it.each([
    ['exactly 51,200 bytes', 51_200, false],
    ['51,201 bytes', 51_201, true],
  ])('at %s, requiresS3 is %s', (_, size, requiresS3) => {
    const head = 'Resources:\n  Q: { Type: AWS::SQS::Queue }\n# ';
    const text = `${head}${'x'.repeat(size - head.length - 1)}\n`;
    const template = parseTemplate(text, { file: FILE });
    expect(template.bodyBytes).toBe(size);
    expect(template.requiresS3).toBe(requiresS3);
  });

  it('counts bytes, not characters', () => {
    const text = 'Resources:\n  Q: { Type: AWS::SQS::Queue, Description: "é" }\n';
    expect(parseTemplate(text, { file: FILE }).bodyBytes).toBe(text.length + 1);
  });

  it('rejects a template over 1 MB before parsing it', () => {
    const text = `Resources:\n  Q: [\n${'#'.repeat(1_048_577)}`;
    expect(() => parseTemplate(text, { file: FILE })).toThrow(TemplateTooLargeError);
    expect(() => parseTemplate(text, { file: FILE })).toThrow(
      "more than CloudFormation's 1048576-byte limit",
    );
  });

  it.each([
    ['an unknown tag', withValue('!Reff Env'), 5, 10, 'unknown tag !Reff'],
    ['!Ref on a list', withValue('!Ref [a]'), 5, 10, '!Ref takes a single value, not a list'],
    ['!Equals on a scalar', withValue('!Equals a'), 5, 10, '!Equals takes a list, not a single value'],
    [
      '!GetAtt without an attribute',
      withValue('!GetAtt Queue'),
      5,
      10,
      '!GetAtt Queue must be written "LogicalId.Attribute"',
    ],
    ['a list document', '- a\n- b\n', 1, 1, 'a template must be a map with a Resources section'],
    ['an empty document', '', 1, 1, 'a template must be a map with a Resources section'],
    ['no Resources', 'Outputs: {}\n', 1, 1, 'the template has no Resources section'],
    [
      'empty Resources',
      'Description: x\nResources: {}\n',
      2,
      12,
      'Resources must be a map with at least one resource',
    ],
    ['duplicate keys', 'Resources:\n  Q: 1\n  Q: 2\n', 3, 3, 'Map keys must be unique'],
    ['invalid YAML', 'Resources:\n  Q: [\n', 3, 1, 'invalid yaml'],
    ['invalid JSON', '{"Resources": {', 1, 16, 'invalid json'],
  ])('rejects %s with file, line and column', (_, text, line, column, message) => {
    const error = errorOf(text);
    expect(error.message).toContain(message);
    expect([error.file, error.line, error.column]).toEqual([FILE, line, column]);
  });

  it('rejects a YAML alias bomb without expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) {
      lines.push(
        `${names[i]}: &${names[i]} [${Array(10)
          .fill(`*${names[i - 1]}`)
          .join(', ')}]`,
      );
    }
    const text = `Resources:\n  Q: { Type: AWS::SQS::Queue }\nMetadata:\n  ${lines.join('\n  ')}\n`;
    expect(errorOf(text).message).toContain('YAML aliases expand more than 100 times');
  });

  it('expands a few aliases', () => {
    const text = 'Metadata:\n  a: &tags [x]\n  b: *tags\nResources:\n  Q: { Type: AWS::SQS::Queue }\n';
    expect(parseTemplate(text, { file: FILE }).body.Metadata).toEqual({ a: ['x'], b: ['x'] });
  });
});

describe('serializeTemplate', () => {
  it('writes the long form as JSON that parses back to the same template', () => {
    const template = parseTemplate(withValue('!GetAtt Queue.Arn'), { file: FILE });
    const json = serializeTemplate(template);
    expect(json).toContain('"Fn::GetAtt": [');
    expect(parseTemplate(json, { file: 't.json' }).body).toEqual(template.body);
  });
});

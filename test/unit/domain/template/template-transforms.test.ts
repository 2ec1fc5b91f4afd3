import { describe, expect, it } from 'vitest';
import { templateTransforms } from '../../../../shared/domain/template/template-transforms.ts';

const QUEUE = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n';

describe('templateTransforms', () => {
  it.each([
    ['no transform', QUEUE, []],
    [
      'a top-level transform',
      `Transform: AWS::Serverless-2016-10-31\n${QUEUE}`,
      ['AWS::Serverless-2016-10-31'],
    ],
    [
      'a list of macros',
      `Transform: [AWS::LanguageExtensions, MyMacro]\n${QUEUE}`,
      ['AWS::LanguageExtensions', 'MyMacro'],
    ],
    [
      'an !Transform snippet deep inside a resource',
      'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Fn::Transform:\n        Name: AWS::Include\n        Parameters: { Location: s3://b/k }\n',
      ['AWS::Include'],
    ],
    [
      'the !Transform short form',
      'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: !Transform { Name: Expander, Parameters: {} }\n',
      ['Expander'],
    ],
    [
      'a JSON template',
      '{"Transform": "AWS::Serverless-2016-10-31", "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}',
      ['AWS::Serverless-2016-10-31'],
    ],
  ])('finds %s', (_name, text, expected) => {
    expect(templateTransforms(text)).toEqual(expected);
  });

  it('counts a template it cannot read as an unknown transform (fail closed)', () => {
    const [only, ...rest] = templateTransforms('Resources: [unclosed\n', 'stacks/app.yaml');

    expect(rest).toEqual([]);
    expect(only).toMatch(/^unknown \(the template could not be read: stacks\/app\.yaml:/);
  });

  it('names a transform whose name is not plain text as unknown', () => {
    expect(templateTransforms(`Transform: { Ref: Which }\n${QUEUE}`)).toEqual([
      'unknown (a transform without a plain name)',
    ]);
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates use CloudFormation Fn::Sub syntax
import { describe, expect, it } from 'vitest';
import {
  prepareTemplate,
  type ResourceLookup,
} from '../../../../local/cloudformation/template/prepare-template.ts';
import { Unresolved } from '../../../../local/cloudformation/template/unresolved.ts';

const identity = {
  stackName: 'app',
  stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/app/1',
  region: 'eu-west-1',
  account: '123456789012',
};

const lookup: ResourceLookup = {
  ref: (logicalId) => `${logicalId}-physical`,
  attribute: (logicalId, attribute) => `${logicalId}-${attribute}`,
};

/** Evaluates `value` as the property `V` of a one-resource template. */
function evaluate(
  value: unknown,
  extra: Record<string, unknown> = {},
  parameters: Array<Record<string, string>> = [],
) {
  const template = prepareTemplate(
    JSON.stringify({
      Parameters: {
        Env: { Type: 'String', Default: 'dev' },
        Sizes: { Type: 'CommaDelimitedList', Default: 'a,b,c' },
      },
      Mappings: { Regions: { 'eu-west-1': { Ami: 'ami-123' } } },
      Conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Env' }, 'dev'] } },
      ...extra,
      Resources: {
        Other: { Type: 'AWS::SQS::Queue' },
        Subject: { Type: 'AWS::SSM::Parameter', Properties: { V: value } },
      },
    }),
    parameters,
    undefined,
    identity,
  );
  const subject = template.resources.find((resource) => resource.logicalId === 'Subject')!;
  return template.evaluateProperties(subject, lookup).V;
}

describe('template evaluation', () => {
  it.each([
    ['Ref of a parameter', { Ref: 'Env' }, 'dev'],
    ['Ref of a list parameter', { Ref: 'Sizes' }, ['a', 'b', 'c']],
    ['Ref of a resource', { Ref: 'Other' }, 'Other-physical'],
    ['AWS::Region', { Ref: 'AWS::Region' }, 'eu-west-1'],
    ['AWS::AccountId', { Ref: 'AWS::AccountId' }, '123456789012'],
    ['AWS::StackName', { Ref: 'AWS::StackName' }, 'app'],
    ['AWS::StackId', { Ref: 'AWS::StackId' }, identity.stackId],
    ['AWS::Partition', { Ref: 'AWS::Partition' }, 'aws'],
    ['AWS::URLSuffix', { Ref: 'AWS::URLSuffix' }, 'amazonaws.com'],
    ['Fn::GetAtt list form', { 'Fn::GetAtt': ['Other', 'Arn'] }, 'Other-Arn'],
    ['Fn::GetAtt string form', { 'Fn::GetAtt': 'Other.Arn' }, 'Other-Arn'],
    [
      'Fn::Sub string form',
      { 'Fn::Sub': '${AWS::StackName}-${Env}-${Other}-${Other.Arn}-${!Literal}' },
      'app-dev-Other-physical-Other-Arn-${Literal}',
    ],
    [
      'Fn::Sub list form',
      { 'Fn::Sub': ['${Name}.${AWS::Region}', { Name: { Ref: 'Env' } }] },
      'dev.eu-west-1',
    ],
    ['Fn::Join', { 'Fn::Join': ['-', ['a', { Ref: 'Env' }, 1]] }, 'a-dev-1'],
    ['Fn::Select', { 'Fn::Select': [1, { Ref: 'Sizes' }] }, 'b'],
    ['Fn::Split', { 'Fn::Split': [',', 'x,y'] }, ['x', 'y']],
    ['Fn::If true branch', { 'Fn::If': ['IsDev', 'small', 'large'] }, 'small'],
    [
      'Fn::If with AWS::NoValue drops the list item',
      ['a', { 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 'b'] }],
      ['a'],
    ],
    ['Fn::Equals', { 'Fn::Equals': ['a', 'a'] }, true],
    ['Fn::And', { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Equals': [1, 1] }] }, true],
    ['Fn::Or', { 'Fn::Or': [{ 'Fn::Equals': [1, 2] }, { Condition: 'IsDev' }] }, true],
    ['Fn::Not', { 'Fn::Not': [{ Condition: 'IsDev' }] }, false],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Ami'] }, 'ami-123'],
    ['Fn::GetAZs', { 'Fn::GetAZs': '' }, ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']],
    ['Fn::Base64', { 'Fn::Base64': 'hi' }, 'aGk='],
    ['nested intrinsics in objects', { Key: { 'Fn::Join': ['', ['x', { Ref: 'Env' }]] } }, { Key: 'xdev' }],
  ])('evaluates %s', (_name, value, expected) => {
    expect(evaluate(value)).toEqual(expected);
  });

  it('removes a property set to AWS::NoValue', () => {
    expect(evaluate({ Ref: 'AWS::NoValue' })).toBeUndefined();
  });

  it('uses a passed parameter over the default', () => {
    expect(evaluate({ Ref: 'Env' }, {}, [{ ParameterKey: 'Env', ParameterValue: 'prod' }])).toBe('prod');
  });

  it('propagates an unresolved resource reference through Fn::Join', () => {
    const template = prepareTemplate(
      JSON.stringify({
        Resources: {
          A: { Type: 'AWS::SQS::Queue', Properties: { V: { 'Fn::Join': ['', [{ Ref: 'B' }]] } } },
          B: { Type: 'AWS::SQS::Queue' },
        },
      }),
      [],
      undefined,
      identity,
    );
    const a = template.resources.find((resource) => resource.logicalId === 'A')!;

    const value = template.evaluateProperties(a, {
      ref: (id) => new Unresolved(id),
      attribute: (id) => new Unresolved(id),
    }).V;

    expect(value).toEqual(new Unresolved('B'));
  });

  it('orders resources so that dependencies come first', () => {
    const template = prepareTemplate(
      JSON.stringify({
        Resources: {
          C: { Type: 'AWS::SSM::Parameter', Properties: { Value: { 'Fn::GetAtt': ['B', 'Arn'] } } },
          B: { Type: 'AWS::SQS::Queue', DependsOn: ['A'] },
          A: { Type: 'AWS::SNS::Topic' },
        },
      }),
      [],
      undefined,
      identity,
    );

    expect(template.resources.map((resource) => resource.logicalId)).toEqual(['A', 'B', 'C']);
  });

  it('leaves out resources whose condition is false', () => {
    const template = prepareTemplate(
      JSON.stringify({
        Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
        Resources: { A: { Type: 'AWS::SNS::Topic', Condition: 'Never' }, B: { Type: 'AWS::SNS::Topic' } },
      }),
      [],
      undefined,
      identity,
    );

    expect(template.resources.map((resource) => resource.logicalId)).toEqual(['B']);
  });

  it.each([
    ['an unknown condition', { 'Fn::If': ['Nope', 1, 2] }, 'Unresolved condition dependency Nope'],
    [
      'Fn::Select out of range',
      { 'Fn::Select': [5, ['a']] },
      'Fn::Select cannot select nonexistent value at index 5',
    ],
    [
      'a missing mapping key',
      { 'Fn::FindInMap': ['Regions', 'us-east-1', 'Ami'] },
      'Unable to get mapping for Regions::us-east-1::Ami',
    ],
    ['Fn::Cidr', { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }, 'Fn::Cidr is not supported'],
    ['an unknown Sub variable', { 'Fn::Sub': '${Nope}' }, 'Unresolved resource dependencies [Nope]'],
  ])('rejects %s with a ValidationError', (_name, value, message) => {
    let caught: { code?: string; message?: string } = {};
    try {
      evaluate(value);
    } catch (error) {
      caught = error as typeof caught;
    }
    expect(caught.code).toBe('ValidationError');
    expect(caught.message).toContain(message);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeQueryRequest } from '../../../../local/cloud/decode-query-request.ts';
import { AwsServiceError } from '../../../../local/cloud/service.ts';

describe('decodeQueryRequest', () => {
  it('reads the action and version apart from the input', () => {
    const decoded = decodeQueryRequest('Action=DescribeStacks&Version=2010-05-15&StackName=web');
    expect(decoded).toEqual({ action: 'DescribeStacks', version: '2010-05-15', input: { StackName: 'web' } });
  });

  it.each([
    [
      'a list of structures',
      'Parameters.member.1.ParameterKey=A&Parameters.member.1.ParameterValue=1&Parameters.member.2.ParameterKey=B',
      { Parameters: [{ ParameterKey: 'A', ParameterValue: '1' }, { ParameterKey: 'B' }] },
    ],
    [
      'a list of strings in index order',
      'Capabilities.member.2=CAPABILITY_IAM&Capabilities.member.1=CAPABILITY_AUTO_EXPAND',
      { Capabilities: ['CAPABILITY_AUTO_EXPAND', 'CAPABILITY_IAM'] },
    ],
    [
      'a map',
      'Attributes.entry.1.key=Policy&Attributes.entry.1.value=%7B%7D&Attributes.entry.2.key=Delay&Attributes.entry.2.value=5',
      { Attributes: { Policy: '{}', Delay: '5' } },
    ],
    ['a flattened list', 'Names.1=a&Names.2=b', { Names: ['a', 'b'] }],
    [
      'a nested structure',
      'RollbackConfiguration.MonitoringTimeInMinutes=5&RollbackConfiguration.RollbackTriggers.member.1.Arn=arn',
      { RollbackConfiguration: { MonitoringTimeInMinutes: '5', RollbackTriggers: [{ Arn: 'arn' }] } },
    ],
    [
      'encoded text',
      'TemplateBody=Resources%3A%20%7B%7D%0A%26more',
      { TemplateBody: 'Resources: {}\n&more' },
    ],
    ['an empty collection without a type, as an empty string', 'Capabilities=', { Capabilities: '' }],
  ])('decodes %s', (_name, body, input) => {
    expect(decodeQueryRequest(`Action=A&${body}`).input).toEqual(input);
  });

  it.each([
    ['boolean', 'DisableRollback=true', { DisableRollback: 'boolean' }, { DisableRollback: true }],
    ['number', 'TimeoutInMinutes=15', { TimeoutInMinutes: 'number' }, { TimeoutInMinutes: 15 }],
    ['timestamp', 'At=2026-01-02T03:04:05Z', { At: 'timestamp' }, { At: new Date('2026-01-02T03:04:05Z') }],
    ['empty list', 'Capabilities=', { Capabilities: 'list' }, { Capabilities: [] }],
    ['empty map', 'Tags=', { Tags: 'map' }, { Tags: {} }],
  ] as const)('reads a member typed %s', (_name, body, types, input) => {
    expect(decodeQueryRequest(`Action=A&${body}`, types).input).toEqual(input);
  });

  it('refuses a request without an action', () => {
    expect(() => decodeQueryRequest('StackName=web')).toThrow(
      expect.objectContaining({ code: 'MissingAction', statusCode: 400 }),
    );
  });

  it.each([['__proto__.polluted=1'], ['a.constructor.prototype.polluted=1'], ['a..b=1']])(
    'refuses the key in %s and pollutes nothing',
    (body) => {
      const failure = (() => {
        try {
          decodeQueryRequest(`Action=A&${body}`);
        } catch (error) {
          return error;
        }
      })();
      expect(failure).toBeInstanceOf(AwsServiceError);
      expect((failure as AwsServiceError).code).toBe('MalformedQueryString');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('refuses a member given both as a value and as a structure', () => {
    expect(() => decodeQueryRequest('Action=A&Tags=x&Tags.member.1.Key=k')).toThrow(
      /both as a value and as a structure/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { resolveParameters } from '../../../../local/cloudformation/template/resolve-parameters.ts';

const declarations = {
  Env: { Type: 'String', AllowedValues: ['dev', 'prod'], Default: 'dev' },
  Size: { Type: 'Number', MinValue: 1, MaxValue: 10, Default: 2 },
  Name: { Type: 'String', AllowedPattern: '[a-z]+', MinLength: 2, MaxLength: 5, Default: 'app' },
  Ports: { Type: 'List<Number>', Default: '80,443' },
  Vpc: { Type: 'AWS::EC2::VPC::Id', Default: 'vpc-1' },
  Secret: { Type: 'String', NoEcho: true, Default: 'x' },
};

describe('resolveParameters', () => {
  it('takes defaults, passed values and previous values', () => {
    const resolved = resolveParameters(
      declarations,
      [
        { ParameterKey: 'Env', ParameterValue: 'prod' },
        { ParameterKey: 'Size', UsePreviousValue: true },
      ],
      { Size: { value: '7', type: 'Number', noEcho: false } },
    );

    expect(resolved.Env?.value).toBe('prod');
    expect(resolved.Size?.value).toBe('7');
    expect(resolved.Ports?.value).toBe('80,443');
    expect(resolved.Vpc?.value).toBe('vpc-1');
    expect(resolved.Secret?.noEcho).toBe(true);
  });

  it.each([
    [[{ ParameterKey: 'Env', ParameterValue: 'test' }], "Parameter 'Env' must be one of AllowedValues"],
    [[{ ParameterKey: 'Size', ParameterValue: 'big' }], "Parameter 'Size' must be a number."],
    [
      [{ ParameterKey: 'Size', ParameterValue: '11' }],
      "Parameter 'Size' must be a number not greater than 10",
    ],
    [[{ ParameterKey: 'Size', ParameterValue: '0' }], "Parameter 'Size' must be a number not less than 1"],
    [[{ ParameterKey: 'Name', ParameterValue: 'App' }], "Parameter 'Name' must match pattern [a-z]+"],
    [[{ ParameterKey: 'Name', ParameterValue: 'a' }], "Parameter 'Name' must contain at least 2 characters"],
    [
      [{ ParameterKey: 'Name', ParameterValue: 'abcdef' }],
      "Parameter 'Name' must contain at most 5 characters",
    ],
    [[{ ParameterKey: 'Ports', ParameterValue: '80,http' }], "Parameter 'Ports' must be a number."],
    [[{ ParameterKey: 'Nope', ParameterValue: '1' }], 'Parameters: [Nope] do not exist in the template'],
    [
      [{ ParameterKey: 'Env', UsePreviousValue: true }],
      'Cannot specify usePreviousValue as true for a parameter key not in the previous template',
    ],
  ])('rejects %j', (inputs, message) => {
    expect(() => resolveParameters(declarations, inputs, undefined)).toThrow(message);
  });

  it('names every parameter that has no value', () => {
    expect(() => resolveParameters({ A: { Type: 'String' }, B: { Type: 'Number' } }, [], undefined)).toThrow(
      'Parameters: [A, B] must have values',
    );
  });

  it('refuses SSM parameter types, which the local cloud cannot resolve', () => {
    expect(() =>
      resolveParameters(
        { Ami: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/ami' } },
        [],
        undefined,
      ),
    ).toThrow('pass the value as a String parameter');
  });
});

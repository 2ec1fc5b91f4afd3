import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../shared/domain/config/configuration-error.ts';
import { parseParameterFile } from '../../../../shared/domain/config/parse-parameter-file.ts';
import { JSON_WRITTEN_VALUES, NULL_VALUES, WRITTEN_VALUES } from './written-values.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/config/${name}`, import.meta.url), 'utf8');

describe('parseParameterFile', () => {
  it.each([
    [
      'the CloudFormation CLI format',
      fixture('network.prod.json'),
      { CidrBlock: '10.0.0.0/16', Env: 'prod' },
      {},
    ],
    [
      'a plain map',
      '{ "Env": "prod", "Port": 8080, "Debug": false }',
      { Env: 'prod', Port: '8080', Debug: 'false' },
      {},
    ],
    ['a plain YAML map', 'Env: prod\nSubnets: [a, b]\n', { Env: 'prod', Subnets: 'a,b' }, {}],
    [
      'the CodePipeline template-configuration format',
      fixture('app.prod.json'),
      { ImageTag: '1.4.2', Replicas: '3' },
      { team: 'app', 'cost-centre': '42' },
    ],
  ])('reads %s', (_, text, parameters, tags) => {
    expect(parseParameterFile(text, { file: 'p.json' })).toEqual({ parameters, tags });
  });

  it.each([
    ['a scalar document', '"prod"', 1, 1, 'a parameter file must be a list'],
    [
      'an entry without ParameterKey',
      '[{ "ParameterValue": "x" }]',
      1,
      2,
      'ParameterKey must be a parameter name',
    ],
    [
      'UsePreviousValue',
      '[\n  { "ParameterKey": "A", "UsePreviousValue": true }\n]',
      2,
      26,
      'UsePreviousValue is not supported',
    ],
    [
      'an unknown entry key',
      '[{ "ParameterKey": "A", "ParameterValue": "1", "Value": 2 }]',
      1,
      48,
      'unknown key "Value"',
    ],
    [
      'a duplicate parameter',
      '[{"ParameterKey":"A","ParameterValue":"1"},\n {"ParameterKey":"A","ParameterValue":"2"}]',
      2,
      18,
      'given twice',
    ],
    ['a bad parameter name', '{ "my-param": "x" }', 1, 3, '"my-param" is not a parameter name'],
    [
      'a map value',
      '{ "A": { "b": 1 } }',
      1,
      8,
      'value of parameter "A" must be a value or a list of values, not a map',
    ],
    ['a StackPolicy', '{ "Parameters": {}, "StackPolicy": {} }', 1, 21, 'StackPolicy is not supported'],
    ['invalid JSON', '{ "A": ', 1, 8, 'invalid YAML'],
    [
      'a JSON null',
      '[{ "ParameterKey": "A", "ParameterValue": null }]',
      1,
      43,
      'ParameterValue of "A" has no value',
    ],
    ['a YAML null', 'A: ~\n', 1, 4, 'value of parameter "A" has no value'],
    ['an empty YAML value', 'Tags:\n  team:\nParameters: {}\n', 2, 8, 'value of tag "team" has no value'],
    ['a null in a list', 'A: [a, null]\n', 1, 4, 'must be a value or a list of values'],
  ])('rejects %s with its position', (_, text, line, column, message) => {
    try {
      parseParameterFile(text, { file: 'params.json' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      const [issue] = (error as ConfigurationError).issues;
      expect(issue?.file).toBe('params.json');
      expect(issue?.message).toContain(message);
      expect([issue?.line, issue?.column]).toEqual([line, column]);
    }
  });

  describe('keeps values as written', () => {
    it.each(WRITTEN_VALUES)('%s in a YAML map', (written, expected) => {
      expect(parseParameterFile(`Value: ${written}\n`, { file: 'p.yaml' }).parameters).toEqual({
        Value: expected,
      });
    });

    it.each(WRITTEN_VALUES)('%s in a YAML list of values', (written, expected) => {
      expect(parseParameterFile(`Value: [a, ${written}]\n`, { file: 'p.yaml' }).parameters).toEqual({
        Value: `a,${expected}`,
      });
    });

    it.each(JSON_WRITTEN_VALUES)('%s in the CLI format', (written, expected) => {
      const text = `[{ "ParameterKey": "Value", "ParameterValue": ${written} }]`;
      expect(parseParameterFile(text, { file: 'p.json' }).parameters).toEqual({ Value: expected });
    });

    it.each(JSON_WRITTEN_VALUES)('%s in a JSON map', (written, expected) => {
      expect(parseParameterFile(`{ "Value": ${written} }`, { file: 'p.json' }).parameters).toEqual({
        Value: expected,
      });
    });

    it.each(JSON_WRITTEN_VALUES)('%s as a CodePipeline parameter and tag', (written, expected) => {
      const text = `{ "Parameters": { "Value": ${written} }, "Tags": { "value": ${written} } }`;
      expect(parseParameterFile(text, { file: 'p.json' })).toEqual({
        parameters: { Value: expected },
        tags: { value: expected },
      });
    });

    it.each(NULL_VALUES)('refuses the null %j, saying how to write an empty value', (written) => {
      expect(() => parseParameterFile(`Value: ${written}\n`, { file: 'p.yaml' })).toThrow(
        /parameter "Value" has no value .*write "" for an empty value/,
      );
    });
  });
});

/**
 * Scalars YAML's core schema would turn into numbers or booleans, as written in a file and as
 * CloudFormation must receive them. Shared by the parsers' tests: every place a parameter or
 * tag value is read keeps its text.
 */
export const WRITTEN_VALUES: readonly (readonly [written: string, expected: string])[] = [
  ['012345678901', '012345678901'],
  ['1.10', '1.10'],
  ['1.0', '1.0'],
  ['true', 'true'],
  ['False', 'False'],
  ['0x1F', '0x1F'],
  ['0o17', '0o17'],
  ['1e3', '1e3'],
  ['12345678901234567890', '12345678901234567890'],
  ['-0', '-0'],
  ['.inf', '.inf'],
  ['2026-01-01', '2026-01-01'],
  ['"012"', '012'],
  ["'1.10'", '1.10'],
  ['"null"', 'null'],
  ['""', ''],
];

/** Ways to write a null; each is refused rather than guessed at. */
export const NULL_VALUES: readonly string[] = ['null', 'Null', '~', ''];

/** Numbers as JSON writes them: `JSON.parse` would lose `1.10` and the last digits. */
export const JSON_WRITTEN_VALUES: readonly (readonly [written: string, expected: string])[] = [
  ['1.10', '1.10'],
  ['12345678901234567890', '12345678901234567890'],
  ['1e3', '1e3'],
  ['true', 'true'],
  ['-0.0', '-0.0'],
  ['"012345678901"', '012345678901'],
];

import { ConfigurationError, type ConfigurationIssue } from './configuration-error.ts';
import { NULL_VALUE_PROBLEM } from './configuration-schema.ts';
import { parseSourceDocument, type SourceDocument } from './source-document.ts';

/** The values a parameter file supplies. */
export interface ParameterFile {
  readonly parameters: Readonly<Record<string, string>>;
  /** Only the CodePipeline template-configuration format carries tags. */
  readonly tags: Readonly<Record<string, string>>;
}

const PARAMETER_KEY = /^[A-Za-z0-9]{1,255}$/;
const TEMPLATE_CONFIGURATION_KEYS = new Set(['Parameters', 'Tags', 'StackPolicy']);

/**
 * Parses a parameter file (JSON or YAML) in any of the three formats CloudFormation users have:
 *
 * - the CloudFormation CLI format: `[{ "ParameterKey": "Env", "ParameterValue": "prod" }]`
 * - a plain map: `{ "Env": "prod" }`
 * - the CodePipeline template-configuration format: `{ "Parameters": { "Env": "prod" }, "Tags": { ... } }`
 *
 * Values keep their text as written: `012345678901`, `1.10`, `true` and `0x1F` reach
 * CloudFormation exactly so, in YAML and in JSON. A list of values becomes a comma-separated
 * string (a `CommaDelimitedList` value). A null (`null`, `~`, nothing) is refused: write `""`
 * for an empty value.
 *
 * @throws ConfigurationError locating every problem in the file.
 * @example
 * parseParameterFile('[{"ParameterKey":"Env","ParameterValue":"prod"}]', { file: 'p.json' }).parameters; // { Env: 'prod' }
 */
export function parseParameterFile(text: string, { file }: { file: string }): ParameterFile {
  const document = parseSourceDocument(text, file, { asWritten: (path) => path.length === 0 });
  if (document.issues.length > 0) throw new ConfigurationError(document.issues);
  const issues: ConfigurationIssue[] = [];
  const result = read(document, issues);
  if (issues.length > 0) throw new ConfigurationError(issues);
  return result;
}

function read(document: SourceDocument, issues: ConfigurationIssue[]): ParameterFile {
  const value = document.value;
  if (Array.isArray(value)) return { parameters: readCliList(value, document, issues), tags: {} };
  if (!isRecord(value)) {
    issues.push(
      document.issue(
        [],
        'a parameter file must be a list of {ParameterKey, ParameterValue}, a map of names to values, or {Parameters, Tags}',
      ),
    );
    return { parameters: {}, tags: {} };
  }
  const keys = Object.keys(value);
  const isTemplateConfiguration =
    keys.length > 0 &&
    keys.every((key) => TEMPLATE_CONFIGURATION_KEYS.has(key)) &&
    !('StackPolicy' in value && keys.length === 1);
  if (!isTemplateConfiguration)
    return { parameters: readMap(value, [], document, issues, 'parameter'), tags: {} };
  if ('StackPolicy' in value) {
    issues.push(
      document.issue(
        ['StackPolicy'],
        'StackPolicy is not supported in parameter files; remove it (Converge manages stack policies)',
        'key',
      ),
    );
  }
  const parameters =
    value.Parameters === undefined
      ? {}
      : readNestedMap(value.Parameters, 'Parameters', document, issues, 'parameter');
  const tags = value.Tags === undefined ? {} : readNestedMap(value.Tags, 'Tags', document, issues, 'tag');
  return { parameters, tags };
}

function readCliList(
  list: unknown[],
  document: SourceDocument,
  issues: ConfigurationIssue[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [index, entry] of list.entries()) {
    if (!isRecord(entry)) {
      issues.push(document.issue([index], 'each entry must be a map with ParameterKey and ParameterValue'));
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key === 'UsePreviousValue') {
        issues.push(
          document.issue(
            [index, key],
            'UsePreviousValue is not supported: Git holds every value; write ParameterValue instead',
            'key',
          ),
        );
      } else if (key !== 'ParameterKey' && key !== 'ParameterValue' && key !== 'ResolvedValue') {
        issues.push(
          document.issue(
            [index, key],
            `unknown key "${key}"; entries have ParameterKey and ParameterValue`,
            'key',
          ),
        );
      }
    }
    const name = entry.ParameterKey;
    if (typeof name !== 'string' || !PARAMETER_KEY.test(name)) {
      issues.push(
        document.issue([index, 'ParameterKey'], 'ParameterKey must be a parameter name (letters and digits)'),
      );
      continue;
    }
    if ('UsePreviousValue' in entry) continue;
    const text = scalarText(entry.ParameterValue);
    if (typeof text !== 'string') {
      issues.push(document.issue([index, 'ParameterValue'], `ParameterValue of "${name}" ${text.problem}`));
      continue;
    }
    if (name in out)
      issues.push(document.issue([index, 'ParameterKey'], `parameter "${name}" is given twice; keep one`));
    out[name] = text;
  }
  return out;
}

function readNestedMap(
  value: unknown,
  key: string,
  document: SourceDocument,
  issues: ConfigurationIssue[],
  kind: 'parameter' | 'tag',
): Record<string, string> {
  if (!isRecord(value)) {
    issues.push(document.issue([key], `${key} must be a map of ${kind} names to values`));
    return {};
  }
  return readMap(value, [key], document, issues, kind);
}

function readMap(
  map: Record<string, unknown>,
  at: readonly string[],
  document: SourceDocument,
  issues: ConfigurationIssue[],
  kind: 'parameter' | 'tag',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(map)) {
    if (kind === 'parameter' && !PARAMETER_KEY.test(name)) {
      issues.push(
        document.issue(
          [...at, name],
          `"${name}" is not a parameter name; use letters and digits only`,
          'key',
        ),
      );
      continue;
    }
    const text = scalarText(raw);
    if (typeof text !== 'string') {
      issues.push(document.issue([...at, name], `value of ${kind} "${name}" ${text.problem}`));
      continue;
    }
    out[name] = text;
  }
  return out;
}

/** The document is read as written, so every value present is a string, a list, a map or null. */
function scalarText(value: unknown): string | { problem: string } {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return { problem: NULL_VALUE_PROBLEM };
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  return { problem: 'must be a value or a list of values, not a map' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

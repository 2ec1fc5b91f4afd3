/** A path inside a configuration document: keys and sequence indexes, e.g. `['stacks', 2, 'template']`. */
export type DocumentPath = readonly (string | number)[];

/** One problem in one configuration or parameter file, located for the person who has to fix it. */
export interface ConfigurationIssue {
  /** Repository-relative file the problem is in. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** Where in the document: `['stacks', 2, 'template']`. Empty for the document itself. */
  readonly path: DocumentPath;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** Set when the problem is a file the configuration needs that the revision does not have. */
  readonly problem?: ConfigurationProblem;
}

/** Kinds of configuration problem that callers tell apart (each becomes its own reason code). */
export const ConfigurationProblem = {
  /** The configuration file, or a template or parameter file it names, is not at the revision. */
  FILE_NOT_FOUND: 'file-not-found',
} as const;
export type ConfigurationProblem = (typeof ConfigurationProblem)[keyof typeof ConfigurationProblem];

/**
 * Everything wrong with a configuration, collected rather than stopping at the first problem,
 * sorted by file and position.
 *
 * @example
 * try { parseConfiguration(text, { file: 'converge.yaml' }); }
 * catch (error) { if (error instanceof ConfigurationError) console.error(error.message); }
 * // converge.yaml:12:7 stacks[2].template: file not found; check the path and that the file is committed
 */
export class ConfigurationError extends Error {
  readonly issues: readonly ConfigurationIssue[];

  constructor(issues: readonly ConfigurationIssue[]) {
    const sorted = [...issues].sort(byPosition);
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`configuration has ${count}:\n${sorted.map(formatConfigurationIssue).join('\n')}`);
    this.name = 'ConfigurationError';
    this.issues = sorted;
  }
}

/** Whether `error` is a configuration problem of this kind (one of its issues is). */
export function hasConfigurationProblem(error: unknown, problem: ConfigurationProblem): boolean {
  return error instanceof ConfigurationError && error.issues.some((issue) => issue.problem === problem);
}

function byPosition(a: ConfigurationIssue, b: ConfigurationIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}

/**
 * One issue as one line: `file:line:column path: message`.
 *
 * @example
 * formatConfigurationIssue(issue); // 'converge.yaml:12:7 stacks[2].template: file not found ...'
 */
export function formatConfigurationIssue(issue: ConfigurationIssue): string {
  return `${issue.file}:${issue.line}:${issue.column} ${formatDocumentPath(issue.path)}: ${issue.message}`;
}

/**
 * A document path as users write it: `stacks[2].approval.required`; `(document)` for the root.
 */
export function formatDocumentPath(path: DocumentPath): string {
  if (path.length === 0) return '(document)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * `converge.yaml has 3 problems`: the headline of every message about a configuration's problems.
 *
 * @example
 * configurationHeadline('converge.yaml', issues); // 'converge.yaml has 2 problems'
 */
export function configurationHeadline(file: string, issues: readonly ConfigurationIssue[]): string {
  return `${file} has ${issues.length === 1 ? '1 problem' : `${issues.length} problems`}`;
}

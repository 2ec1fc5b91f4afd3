import {
  ConfigurationError,
  type ConfigurationIssue,
  ConfigurationProblem,
  type DocumentPath,
} from '../../domain/config/configuration-error.ts';
import { parseConfigurationDocument } from '../../domain/config/parse-configuration.ts';
import {
  type GitSyncStackOptions,
  parseGitSyncDeploymentFile,
} from '../../domain/config/parse-git-sync-deployment-file.ts';
import { type ParameterFile, parseParameterFile } from '../../domain/config/parse-parameter-file.ts';
import { parseSourceDocument, type SourceDocument } from '../../domain/config/source-document.ts';
import type { Configuration } from '../../domain/config/stack-config.ts';
import { withParameterFile } from '../../domain/config/with-parameter-file.ts';
import { parseRepositoryPath, RepositoryPathInvalidError } from '../../domain/paths/repository-path.ts';
import { parseTemplate } from '../../domain/template/parse-template.ts';
import { TemplateInvalidError, TemplateTooLargeError } from '../../domain/template/template-error.ts';
import {
  type Source,
  SourceFileTooLargeError,
  SourceNotAFileError,
  SourcePathInvalidError,
  SourceSymlinkError,
} from '../../ports/source.ts';

/** The configuration file Converge reads when none is named. */
export const DEFAULT_CONFIGURATION_FILE = 'converge.yaml';

/**
 * How far a read checks. `'configuration'` is what a plan needs: it stops at schema problems
 * (reading no other file), checks each named template exists and reads each parameter file.
 * `'repository'` is what `converge validate` and each push report: it also parses every template,
 * and checks the files the document names even when the schema has problems elsewhere.
 */
export type ConfigurationScope = 'configuration' | 'repository';

export interface ReadConfigurationInput {
  readonly repository: string;
  /** The commit SHA (or, for a working tree, whatever the source reads) to read everything at. */
  readonly revision: string;
  /** Defaults to `converge.yaml` at the repository root. */
  readonly file?: string;
  /** Read `file` as an AWS CloudFormation Git sync deployment file for this one stack instead. */
  readonly gitSync?: Omit<GitSyncStackOptions, 'file'>;
  readonly scope: ConfigurationScope;
}

/** What reading found: every problem, and the configuration when there are none. */
export interface ConfigurationRead {
  /** Every problem in the configuration file and the files it names, sorted by file and position. */
  readonly issues: readonly ConfigurationIssue[];
  /** The configuration, parameter files read in, when `issues` is empty. */
  readonly configuration?: Configuration;
}

const ADD_CONFIGURATION = 'file not found; add it at the repository root or name the right file';
const COMMIT_FILE = 'file not found; check the path and that the file is committed';

/**
 * The one way Converge reads a configuration and the files it names at a revision, behind both
 * `loadConfiguration` and `validateRepository`, so the same file gets the same problems on every
 * path. Each file is read once, however many stacks name it; a file that cannot be read (missing,
 * a symbolic link, too large) is a problem located where the configuration names it.
 *
 * @throws only what the source throws for the repository itself (unreachable, unknown revision).
 * @example
 * const { issues, configuration } = await readConfiguration({ source }, { repository, revision, scope: 'repository' });
 */
export async function readConfiguration(
  { source }: { readonly source: Pick<Source, 'readFile'> },
  { repository, revision, file = DEFAULT_CONFIGURATION_FILE, gitSync, scope }: ReadConfigurationInput,
): Promise<ConfigurationRead> {
  const configurationFile = parseRepositoryPath(file);
  const reads = new Map<string, Promise<Read>>();
  const read = (path: string) => {
    let reading = reads.get(path);
    if (!reading) {
      reading = readText(source, repository, revision, path);
      reads.set(path, reading);
    }
    return reading;
  };

  // Read the configuration file itself; without it there is nothing else to check.
  const configurationText = await read(configurationFile);
  if (configurationText.kind !== 'text') {
    const at = { file: configurationFile, line: 1, column: 1, path: [], message: '' };
    return { issues: [unreadable(configurationText, at, ADD_CONFIGURATION)] };
  }

  // Parse it, keeping every schema problem; a document with broken syntax names no files to check.
  const parsed = parse(configurationText.text, configurationFile, gitSync);
  const { document } = parsed;
  const issues = [...parsed.issues];
  if (document.issues.length > 0 || (issues.length > 0 && scope === 'configuration')) {
    return { issues: sorted(issues) };
  }

  // Check every file the document names, each file once, however many stacks share it.
  const checked = new Map<string, Promise<FileCheck>>();
  const check = (path: string, kind: FileKind) => {
    const key = `${kind}:${path}`;
    let checking = checked.get(key);
    if (!checking) {
      checking = read(path).then((text) => checkFile(path, kind, text, scope));
      checked.set(key, checking);
    }
    return checking;
  };
  const parameterFiles = new Map<string, ParameterFile>();
  const reported = new Set<string>();
  await Promise.all(
    fileReferences(document, gitSync !== undefined).map(async (reference) => {
      const result = await check(reference.path, reference.kind);
      if (result.kind === 'unreadable') {
        issues.push(unreadable(result.read, document.issue(reference.at, ''), COMMIT_FILE));
        return;
      }
      if (result.kind === 'parameters') parameterFiles.set(reference.path, result.file);
      // A file named by two stacks has its own problems reported once.
      if (result.issues.length > 0 && !reported.has(`${reference.kind}:${reference.path}`)) {
        reported.add(`${reference.kind}:${reference.path}`);
        issues.push(...result.issues);
      }
    }),
  );
  if (issues.length > 0 || !parsed.configuration) return { issues: sorted(issues) };

  // Everything is valid: give the configuration with each stack's parameter file read in.
  const stacks = parsed.configuration.stacks.map((stack) => {
    const parameterFile = stack.parameterFile && parameterFiles.get(stack.parameterFile);
    return parameterFile ? withParameterFile(stack, parameterFile) : stack;
  });
  return { issues: [], configuration: { ...parsed.configuration, stacks } };
}

/** The configuration file parsed as `converge.yaml` or a Git sync deployment file, with its problems. */
function parse(
  text: string,
  file: string,
  gitSync: ReadConfigurationInput['gitSync'],
): { configuration?: Configuration; document: SourceDocument; issues: readonly ConfigurationIssue[] } {
  try {
    if (!gitSync) return { ...parseConfigurationDocument(text, { file }), issues: [] };
    const configuration = parseGitSyncDeploymentFile(text, { ...gitSync, file });
    return { configuration, document: parseSourceDocument(text, file), issues: [] };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return { document: parseSourceDocument(text, file), issues: error.issues };
  }
}

type FileKind = 'template' | 'parameters';

/** A file the configuration names, and where it names it. */
interface FileReference {
  readonly kind: FileKind;
  readonly path: string;
  readonly at: DocumentPath;
}

/**
 * Every well-formed path the document names (`stacks[i].template` and `stacks[i].parameters`, or
 * a Git sync file's `template-file-path`), read from the raw document so a schema problem
 * elsewhere does not hide it. A malformed path is the schema's problem (it reports it), not read.
 */
function fileReferences(document: SourceDocument, gitSync: boolean): FileReference[] {
  const root = document.value;
  const named: { kind: FileKind; value: unknown; at: DocumentPath }[] = [];
  if (gitSync && isRecord(root)) {
    named.push({ kind: 'template', value: root['template-file-path'], at: ['template-file-path'] });
  }
  const stacks = !gitSync && isRecord(root) && Array.isArray(root.stacks) ? root.stacks : [];
  stacks.forEach((stack: unknown, index: number) => {
    if (!isRecord(stack)) return;
    for (const kind of ['template', 'parameters'] as const) {
      named.push({ kind, value: stack[kind], at: ['stacks', index, kind] });
    }
  });
  return named.flatMap(({ kind, value, at }) => {
    if (typeof value !== 'string') return [];
    try {
      return [{ kind, path: parseRepositoryPath(value), at }];
    } catch (error) {
      if (!(error instanceof RepositoryPathInvalidError)) throw error;
      return [];
    }
  });
}

type Read =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly message: string };

/** A file's text, or why it cannot be read; only errors about the file itself become answers. */
async function readText(
  source: Pick<Source, 'readFile'>,
  repository: string,
  revision: string,
  path: string,
): Promise<Read> {
  try {
    const bytes = await source.readFile(repository, revision, path);
    return bytes === undefined
      ? { kind: 'missing' }
      : { kind: 'text', text: new TextDecoder().decode(bytes) };
  } catch (error) {
    if (
      error instanceof SourceSymlinkError ||
      error instanceof SourcePathInvalidError ||
      error instanceof SourceNotAFileError ||
      error instanceof SourceFileTooLargeError
    ) {
      return { kind: 'unreadable', message: error.message };
    }
    throw error;
  }
}

/** The issue for a file that could not be read, at `at`; a missing file is `FILE_NOT_FOUND`. */
function unreadable(
  read: Exclude<Read, { kind: 'text' }>,
  at: ConfigurationIssue,
  notFound: string,
): ConfigurationIssue {
  return read.kind === 'missing'
    ? { ...at, message: notFound, problem: ConfigurationProblem.FILE_NOT_FOUND }
    : { ...at, message: read.message };
}

type FileCheck =
  | { readonly kind: 'unreadable'; readonly read: Exclude<Read, { kind: 'text' }> }
  | { readonly kind: 'template'; readonly issues: readonly ConfigurationIssue[] }
  | {
      readonly kind: 'parameters';
      readonly issues: readonly ConfigurationIssue[];
      readonly file: ParameterFile;
    };

const EMPTY_PARAMETERS: ParameterFile = { parameters: {}, tags: {} };

/** Parses one named file as what it is named as, turning its problems into located issues. */
function checkFile(path: string, kind: FileKind, read: Read, scope: ConfigurationScope): FileCheck {
  if (read.kind !== 'text') return { kind: 'unreadable', read };
  if (kind === 'parameters') {
    try {
      return { kind, issues: [], file: parseParameterFile(read.text, { file: path }) };
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      return { kind, issues: error.issues, file: EMPTY_PARAMETERS };
    }
  }
  // A plan leaves the template to CloudFormation (its problems have their own reason code).
  if (scope === 'configuration') return { kind, issues: [] };
  try {
    parseTemplate(read.text, { file: path });
    return { kind, issues: [] };
  } catch (error) {
    if (error instanceof TemplateInvalidError) {
      return {
        kind,
        issues: [{ file: path, line: error.line, column: error.column, path: [], message: error.reason }],
      };
    }
    if (error instanceof TemplateTooLargeError) {
      const message = error.message.slice(`${path}: `.length);
      return { kind, issues: [{ file: path, line: 1, column: 1, path: [], message }] };
    }
    throw error;
  }
}

function sorted(issues: readonly ConfigurationIssue[]): readonly ConfigurationIssue[] {
  return issues.length === 0 ? [] : new ConfigurationError(issues).issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

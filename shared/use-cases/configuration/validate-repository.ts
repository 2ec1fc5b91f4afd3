import {
  ConfigurationError,
  type ConfigurationIssue,
  type DocumentPath,
} from '../../domain/config/configuration-error.ts';
import { parseConfigurationDocument } from '../../domain/config/parse-configuration.ts';
import { type ParameterFile, parseParameterFile } from '../../domain/config/parse-parameter-file.ts';
import { parseSourceDocument, type SourceDocument } from '../../domain/config/source-document.ts';
import type { Configuration } from '../../domain/config/stack-config.ts';
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
import { DEFAULT_CONFIGURATION_FILE } from './load-configuration.ts';

export interface ValidateRepositoryInput {
  readonly repository: string;
  /** The commit (or, for a working tree, whatever the source reads) to check. */
  readonly revision: string;
  /** Defaults to `converge.yaml` at the repository root. */
  readonly file?: string;
}

/** What checking a repository found: every problem, and the configuration when there are none. */
export interface RepositoryValidation {
  /** Every problem in `converge.yaml` and the files it names, sorted by file and position. */
  readonly issues: readonly ConfigurationIssue[];
  /** The configuration, parameter files read in, when `issues` is empty. */
  readonly configuration?: Configuration;
}

/**
 * Checks `converge.yaml` and every template and parameter file it names, in one pass: the
 * configuration's schema, each named file's existence, size and syntax, each template as far as
 * `parseTemplate` reads it, each parameter file through `parseParameterFile`. A schema problem
 * does not hide a missing template: files are checked wherever the document names a path,
 * even when other keys of the same stack are wrong. `converge validate` and each push use it,
 * so both report the same problems.
 *
 * @throws only what the source throws for the repository itself (unreachable, unknown revision);
 *   a problem with one file is an issue.
 * @example
 * const { issues } = await validateRepository({ source }, { repository: 'acme/infra', revision: sha });
 * for (const issue of issues) console.error(formatConfigurationIssue(issue));
 */
export async function validateRepository(
  { source }: { readonly source: Pick<Source, 'readFile'> },
  { repository, revision, file = DEFAULT_CONFIGURATION_FILE }: ValidateRepositoryInput,
): Promise<RepositoryValidation> {
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
    const message =
      configurationText.kind === 'missing'
        ? 'file not found; add it at the repository root or name the right file'
        : configurationText.message;
    return { issues: sorted([{ file: configurationFile, line: 1, column: 1, path: [], message }]) };
  }

  // Parse it, keeping every schema problem; a document with broken syntax names no files to check.
  const issues: ConfigurationIssue[] = [];
  let parsed: ReturnType<typeof parseConfigurationDocument> | undefined;
  try {
    parsed = parseConfigurationDocument(configurationText.text, { file: configurationFile });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    issues.push(...error.issues);
  }
  const document = parsed?.document ?? parseSourceDocument(configurationText.text, configurationFile);
  if (document.issues.length > 0) return { issues: sorted(issues) };

  // Check every file the document names, each file once, however many stacks share it.
  const checked = new Map<string, Promise<FileCheck>>();
  const check = (path: string, kind: FileKind) => {
    const key = `${kind}:${path}`;
    let checking = checked.get(key);
    if (!checking) {
      checking = read(path).then((text) => checkFile(path, kind, text));
      checked.set(key, checking);
    }
    return checking;
  };
  const parameterFiles = new Map<string, ParameterFile>();
  const reported = new Set<string>();
  await Promise.all(
    fileReferences(document).map(async (reference) => {
      const result = await check(reference.path, reference.kind);
      if (result.kind === 'unreadable') {
        issues.push(document.issue(reference.at, result.message));
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
  if (issues.length > 0 || !parsed) return { issues: sorted(issues) };

  // Everything is valid: give the configuration with each stack's parameter file read in.
  const stacks = parsed.configuration.stacks.map((stack) => {
    const parameterFile = stack.parameterFile && parameterFiles.get(stack.parameterFile);
    if (!parameterFile) return stack;
    return { ...stack, parameters: parameterFile.parameters, tags: { ...parameterFile.tags, ...stack.tags } };
  });
  return { issues: [], configuration: { ...parsed.configuration, stacks } };
}

type FileKind = 'template' | 'parameters';

/** A file the configuration names, and where it names it. */
interface FileReference {
  readonly kind: FileKind;
  readonly path: string;
  readonly at: DocumentPath;
}

/**
 * Every well-formed path the document names under `stacks[i].template` and `stacks[i].parameters`,
 * read from the raw document so a schema problem elsewhere does not hide it. A malformed path is
 * the schema's problem (it reports it) and is not read.
 */
function fileReferences(document: SourceDocument): FileReference[] {
  const root = document.value;
  const stacks = isRecord(root) && Array.isArray(root.stacks) ? root.stacks : [];
  const references: FileReference[] = [];
  stacks.forEach((stack: unknown, index: number) => {
    if (!isRecord(stack)) return;
    for (const kind of ['template', 'parameters'] as const) {
      const path = stack[kind];
      if (typeof path !== 'string') continue;
      try {
        references.push({ kind, path: parseRepositoryPath(path), at: ['stacks', index, kind] });
      } catch (error) {
        if (!(error instanceof RepositoryPathInvalidError)) throw error;
      }
    }
  });
  return references;
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

type FileCheck =
  | { readonly kind: 'unreadable'; readonly message: string }
  | { readonly kind: 'template'; readonly issues: readonly ConfigurationIssue[] }
  | {
      readonly kind: 'parameters';
      readonly issues: readonly ConfigurationIssue[];
      readonly file: ParameterFile;
    };

const EMPTY_PARAMETERS: ParameterFile = { parameters: {}, tags: {} };

/** Parses one named file as what it is named as, turning its problems into located issues. */
function checkFile(path: string, kind: FileKind, read: Read): FileCheck {
  if (read.kind === 'missing')
    return { kind: 'unreadable', message: 'file not found; check the path and that the file is committed' };
  if (read.kind === 'unreadable') return read;
  if (kind === 'parameters') {
    try {
      return { kind, issues: [], file: parseParameterFile(read.text, { file: path }) };
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      return { kind, issues: error.issues, file: EMPTY_PARAMETERS };
    }
  }
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

import type { z } from 'zod';
import type { ApprovalRequirement, ApproverIdentity } from '../approval/approval.ts';
import { buildApproverAliases } from '../approval/approver-aliases.ts';
import type { DriftPolicy } from '../drift/drift-policy.ts';
import { parseRepositoryPath } from '../paths/repository-path.ts';
import { findDependencyCycle } from '../stack/dependency-cycle.ts';
import { toDeployWindow } from '../window/window-schema.ts';
import { ConfigurationError, type ConfigurationIssue, type DocumentPath } from './configuration-error.ts';
import { type ConfigurationDocument, configurationSchema, KNOWN_KEYS } from './configuration-schema.ts';
import { nearestKey } from './nearest-key.ts';
import { parseDuration } from './parse-duration.ts';
import { parseSourceDocument, type SourceDocument } from './source-document.ts';
import type { Configuration, OutputReference, StackConfig } from './stack-config.ts';

/** What applies when neither the stack nor `defaults` says otherwise. */
export const BUILT_IN_DEFAULTS = {
  branch: 'main',
  approval: { required: 1, approvers: [], allowSelfApproval: false, autoApprove: 'never', ttl: '24h' },
  drift: { mode: 'report', ignore: [] },
} as const;

/** A parsed configuration and a way to locate later problems (missing files) in its text. */
export interface ParsedConfiguration {
  readonly configuration: Configuration;
  readonly document: SourceDocument;
}

/**
 * Parses and validates `converge.yaml` text and merges `defaults` into every stack.
 * Pure: reads no files (see `loadConfiguration` for checking that referenced files exist).
 *
 * @throws ConfigurationError listing every problem with file, line, column and path.
 * @example
 * const config = parseConfiguration(text, { file: 'converge.yaml' });
 * config.stacks[0].approval.required; // 1
 */
export function parseConfiguration(text: string, options: { file: string }): Configuration {
  return parseConfigurationDocument(text, options).configuration;
}

/** {@link parseConfiguration}, also returning the document to locate later issues in. */
export function parseConfigurationDocument(text: string, { file }: { file: string }): ParsedConfiguration {
  const document = parseSourceDocument(text, file, { asWritten: isReadAsWritten });
  if (document.issues.length > 0) throw new ConfigurationError(document.issues);
  const result = configurationSchema.safeParse(document.value ?? {});
  if (!result.success) throw new ConfigurationError(schemaIssues(result.error.issues, document));
  const issues = crossStackIssues(result.data, document);
  if (issues.length > 0) throw new ConfigurationError(issues);
  return { configuration: resolve(result.data, file), document };
}

/** Turns zod issues into located, readable issues. */
export function schemaIssues(
  zodIssues: readonly z.core.$ZodIssue[],
  document: SourceDocument,
  knownKeys: (path: DocumentPath) => readonly string[] = knownKeysAt,
): ConfigurationIssue[] {
  const issues: ConfigurationIssue[] = [];
  const missing: ConfigurationIssue[] = [];
  // Keys an unknown key looks like a typo of: `stack:` where `stacks:` is required is one problem, not two.
  const misspelt = new Set<string>();
  for (const zodIssue of zodIssues) {
    const path = zodIssue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (zodIssue.code === 'unrecognized_keys') {
      const known = knownKeys(path);
      for (const key of zodIssue.keys) {
        const hint = nearestKey(key, known);
        if (hint) misspelt.add(JSON.stringify([...path, hint]));
        const advice = hint ? `did you mean "${hint}"?` : `known keys are ${known.join(', ')}`;
        issues.push(document.issue([...path, key], `unknown key "${key}"; ${advice}`, 'key'));
      }
    } else if (
      zodIssue.code === 'invalid_type' &&
      path.length > 0 &&
      valueAt(document.value, path) === undefined
    ) {
      const atParent = document.issue(path.slice(0, -1), '');
      missing.push({ ...atParent, path, message: `missing required key "${path.at(-1)}"` });
    } else {
      issues.push(document.issue(path, zodIssue.message));
    }
  }
  return [...issues, ...missing.filter((issue) => !misspelt.has(JSON.stringify(issue.path)))];
}

function knownKeysAt(path: DocumentPath): readonly string[] {
  const last = path.at(-1);
  if (path.length === 0) return KNOWN_KEYS.root;
  if (last === 'defaults') return KNOWN_KEYS.defaults;
  if (typeof last === 'number' && path.at(-2) === 'stacks') return KNOWN_KEYS.stack;
  if (last === 'approval') return KNOWN_KEYS.approval;
  if (last === 'drift') return KNOWN_KEYS.drift;
  if (typeof last === 'number' && path.at(-2) === 'windows') return KNOWN_KEYS.window;
  if (last === 'rollback') return KNOWN_KEYS.rollback;
  return [];
}

function valueAt(value: unknown, path: DocumentPath): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/**
 * Rules that span stacks: unique names, a Region for each, dependsOn naming real stacks, no cycles;
 * and each identity in `people` belongs to one person.
 */
function crossStackIssues(doc: ConfigurationDocument, document: SourceDocument): ConfigurationIssue[] {
  const issues: ConfigurationIssue[] = [];
  const firstIndex = new Map<string, number>();
  for (const [index, stack] of doc.stacks.entries()) {
    const name = stack.name as string;
    const earlier = firstIndex.get(name);
    if (earlier !== undefined) {
      issues.push(
        document.issue(
          ['stacks', index, 'name'],
          `stack "${name}" is already defined at stacks[${earlier}]; give each stack a unique name`,
        ),
      );
    } else {
      firstIndex.set(name, index);
    }
    if (stack.region === undefined && doc.defaults?.region === undefined) {
      issues.push(
        document.issue(
          ['stacks', index],
          `stack "${name}" has no region; set region on the stack or in defaults`,
        ),
      );
    }
    // CloudFormation runs a stack only with a service role of the stack's own account.
    const account = stack.account ?? doc.defaults?.account;
    const roleArn = stack.roleArn ?? doc.defaults?.roleArn;
    const roleAccount = roleArn?.split(':')[4];
    if (account !== undefined && roleAccount !== undefined && roleAccount !== account) {
      issues.push(
        document.issue(
          ['stacks', index, stack.roleArn !== undefined ? 'roleArn' : 'account'],
          `stack "${name}" is in account ${account} but its roleArn is a role of account ${roleAccount}; name a service role in ${account}`,
        ),
      );
    }
  }
  const names = [...firstIndex.keys()];
  for (const [index, stack] of doc.stacks.entries()) {
    for (const [parameter, from] of Object.entries(outputReferences(stack))) {
      const at: DocumentPath = ['stacks', index, 'parameters', parameter, 'fromStack'];
      if (from.fromStack === stack.name) {
        issues.push(
          document.issue(at, `stack "${from.fromStack}" cannot take a parameter from its own outputs`),
        );
      } else if (!firstIndex.has(from.fromStack)) {
        const hint = nearestKey(from.fromStack, names);
        const advice = hint ? `did you mean "${hint}"?` : 'name a stack defined in this file';
        issues.push(document.issue(at, `no stack named "${from.fromStack}"; ${advice}`));
      }
    }
    for (const [depIndex, dep] of (stack.dependsOn ?? []).entries()) {
      const at: DocumentPath = ['stacks', index, 'dependsOn', depIndex];
      if (dep === stack.name) {
        issues.push(document.issue(at, `stack "${dep}" cannot depend on itself; remove this entry`));
      } else if (!firstIndex.has(dep)) {
        const hint = nearestKey(dep, names);
        const advice = hint ? `did you mean "${hint}"?` : 'name a stack defined in this file';
        issues.push(document.issue(at, `no stack named "${dep}"; ${advice}`));
      }
    }
  }
  if (doc.people) {
    const built = buildApproverAliases(doc.people);
    if (!built.ok) for (const problem of built.problems) issues.push(document.issue(['people'], problem));
  }
  const cycle = findDependencyCycle(
    doc.stacks.map((s) => ({
      name: s.name as string,
      dependsOn: dependenciesOf(s).filter((dep) => dep !== s.name),
    })),
  );
  if (cycle) {
    const index = firstIndex.get(cycle[0]!)!;
    issues.push(
      document.issue(
        ['stacks', index, 'dependsOn'],
        `dependency cycle ${cycle.join(' → ')}; remove one of these dependsOn entries (or fromStack parameters)`,
      ),
    );
  }
  return issues;
}

/** Merges defaults into each stack: scalars and lists on a stack replace the default; maps merge key by key. */
function resolve(doc: ConfigurationDocument, file: string): Configuration {
  const defaults = doc.defaults ?? {};
  const stacks = doc.stacks.map((stack): StackConfig => {
    const approval = { ...BUILT_IN_DEFAULTS.approval, ...defaults.approval, ...stack.approval };
    const drift = { ...BUILT_IN_DEFAULTS.drift, ...defaults.drift, ...stack.drift };
    const parameters = stack.parameters;
    const fromStacks = outputReferences(stack);
    return {
      name: stack.name as string,
      template: parseRepositoryPath(stack.template as string),
      parameterFile: typeof parameters === 'string' ? parseRepositoryPath(parameters) : undefined,
      parameters: Object.fromEntries(
        Object.entries(typeof parameters === 'object' ? parameters : {}).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      ),
      outputParameters: fromStacks,
      tags: { ...defaults.tags, ...stack.tags },
      capabilities: [...(stack.capabilities ?? defaults.capabilities ?? [])],
      region: (stack.region ?? defaults.region)!,
      account: stack.account ?? defaults.account,
      roleArn: stack.roleArn ?? defaults.roleArn,
      watch: [...(stack.watch ?? [])],
      dependsOn: dependenciesOf(stack),
      approval: {
        required: approval.required,
        approvers: approval.approvers as readonly ApproverIdentity[],
        allowSelfApproval: approval.allowSelfApproval,
        autoApprove: approval.autoApprove,
        ttlSeconds: parseDuration(approval.ttl)!,
      } satisfies ApprovalRequirement,
      drift: { mode: drift.mode, ignore: [...drift.ignore] } satisfies DriftPolicy,
      // A stack's windows add to the defaults' ones, so a repository-wide freeze is never dropped.
      windows: [...(defaults.windows ?? []), ...(stack.windows ?? [])].map(toDeployWindow),
      ...(stack.onRemove ? { onRemove: stack.onRemove } : {}),
      ...(stack.terminationProtection !== undefined
        ? { terminationProtection: stack.terminationProtection }
        : {}),
      ...(stack.rollback
        ? {
            rollback: {
              alarms: [...stack.rollback.alarms],
              monitoringMinutes: stack.rollback.monitoringMinutes ?? 0,
            },
          }
        : {}),
    };
  });
  const branch = defaults.branch ?? BUILT_IN_DEFAULTS.branch;
  return { version: 1, file, branch, stacks, ...(doc.people ? { people: doc.people } : {}) };
}

/**
 * Parameter and tag values are text to CloudFormation, and an account id is twelve digits that
 * may start with 0: they are read as written.
 */
function isReadAsWritten(path: DocumentPath): boolean {
  const last = path.at(-1);
  const isAccount =
    last === 'account' &&
    ((path.length === 2 && path[0] === 'defaults') || (path.length === 3 && path[0] === 'stacks'));
  return isAccount || isParameterOrTagMap(path);
}

/** The inline parameters taken from other stacks' outputs. */
function outputReferences(stack: ConfigurationDocument['stacks'][number]): Record<string, OutputReference> {
  const parameters = stack.parameters;
  if (typeof parameters !== 'object') return {};
  return Object.fromEntries(
    Object.entries(parameters).filter(
      (entry): entry is [string, OutputReference] => typeof entry[1] === 'object' && entry[1] !== null,
    ),
  );
}

/** `dependsOn` and every `fromStack`, each once, in the order written. */
function dependenciesOf(stack: ConfigurationDocument['stacks'][number]): string[] {
  const fromStacks = Object.values(outputReferences(stack)).map((ref) => ref.fromStack);
  return [...new Set([...(stack.dependsOn ?? []), ...fromStacks])];
}

/** A parameter or tag map (`defaults.tags`, `stacks[i].parameters`, `stacks[i].tags`). */
function isParameterOrTagMap(path: DocumentPath): boolean {
  if (path.length === 2) return path[0] === 'defaults' && path[1] === 'tags';
  return (
    path.length === 3 &&
    path[0] === 'stacks' &&
    typeof path[1] === 'number' &&
    (path[2] === 'parameters' || path[2] === 'tags')
  );
}

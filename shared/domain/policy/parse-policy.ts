import type { ApproverIdentity } from '../approval/approval.ts';
import { buildApproverAliases } from '../approval/approver-aliases.ts';
import { parseApproverIdentity } from '../approval/parse-approver-identity.ts';
import {
  ConfigurationError,
  type ConfigurationIssue,
  type DocumentPath,
} from '../config/configuration-error.ts';
import { schemaIssues } from '../config/parse-configuration.ts';
import { parseDuration } from '../config/parse-duration.ts';
import { parseSourceDocument, type SourceDocument } from '../config/source-document.ts';
import { toDeployWindow } from '../window/window-schema.ts';
import type { ControlPlanePolicy } from './control-plane-policy.ts';
import { POLICY_KEYS, type PolicyDocument, policySchema } from './policy-schema.ts';

/** What applies when the policy does not say otherwise. */
export const POLICY_DEFAULTS = {
  protectedStacks: ['CDKToolkit', 'StackSet-*'],
  approval: { floor: 1, autoApprove: 'safe', ttl: '24h' },
  adoption: { allowed: false },
  forks: { previews: false },
} as const;

/**
 * Parses and validates the control-plane policy (YAML or JSON). Pure: the caller reads the file.
 *
 * @throws ConfigurationError listing every problem with file, line, column and path.
 * @example
 * const policy = parsePolicy(readFileSync('policy.yaml', 'utf8'), { file: 'policy.yaml' });
 * isTrackedBranch(policy, 'acme/infra', 'refs/heads/main'); // true
 */
export function parsePolicy(text: string, { file }: { file: string }): ControlPlanePolicy {
  const document = parseSourceDocument(text, file);
  if (document.issues.length > 0) throw new ConfigurationError(document.issues);
  const result = policySchema.safeParse(document.value ?? {});
  if (!result.success) throw new ConfigurationError(schemaIssues(result.error.issues, document, knownKeysAt));
  const issues = crossFieldIssues(result.data, document);
  if (issues.length > 0) throw new ConfigurationError(issues);
  return resolve(result.data, file);
}

function knownKeysAt(path: DocumentPath): readonly string[] {
  const last = path.at(-1);
  if (path.length === 0) return POLICY_KEYS.root;
  if (path.length === 2 && path[0] === 'repositories') return POLICY_KEYS.repository;
  if (path.length === 2 && path[0] === 'windows') return POLICY_KEYS.window;
  if (path.length === 2 && path[0] === 'accounts') return POLICY_KEYS.account;
  if (path.length === 1 && typeof last === 'string' && last in POLICY_KEYS)
    return POLICY_KEYS[last as keyof typeof POLICY_KEYS];
  return [];
}

/** Rules that span keys: one entry per repository, an identity belongs to one person, forks need their role. */
function crossFieldIssues(doc: PolicyDocument, document: SourceDocument): ConfigurationIssue[] {
  const issues: ConfigurationIssue[] = [];
  const seen = new Map<string, string>();
  for (const name of Object.keys(doc.repositories)) {
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) {
      issues.push(
        document.issue(
          ['repositories', name],
          `"${name}" and "${earlier}" are the same repository (GitHub names ignore case); keep one entry`,
          'key',
        ),
      );
    }
    seen.set(name.toLowerCase(), name);
  }
  if (doc.people) {
    const built = buildApproverAliases(doc.people);
    if (!built.ok) for (const problem of built.problems) issues.push(document.issue(['people'], problem));
  }
  if (doc.forks?.previews === true && doc.forks.previewRoleArn === undefined) {
    issues.push(
      document.issue(
        ['forks'],
        'fork previews need "previewRoleArn": a role that may create change sets but never execute them',
      ),
    );
  }
  for (const [id, entry] of Object.entries(doc.accounts ?? {})) {
    for (const key of ['roleArn', 'serviceRoleArn'] as const) {
      const roleAccount = entry[key]?.split(':')[4];
      if (roleAccount !== undefined && roleAccount !== id) {
        issues.push(
          document.issue(
            ['accounts', id, key],
            `the role is in account ${roleAccount}, not ${id}; name a role in ${id}`,
          ),
        );
      }
    }
  }
  return issues;
}

function resolve(doc: PolicyDocument, file: string): ControlPlanePolicy {
  const identity = (text: string) => {
    const parsed = parseApproverIdentity(text);
    return (parsed.ok ? parsed.identity : text) as ApproverIdentity;
  };
  const approval = { ...POLICY_DEFAULTS.approval, ...doc.approval };
  return {
    file,
    repositories: Object.entries(doc.repositories).map(([name, entry]) => ({
      name,
      branches: [...entry.branches],
      stacks: [...entry.stacks],
    })),
    approvers: doc.approvers.map(identity),
    people: Object.fromEntries(
      Object.entries(doc.people ?? {}).map(([name, identities]) => [name, identities.map(identity)]),
    ),
    protectedStacks: [...(doc.protectedStacks ?? POLICY_DEFAULTS.protectedStacks)],
    approval: {
      floor: approval.floor,
      autoApprove: approval.autoApprove,
      ttlSeconds: parseDuration(approval.ttl)!,
    },
    adoption: { ...POLICY_DEFAULTS.adoption, ...doc.adoption },
    slack: { ...(doc.slack?.teamId ? { teamId: doc.slack.teamId } : {}) },
    forks: {
      previews: doc.forks?.previews ?? POLICY_DEFAULTS.forks.previews,
      ...(doc.forks?.previewRoleArn ? { previewRoleArn: doc.forks.previewRoleArn } : {}),
    },
    windows: (doc.windows ?? []).map(toDeployWindow),
    accounts: Object.entries(doc.accounts ?? {}).map(([id, entry]) => ({
      id,
      roleArn: entry.roleArn,
      externalId: entry.externalId,
      ...(entry.serviceRoleArn ? { serviceRoleArn: entry.serviceRoleArn } : {}),
    })),
  };
}

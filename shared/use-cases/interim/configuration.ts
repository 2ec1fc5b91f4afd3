import picomatch from 'picomatch';
import { parse } from 'yaml';
import type { ApprovalRequirement, ApproverIdentity } from '../../domain/approval/approval.ts';
import { stackKey } from '../../domain/deployment/deployment.ts';
import type { Source } from '../../ports/source.ts';

/** One stack as converge.yaml describes it, defaults merged. */
export interface StackConfiguration {
  readonly name: string;
  readonly key: string;
  readonly region: string;
  readonly branch: string;
  readonly template: string;
  readonly parameters?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly capabilities: readonly string[];
  readonly roleArn?: string;
  readonly watch: readonly string[];
  readonly approval: ApprovalRequirement;
}

export interface Configuration {
  readonly stacks: readonly StackConfiguration[];
}

export const CONFIGURATION_PATH = 'converge.yaml';

/** The repository has no usable converge.yaml at the revision. */
export class ConfigurationInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationInvalidError';
  }
}

type Raw = Record<string, unknown>;
const record = (value: unknown): Raw => (value && typeof value === 'object' ? (value as Raw) : {});

function approvalOf(raw: Raw, fallback: ApprovalRequirement): ApprovalRequirement {
  return {
    required: typeof raw.required === 'number' ? raw.required : fallback.required,
    approvers: Array.isArray(raw.approvers) ? (raw.approvers as ApproverIdentity[]) : fallback.approvers,
    allowSelfApproval:
      typeof raw.allowSelfApproval === 'boolean' ? raw.allowSelfApproval : fallback.allowSelfApproval,
    autoApprove: (raw.autoApprove as ApprovalRequirement['autoApprove']) ?? fallback.autoApprove,
    ttlSeconds: typeof raw.ttlSeconds === 'number' ? raw.ttlSeconds : fallback.ttlSeconds,
  };
}

const BASE_APPROVAL: ApprovalRequirement = {
  required: 1,
  approvers: [],
  allowSelfApproval: false,
  autoApprove: 'safe',
  ttlSeconds: 86_400,
};

/** Reads and parses converge.yaml at `revision`. */
export async function loadConfiguration(
  { source }: { source: Source },
  { repository, revision }: { repository: string; revision: string },
): Promise<Configuration> {
  const bytes = await source.readFile(repository, revision, CONFIGURATION_PATH);
  if (!bytes) throw new ConfigurationInvalidError(`${CONFIGURATION_PATH} is missing at ${revision}`);
  const document = record(parse(new TextDecoder().decode(bytes)));
  const defaults = record(document.defaults);
  const defaultApproval = approvalOf(record(defaults.approval), BASE_APPROVAL);
  const stacks = Array.isArray(document.stacks) ? document.stacks.map(record) : [];
  return {
    stacks: stacks.map((raw) => {
      if (typeof raw.name !== 'string' || typeof raw.template !== 'string') {
        throw new ConfigurationInvalidError('every stack needs a name and a template');
      }
      const region = String(raw.region ?? defaults.region ?? 'us-east-1');
      return {
        name: raw.name,
        key: stackKey({ stackName: raw.name, region }),
        region,
        branch: String(raw.branch ?? defaults.branch ?? 'main'),
        template: raw.template,
        parameters: typeof raw.parameters === 'string' ? raw.parameters : undefined,
        tags: record(raw.tags) as Record<string, string>,
        capabilities: Array.isArray(raw.capabilities) ? (raw.capabilities as string[]) : [],
        roleArn: typeof raw.roleArn === 'string' ? raw.roleArn : undefined,
        watch: Array.isArray(raw.watch) ? (raw.watch as string[]) : [],
        approval: approvalOf(record(raw.approval), defaultApproval),
      };
    }),
  };
}

/** Stacks whose template, parameters, watched paths or configuration changed. */
export function affectedStacks(
  configuration: Configuration,
  changedPaths: readonly string[],
): readonly StackConfiguration[] {
  if (changedPaths.includes(CONFIGURATION_PATH)) return configuration.stacks;
  return configuration.stacks.filter((stack) => {
    const matches = picomatch([
      stack.template,
      ...(stack.parameters ? [stack.parameters] : []),
      ...stack.watch,
    ]);
    return changedPaths.some((path) => matches(path));
  });
}

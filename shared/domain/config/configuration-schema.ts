import * as z from 'zod';
import { repositoryPathProblem } from '../paths/repository-path.ts';
import { WINDOW_KEYS, windowList } from '../window/window-schema.ts';
import { parseDuration } from './parse-duration.ts';
import { Capability, type OutputReference } from './stack-config.ts';

/**
 * The zod schema of `converge.yaml`, as written (before defaults are merged).
 * Every object is strict: an unknown key is an error, so a typo never silently does nothing.
 */

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const APPROVER =
  /^(slack:[UW][A-Z0-9]{2,}|github:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})|cli:[\w.@-]{1,64}|aws:arn:aws(?:-[a-z]+)*:(?:iam|sts)::\d{12}:[\w+=,.@/-]{1,600})$/;
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z]{2,4}(-[a-z]+)+-\d+:\d{12}:alarm:[^\s]{1,255}$/;
const PERSON = /^[A-Za-z0-9][\w.-]{0,63}$/;
const PARAMETER_KEY = /^[A-Za-z0-9]{1,255}$/;
const MAX_TTL_SECONDS = 30 * 86_400;

/** Text describing stack name rules, shared with other validators. */
export const STACK_NAME_RULE = 'use letters, digits and hyphens, start with a letter, at most 128 characters';

/** Whether `name` is a valid CloudFormation stack name. */
export function isStackName(name: string): boolean {
  return STACK_NAME.test(name);
}

const repositoryPath = z.string({ error: 'must be a repository-relative path (a string)' }).check((ctx) => {
  const problem = repositoryPathProblem(ctx.value);
  if (problem !== undefined) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
});

const glob = z.string({ error: 'must be a glob (a string)' }).check((ctx) => {
  const value = ctx.value;
  if (value === '' || value.startsWith('/') || value.includes('\\') || value.split('/').includes('..')) {
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `glob "${value}" must be relative to the repository root, with "/" separators and no ".."`,
    });
  }
});

/** Why a null parameter or tag value is refused, and what to write instead. */
export const NULL_VALUE_PROBLEM =
  'has no value (null, ~ or nothing); write "" for an empty value, or quote "null" for that text';

/**
 * A parameter or tag value. The parsers read these parts as written (see `parseSourceDocument`),
 * so `012345678901`, `1.10` and `true` arrive here as those strings, and only a null or a
 * collection can fail.
 */
export const scalarValue = z.string({
  error: (issue) =>
    issue.input === null || issue.input === undefined
      ? NULL_VALUE_PROBLEM
      : 'must be a single value, not a list or map',
});

const tags = z
  .record(z.string(), scalarValue, { error: 'must be a map of tag keys to values' })
  .check((ctx) => {
    const keys = Object.keys(ctx.value);
    if (keys.length > 50)
      ctx.issues.push({ code: 'custom', input: ctx.value, message: 'at most 50 tags per stack' });
    for (const key of keys) {
      if (key.length === 0 || key.length > 128 || key.startsWith('aws:')) {
        ctx.issues.push({
          code: 'custom',
          input: key,
          path: [key],
          message: `tag key "${key}" must be 1 to 128 characters and must not start with "aws:"`,
        });
      }
    }
  });

const capabilities = z.array(
  z.enum([Capability.IAM, Capability.NAMED_IAM, Capability.AUTO_EXPAND], {
    error: `must be one of ${Object.values(Capability).join(', ')}`,
  }),
  { error: 'must be a list of capabilities' },
);

const region = z.string().regex(REGION, { error: 'must be an AWS Region code such as "eu-west-1"' });

/** A target account id; the control-plane policy must list it. */
const account = z
  .string({ error: 'must be a 12-digit AWS account id in quotes, such as "123456789012"' })
  .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id in quotes, such as "123456789012"' });

const roleArn = z.string().regex(ROLE_ARN, {
  error: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/converge-deploy"',
});

/** How long an approval request stays open: a duration from 1s to 30d (`30m`, `24h`, `7d`). */
export const approvalWindow = z.string({ error: 'must be a duration such as "24h"' }).check((ctx) => {
  const seconds = parseDuration(ctx.value);
  if (seconds === undefined || seconds <= 0 || seconds > MAX_TTL_SECONDS) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `"${ctx.value}" is not a duration between 1s and 30d; write it like "30m", "24h" or "7d"`,
    });
  }
});

const approval = z.strictObject(
  {
    required: z
      .number({ error: 'must be a whole number of approvals (0 for none)' })
      .int({ error: 'must be a whole number of approvals (0 for none)' })
      .min(0, { error: 'must be 0 or more' })
      .max(10, { error: 'must be at most 10' }),
    approvers: z.array(
      z.string().regex(APPROVER, {
        error:
          'approvers are "slack:<user id>" (e.g. slack:U0123ABC), "github:<login>", "cli:<name>" or "aws:<principal ARN>"',
      }),
      { error: 'must be a list of approvers' },
    ),
    allowSelfApproval: z.boolean({ error: 'must be true or false' }),
    autoApprove: z.enum(['safe', 'never', 'always'], { error: 'must be one of safe, never, always' }),
    ttl: approvalWindow,
  },
  { error: 'must be a map (required, approvers, allowSelfApproval, autoApprove, ttl)' },
);

const drift = z.strictObject(
  {
    mode: z.enum(['report', 'revert', 'revert-auto'], {
      error: 'must be one of report, revert, revert-auto',
    }),
    ignore: z.array(z.string().min(1, { error: 'must not be empty' }), {
      error: 'must be a list of "<LogicalId>/Properties/<Path>" rules',
    }),
  },
  { error: 'must be a map (mode, ignore)' },
);

/** CloudFormation's RollbackConfiguration: at most 5 alarms, monitored 0 to 180 minutes after the update. */
const rollback = z.strictObject(
  {
    alarms: z
      .array(
        z.string().regex(ALARM_ARN, {
          error:
            'must be a CloudWatch alarm ARN such as "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:api-errors"',
        }),
        { error: 'must be a list of CloudWatch alarm ARNs' },
      )
      .max(5, { error: 'CloudFormation monitors at most 5 alarms per stack' }),
    monitoringMinutes: z
      .number({ error: 'must be a whole number of minutes from 0 to 180' })
      .int({ error: 'must be a whole number of minutes from 0 to 180' })
      .min(0, { error: 'must be a whole number of minutes from 0 to 180' })
      .max(180, { error: 'must be a whole number of minutes from 0 to 180' })
      .optional(),
  },
  { error: 'must be a map (alarms, monitoringMinutes)' },
);

const defaults = z.strictObject(
  {
    region,
    account,
    branch: z.string().min(1, { error: 'must be a branch name' }),
    approval: approval.partial(),
    drift: drift.partial(),
    tags,
    capabilities,
    roleArn,
    windows: windowList,
  },
  { error: 'must be a map of defaults' },
);

/**
 * A parameter whose value is another stack's output (`{ fromStack: network-prod, output: VpcId }`),
 * read from that stack's applied outputs when this stack is planned. It makes the stack depend on
 * `fromStack`, as `dependsOn` does.
 */
const outputReference = z.strictObject(
  {
    fromStack: z.string({ error: 'fromStack must name a stack in this file' }).regex(STACK_NAME, {
      error: (issue) => `fromStack ${JSON.stringify(issue.input)} is not a stack name: ${STACK_NAME_RULE}`,
    }),
    output: z
      .string({ error: 'output must name an output of that stack' })
      .regex(PARAMETER_KEY, { error: 'output must be an output name: letters and digits only' }),
  },
  {
    error: 'a parameter taken from another stack is a map { fromStack: <stack name>, output: <output name> }',
  },
);

/** What is wrong with a `{ fromStack, output }` map, in words; `undefined` when nothing is. */
function outputReferenceProblem(value: unknown): string | undefined {
  // An unknown key first: it is usually the misspelling of the key reported missing.
  const issues = outputReference.safeParse(value).error?.issues ?? [];
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) return undefined;
  if (issue.code === 'unrecognized_keys')
    return `unknown key "${issue.keys[0]}"; a parameter taken from another stack has only fromStack and output`;
  if (issue.code === 'invalid_type' && issue.path.length > 0)
    return `missing ${String(issue.path[0])}; write { fromStack: <stack name>, output: <output name> }`;
  return issue.message;
}

function isMapValue(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A parameter file's path or an inline map. The map's names and values are checked after the
 * union picked it, so a bad name or a null value gets its own message, not the union's.
 */
const parameters = z
  .union([repositoryPath, z.record(z.string(), z.custom<string | OutputReference>())], {
    error: 'must be a path to a parameter file, or a map of parameter names to values',
  })
  .check((ctx) => {
    if (typeof ctx.value === 'string') return;
    for (const [name, value] of Object.entries(ctx.value)) {
      const problem = !PARAMETER_KEY.test(name)
        ? `"${name}" is not a parameter name; use letters and digits only`
        : isMapValue(value)
          ? outputReferenceProblem(value)
          : scalarValue.safeParse(value).error?.issues[0]?.message;
      if (problem !== undefined)
        ctx.issues.push({ code: 'custom', input: value, path: [name], message: problem });
    }
  });

const stack = z.strictObject(
  {
    name: z.string({ error: 'every stack needs a name' }).regex(STACK_NAME, {
      error: (issue) => `stack name ${JSON.stringify(issue.input)} is not valid: ${STACK_NAME_RULE}`,
    }),
    template: repositoryPath,
    parameters: parameters.optional(),
    tags: tags.optional(),
    capabilities: capabilities.optional(),
    region: region.optional(),
    account: account.optional(),
    roleArn: roleArn.optional(),
    watch: z.array(glob, { error: 'must be a list of globs' }).optional(),
    dependsOn: z.array(z.string(), { error: 'must be a list of stack names' }).optional(),
    approval: approval.partial().optional(),
    drift: drift.partial().optional(),
    windows: windowList.optional(),
    onRemove: z.enum(['release', 'delete'], { error: 'must be release or delete' }).optional(),
    terminationProtection: z.boolean({ error: 'must be true or false' }).optional(),
    rollback: rollback.optional(),
  },
  { error: 'each stack must be a map' },
);

/** People and their identities (`alice: [slack:U0123, github:alice]`): a person's votes count once. */
const people = z.record(
  z.string().regex(PERSON, {
    error: 'a person is named with letters, digits, ".", "_" or "-" (at most 64 characters)',
  }),
  z
    .array(
      z.string().regex(APPROVER, {
        error:
          'identities are "slack:<user id>" (e.g. slack:U0123ABC), "github:<login>", "cli:<name>" or "aws:<principal ARN>"',
      }),
      { error: 'must be a list of identities' },
    )
    .min(1, { error: 'list at least one identity for each person' }),
  { error: 'must be a map of person names to lists of identities' },
);

/** `converge.yaml` as written. */
export const configurationSchema = z.strictObject(
  {
    version: z.literal(1, { error: 'must be 1, the configuration format this Converge reads' }),
    defaults: defaults.partial().optional(),
    people: people.optional(),
    stacks: z.array(stack, {
      error: 'must be a list of stacks',
    }),
  },
  { error: 'the configuration must be a map with version, defaults and stacks' },
);

/** `converge.yaml` as written, typed. */
export type ConfigurationDocument = z.infer<typeof configurationSchema>;

/** Known keys of each kind of map, for "did you mean" hints on unknown keys. */
export const KNOWN_KEYS = {
  root: Object.keys(configurationSchema.shape),
  defaults: Object.keys(defaults.shape),
  stack: Object.keys(stack.shape),
  approval: Object.keys(approval.shape),
  drift: Object.keys(drift.shape),
  window: WINDOW_KEYS,
  rollback: Object.keys(rollback.shape),
  fromStack: Object.keys(outputReference.shape),
} as const;

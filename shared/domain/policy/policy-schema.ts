import * as z from 'zod';
import { parseApproverIdentity } from '../approval/parse-approver-identity.ts';
import { approvalWindow } from '../config/configuration-schema.ts';
import { WINDOW_KEYS, windowList } from '../window/window-schema.ts';

/**
 * The zod schema of the control-plane policy file, as written. Every map is strict: an unknown
 * key is an error with a "did you mean", so a typo never silently widens or narrows access.
 */

const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const PERSON = /^[A-Za-z0-9][\w.-]{0,63}$/;
const TEAM_ID = /^T[A-Z0-9]{2,}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ACCOUNT_ID = /^\d{12}$/;
/** STS `ExternalId`: 2 to 1224 characters of `[\w+=,.@:\/-]` (AWS STS API Reference, AssumeRole). */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

const identity = z.string({ error: 'must be an identity such as "github:alice"' }).check((ctx) => {
  const parsed = parseApproverIdentity(ctx.value);
  if (!parsed.ok) ctx.issues.push({ code: 'custom', input: ctx.value, message: parsed.message });
});

const globs = (what: string) =>
  z
    .array(
      z
        .string()
        .trim()
        .min(1, { error: `${what} globs must not be empty` }),
      {
        error: `must be a list of ${what} globs`,
      },
    )
    .min(1, { error: `list at least one ${what} glob` });

const repository = z.strictObject(
  {
    branches: globs('branch'),
    stacks: globs('stack name'),
  },
  { error: 'must be a map with branches and stacks' },
);

const approval = z.strictObject(
  {
    floor: z
      .number({ error: 'must be a whole number of approvals' })
      .int({ error: 'must be a whole number of approvals' })
      .min(1, { error: 'must be at least 1: a change that needs approval needs a person' })
      .max(10, { error: 'must be at most 10' }),
    autoApprove: z.enum(['safe', 'never', 'always'], { error: 'must be one of safe, never, always' }),
    ttl: approvalWindow,
  },
  { error: 'must be a map (floor, autoApprove, ttl)' },
);

const adoption = z.strictObject(
  { allowed: z.boolean({ error: 'must be true or false' }) },
  { error: 'must be a map (allowed)' },
);

const slack = z.strictObject(
  {
    teamId: z.string().regex(TEAM_ID, {
      error: 'must be a Slack workspace (team) id such as "T0123ABCD"',
    }),
  },
  { error: 'must be a map (teamId)' },
);

const forks = z.strictObject(
  {
    previews: z.boolean({ error: 'must be true or false' }),
    previewRoleArn: z.string().regex(ROLE_ARN, {
      error: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/converge-preview"',
    }),
  },
  { error: 'must be a map (previews, previewRoleArn)' },
);

/** A target account: the role Converge assumes there, and the external id that role demands. */
const account = z.strictObject(
  {
    roleArn: z.string().regex(ROLE_ARN, {
      error: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/converge-deploy"',
    }),
    externalId: z.string().regex(EXTERNAL_ID, {
      error: 'must be 2 to 1224 characters of letters, digits and +=,.@:/-',
    }),
    serviceRoleArn: z
      .string()
      .regex(ROLE_ARN, {
        error: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/converge-cloudformation"',
      })
      .optional(),
  },
  { error: 'must be a map (roleArn, externalId, serviceRoleArn)' },
);

/** The control-plane policy as written. */
export const policySchema = z.strictObject(
  {
    version: z.literal(1, { error: 'must be 1, the policy format this Converge reads' }),
    repositories: z
      .record(
        z.string().regex(REPOSITORY, { error: 'repositories are named "owner/name", as on GitHub' }),
        repository,
        { error: 'must be a map of "owner/name" to { branches, stacks }' },
      )
      .check((ctx) => {
        if (Object.keys(ctx.value).length === 0)
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: 'list at least one repository; Converge serves only the repositories named here',
          });
      }),
    approvers: z
      .array(identity, { error: 'must be a list of identities' })
      .min(1, { error: 'list at least one approver: they approve first deployments and adoptions' }),
    people: z
      .record(
        z.string().regex(PERSON, {
          error: 'a person is named with letters, digits, ".", "_" or "-" (at most 64 characters)',
        }),
        z
          .array(identity, { error: 'must be a list of identities' })
          .min(1, { error: 'list at least one identity for each person' }),
        { error: 'must be a map of person names to lists of identities' },
      )
      .optional(),
    protectedStacks: z
      .array(z.string().trim().min(1), { error: 'must be a list of stack name globs' })
      .optional(),
    approval: approval.partial().optional(),
    adoption: adoption.partial().optional(),
    slack: slack.partial().optional(),
    forks: forks.partial().optional(),
    windows: windowList.optional(),
    accounts: z
      .record(
        z.string().regex(ACCOUNT_ID, { error: 'accounts are 12-digit AWS account ids (quote them)' }),
        account,
        {
          error: 'must be a map of 12-digit account ids to { roleArn, externalId, serviceRoleArn }',
        },
      )
      .optional(),
  },
  { error: 'the policy must be a map with version, repositories and approvers' },
);

/** The control-plane policy as written, typed. */
export type PolicyDocument = z.infer<typeof policySchema>;

/** Known keys of each kind of map, for "did you mean" hints on unknown keys. */
export const POLICY_KEYS = {
  root: Object.keys(policySchema.shape),
  repository: Object.keys(repository.shape),
  approval: Object.keys(approval.shape),
  adoption: Object.keys(adoption.shape),
  slack: Object.keys(slack.shape),
  forks: Object.keys(forks.shape),
  window: WINDOW_KEYS,
  account: Object.keys(account.shape),
} as const;

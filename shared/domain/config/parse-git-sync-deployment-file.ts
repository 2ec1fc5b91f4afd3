import * as z from 'zod';
import { parseRepositoryPath, repositoryPathProblem } from '../paths/repository-path.ts';
import { ConfigurationError } from './configuration-error.ts';
import { isStackName, STACK_NAME_RULE, scalarValue } from './configuration-schema.ts';
import { BUILT_IN_DEFAULTS, schemaIssues } from './parse-configuration.ts';
import { parseDuration } from './parse-duration.ts';
import { parseSourceDocument } from './source-document.ts';
import type { Capability, Configuration } from './stack-config.ts';

/**
 * An AWS CloudFormation Git sync stack deployment file:
 * `template-file-path` (required), `parameters` and `tags` maps. Nothing else is allowed.
 */
const deploymentFileSchema = z.strictObject(
  {
    'template-file-path': z
      .string({ error: 'must be the repository-relative path of the template' })
      .check((ctx) => {
        const problem = repositoryPathProblem(ctx.value);
        if (problem !== undefined) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
      }),
    parameters: z
      .record(z.string(), scalarValue, { error: 'must be a map of parameter names to values' })
      .optional(),
    tags: z.record(z.string(), scalarValue, { error: 'must be a map of tag keys to values' }).optional(),
  },
  { error: 'a deployment file must be a map with template-file-path, parameters and tags' },
);

/** What a Git sync deployment file does not say, supplied by whoever registered the stack. */
export interface GitSyncStackOptions {
  /** Repository-relative path of the deployment file. */
  readonly file: string;
  /** The stack the file deploys (Git sync keeps it outside the file). */
  readonly stackName: string;
  readonly region: string;
  readonly branch?: string;
  /** Capabilities to acknowledge; Git sync files cannot say. */
  readonly capabilities?: readonly Capability[];
}

/**
 * Reads an AWS CloudFormation Git sync stack deployment file as a one-stack configuration,
 * so teams can move to Converge without rewriting their files. Approval and drift get the
 * built-in defaults; a change to the deployment file affects the stack.
 *
 * @throws ConfigurationError locating every problem in the file.
 * @example
 * parseGitSyncDeploymentFile('template-file-path: ./stack.yaml\nparameters:\n  Env: prod\n', {
 *   file: 'deployments/app.yaml', stackName: 'app', region: 'eu-west-1',
 * });
 */
export function parseGitSyncDeploymentFile(text: string, options: GitSyncStackOptions): Configuration {
  // Parameter and tag values are text to CloudFormation: read them as written.
  const document = parseSourceDocument(text, options.file, {
    asWritten: (path) => path.length === 1 && (path[0] === 'parameters' || path[0] === 'tags'),
  });
  if (document.issues.length > 0) throw new ConfigurationError(document.issues);
  if (!isStackName(options.stackName)) {
    throw new ConfigurationError([
      document.issue([], `stack name "${options.stackName}" is not valid: ${STACK_NAME_RULE}`),
    ]);
  }
  const result = deploymentFileSchema.safeParse(document.value ?? {});
  if (!result.success) {
    throw new ConfigurationError(
      schemaIssues(result.error.issues, document, () => Object.keys(deploymentFileSchema.shape)),
    );
  }
  const { approval, drift } = BUILT_IN_DEFAULTS;
  return {
    version: 1,
    file: options.file,
    branch: options.branch ?? BUILT_IN_DEFAULTS.branch,
    stacks: [
      {
        name: options.stackName,
        template: parseRepositoryPath(result.data['template-file-path']),
        parameterFile: undefined,
        parameters: { ...result.data.parameters },
        outputParameters: {},
        tags: { ...result.data.tags },
        capabilities: [...(options.capabilities ?? [])],
        region: options.region,
        account: undefined,
        roleArn: undefined,
        watch: [],
        dependsOn: [],
        windows: [],
        approval: {
          required: approval.required,
          approvers: [],
          allowSelfApproval: approval.allowSelfApproval,
          autoApprove: approval.autoApprove,
          ttlSeconds: parseDuration(approval.ttl)!,
        },
        drift: { mode: drift.mode, ignore: [] },
      },
    ],
  };
}

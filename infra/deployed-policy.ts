import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { ConfigurationError } from '../shared/domain/config/configuration-error.ts';
import type { ControlPlanePolicy } from '../shared/domain/policy/control-plane-policy.ts';
import { parsePolicy } from '../shared/domain/policy/parse-policy.ts';

/** Where Lambda unpacks a function's code (`LAMBDA_TASK_ROOT`); the policy is bundled there. */
export const LAMBDA_TASK_ROOT = '/var/task';

/** The control-plane policy the CDK app deploys, checked at synth. */
export interface DeployedPolicy {
  /** The file as given on the command line, resolved against the working directory. */
  readonly source: string;
  /** Its name inside each function bundle, next to `index.mjs`. */
  readonly bundledName: string;
  /** The absolute path the functions read (`CONVERGE_POLICY_FILE`). */
  readonly runtimePath: string;
  readonly policy: ControlPlanePolicy;
}

/** The `converge:policyFile` context names no readable, valid policy; synth stops here. */
export class DeployedPolicyInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployedPolicyInvalidError';
  }
}

/**
 * Reads and validates the control-plane policy named by the `converge:policyFile` context, so a
 * broken policy fails `cdk synth` (with file:line:col for each problem) instead of every
 * function at run time. The file is bundled with every function as `converge-policy.<ext>`.
 *
 * @example
 * const deployed = readDeployedPolicy(settings.policyFile);
 * deployed.runtimePath; // '/var/task/converge-policy.yaml'
 */
export function readDeployedPolicy(file: string, cwd: string = process.cwd()): DeployedPolicy {
  const source = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    throw new DeployedPolicyInvalidError(
      `Context converge:policyFile names ${source}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). Point it at the control-plane policy file (docs/policy.md): -c converge:policyFile=policy.yaml`,
    );
  }
  let policy: ControlPlanePolicy;
  try {
    policy = parsePolicy(text, { file });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new DeployedPolicyInvalidError(
      `The control-plane policy in context converge:policyFile is invalid; fix it (docs/policy.md, or check it with converge validate --policy ${file}):\n${error.message}`,
    );
  }
  const extension = ['.yml', '.yaml', '.json'].includes(extname(source).toLowerCase())
    ? extname(source).toLowerCase()
    : '.yaml';
  const bundledName = `converge-policy${extension}`;
  return { source, bundledName, runtimePath: `${LAMBDA_TASK_ROOT}/${bundledName}`, policy };
}

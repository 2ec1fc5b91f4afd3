import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError } from '../domain/config/configuration-error.ts';
import type { ControlPlanePolicy } from '../domain/policy/control-plane-policy.ts';
import { parsePolicy } from '../domain/policy/parse-policy.ts';

/** The control-plane policy is missing or does not parse: Converge serves nothing until it does. */
export class PolicyInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyInvalidError';
  }
}

/**
 * Reads the control-plane policy file named by `CONVERGE_POLICY_FILE` (in AWS, the file the CDK
 * app bundles with each function; locally, `converge dev --policy FILE`). Fails closed: with no
 * file, or a file that does not parse, nothing is served and the error says how to fix it.
 *
 * @example
 * const policy = loadPolicy(config().policyFile);
 */
export function loadPolicy(file: string | undefined): ControlPlanePolicy {
  if (!file) {
    throw new PolicyInvalidError(
      'CONVERGE_POLICY_FILE is not set: Converge serves no repository without a control-plane policy. Write one (docs/policy.md) and deploy it with the CDK app (context converge:policyFile), or pass --policy FILE to converge dev.',
    );
  }
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new PolicyInvalidError(
      `The control-plane policy ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); check CONVERGE_POLICY_FILE.`,
    );
  }
  try {
    return parsePolicy(text, { file });
  } catch (error) {
    if (error instanceof ConfigurationError)
      throw new PolicyInvalidError(`The control-plane policy is invalid: ${error.message}`);
    throw error;
  }
}

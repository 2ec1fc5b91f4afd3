import { loadPolicy } from '../../shared/runtime/policy.ts';
import type { LocalRole } from '../sts/local-roles.ts';

/**
 * The roles a policy's target accounts name, with their external ids: what the target-account
 * stack creates in each account in AWS. A policy that does not read lists none (the functions
 * report the problem when they read it).
 */
export function policyRoles(policyFile: string): readonly LocalRole[] {
  try {
    return loadPolicy(policyFile).accounts.map((account) => ({
      arn: account.roleArn,
      externalId: account.externalId,
    }));
  } catch {
    return [];
  }
}

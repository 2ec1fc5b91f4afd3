import type { ControlPlanePolicy } from '../../shared/domain/policy/control-plane-policy.ts';
import { parsePolicy } from '../../shared/domain/policy/parse-policy.ts';

/**
 * A control-plane policy for unit tests: the given repositories on `main` with any stack,
 * `approvers`, and whatever extra YAML lines (`slack:`, `people:`, `forks:`) a test needs.
 */
export function testPolicy(
  repositories: readonly string[],
  options: { approvers?: readonly string[]; extra?: readonly string[] } = {},
): ControlPlanePolicy {
  return parsePolicy(
    [
      'version: 1',
      'repositories:',
      ...repositories.map((name) => `  ${name}: { branches: [main], stacks: ["*"] }`),
      `approvers: ${JSON.stringify(options.approvers ?? ['github:alice'])}`,
      ...(options.extra ?? []),
      '',
    ].join('\n'),
    { file: 'policy.yaml' },
  );
}

/**
 * Stack tags that mark a stack as Converge's. Every change set Converge creates carries them, so
 * a stack Converge deployed keeps them; the CDK app's IAM policies require them: a function may
 * create a change set only if it tags the stack `converge:managed=true`, and may delete only a
 * stack that carries that tag (docs/security.md, "What IAM enforces").
 */
export const ManagedStackTag = {
  /** Always {@link MANAGED_STACK_TAG_VALUE}. */
  MANAGED: 'converge:managed',
  /** The repository (`owner/name`) whose `converge.yaml` the stack comes from. */
  REPOSITORY: 'converge:repository',
} as const;

/** The value of the `converge:managed` tag. */
export const MANAGED_STACK_TAG_VALUE = 'true';

/**
 * The termination protection a successful deployment leaves the stack with: what the revision's
 * converge.yaml states (`true` or `false`); when it states nothing, off if the trusted (last applied)
 * converge.yaml had turned it on, since then Converge turned it on and the key was removed; else
 * `undefined`, and the stack's protection is left as it is (someone may have set it by hand).
 *
 * @example
 * terminationProtectionToApply(false, undefined); // false: the configuration says so
 * terminationProtectionToApply(undefined, true); // false: removed after Converge turned it on
 * terminationProtectionToApply(undefined, undefined); // undefined: not Converge's to change
 */
export function terminationProtectionToApply(
  next: boolean | undefined,
  applied: boolean | undefined,
): boolean | undefined {
  if (next !== undefined) return next;
  return applied === true ? false : undefined;
}

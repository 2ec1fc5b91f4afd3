/**
 * Compares property values as CloudFormation does: scalars by their text (`60` equals
 * `"60"`, `true` equals `"true"`), lists by position, objects by key.
 */
export function sameValue(left: unknown, right: unknown): boolean {
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => sameValue(item, right[index]))
    );
  }
  const leftObject = left !== null && typeof left === 'object';
  const rightObject = right !== null && typeof right === 'object';
  if (leftObject || rightObject) {
    if (!leftObject || !rightObject) return false;
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    return [...keys].every((key) =>
      sameValue((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]),
    );
  }
  if (left === undefined || right === undefined || left === null || right === null) return left === right;
  return String(left) === String(right);
}

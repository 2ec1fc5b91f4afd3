/**
 * A value CloudFormation cannot know before execution: a `Ref` or `Fn::GetAtt` of a resource
 * that is still to be created or replaced. Change sets report properties holding one as
 * `Evaluation: Dynamic`.
 */
export class Unresolved {
  constructor(readonly causingEntity: string) {}
}

/** `Ref: AWS::NoValue`: the property or list element is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** The first unresolved value inside `value`, or `undefined` when it is fully known. */
export function findUnresolved(value: unknown): Unresolved | undefined {
  if (value instanceof Unresolved) return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnresolved(item);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) {
      const found = findUnresolved(item);
      if (found) return found;
    }
  }
  return undefined;
}

import { attributeValue, knownAttributes } from '../resource-types.ts';
import type { Stack } from '../stack-model.ts';
import type { ResourceDeclaration, ResourceLookup } from '../template/prepare-template.ts';
import { templateError } from '../template/template-error.ts';
import { Unresolved } from '../template/unresolved.ts';

/**
 * Resolves `Ref` / `Fn::GetAtt` of resources against a stack: resources that exist (and are
 * not in `pending`) give their physical id and attributes; the others are `Unresolved`.
 */
export function stackResourceLookup(
  stack: Stack,
  declared: readonly ResourceDeclaration[],
  pending: ReadonlySet<string>,
): ResourceLookup {
  const byId = new Map(declared.map((resource) => [resource.logicalId, resource]));
  const declaration = (logicalId: string): ResourceDeclaration => {
    const found = byId.get(logicalId);
    if (!found) {
      throw templateError(
        `Unresolved resource dependencies [${logicalId}] in the Resources block of the template`,
      );
    }
    return found;
  };
  return {
    ref(logicalId) {
      declaration(logicalId);
      const existing = stack.resources.get(logicalId);
      return existing && !pending.has(logicalId) ? existing.physicalId : new Unresolved(logicalId);
    },
    attribute(logicalId, attribute) {
      const { type } = declaration(logicalId);
      const existing = stack.resources.get(logicalId);
      if (existing && !pending.has(logicalId))
        return attributeValue(logicalId, type, existing.attributes, attribute);
      attributeValue(
        logicalId,
        type,
        Object.fromEntries(knownAttributes(type).map((name) => [name, ''])),
        attribute,
      );
      return new Unresolved(`${logicalId}.${attribute}`);
    },
  };
}

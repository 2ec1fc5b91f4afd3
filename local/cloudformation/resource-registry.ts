/** One resource as it actually exists in the local cloud (what Cloud Control reads and writes). */
export interface LiveResource {
  readonly typeName: string;
  /** The Cloud Control primary identifier; equal to the stack's physical resource id. */
  readonly identifier: string;
  properties: Record<string, unknown>;
}

/**
 * The actual state of every resource in the local cloud, shared by CloudFormation (which
 * creates, updates and deletes resources) and Cloud Control (which reads and changes them,
 * and so makes drift).
 */
export class ResourceRegistry {
  private readonly resources = new Map<string, LiveResource>();

  private static key(typeName: string, identifier: string): string {
    return `${typeName}|${identifier}`;
  }

  /** The resource, or `undefined` when it does not exist (never created, or deleted). */
  get(typeName: string, identifier: string): LiveResource | undefined {
    return this.resources.get(ResourceRegistry.key(typeName, identifier));
  }

  /** Every resource of a type, in creation order. */
  list(typeName: string): LiveResource[] {
    return [...this.resources.values()].filter((resource) => resource.typeName === typeName);
  }

  put(resource: LiveResource): void {
    this.resources.set(ResourceRegistry.key(resource.typeName, resource.identifier), resource);
  }

  /** Removes the resource; true when it existed. */
  delete(typeName: string, identifier: string): boolean {
    return this.resources.delete(ResourceRegistry.key(typeName, identifier));
  }
}

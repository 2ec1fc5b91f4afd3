import type { MemoryStore } from '../../shared/adapters/memory/memory-store.ts';
import type { Store } from '../../shared/ports/store.ts';

/**
 * The store with some methods replaced (to fail once, or to write something first); the others
 * run on the store itself, so a test breaks one step of a use case without a module mock.
 *
 * @example
 * p.deps.store = overriding(p.store, { recordApproval: async () => { throw throttled; } });
 */
export function overriding(store: MemoryStore, overrides: Partial<Store>): MemoryStore {
  return new Proxy(store, {
    get: (target, name) => {
      const own = overrides[name as keyof Store] ?? target[name as keyof Store];
      return typeof own === 'function' ? own.bind(target) : own;
    },
  });
}

import type { StackConfig } from '../config/stack-config.ts';
import { findDependencyCycle } from './dependency-cycle.ts';

/** Thrown when stacks depend on each other in a circle, so no order can satisfy them. */
export class StackDependencyCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(
      `stacks depend on each other in a cycle: ${cycle.join(' → ')}; remove one of these dependsOn entries`,
    );
    this.name = 'StackDependencyCycleError';
  }
}

/**
 * Orders `stacks` so every stack comes after the stacks it `dependsOn`; among stacks free to
 * go, configuration order is kept. Dependencies outside `stacks` (not affected by this push)
 * are already in place and do not constrain the order.
 *
 * @throws StackDependencyCycleError naming the cycle.
 * @example
 * planOrder([app, network]).map((s) => s.name); // ['network', 'app'] when app dependsOn network
 */
export function planOrder<T extends Pick<StackConfig, 'name' | 'dependsOn'>>(
  stacks: readonly T[],
): readonly T[] {
  const cycle = findDependencyCycle(stacks);
  if (cycle) throw new StackDependencyCycleError(cycle);
  const position = new Map(stacks.map((stack, index) => [stack.name, index]));
  const waiting = stacks.map(
    (stack) => new Set(stack.dependsOn.filter((dep) => position.has(dep) && dep !== stack.name)),
  );
  const dependents = stacks.map(() => [] as number[]);
  for (const [index, deps] of waiting.entries()) {
    for (const dep of deps) dependents[position.get(dep)!]!.push(index);
  }
  // Ready stacks in configuration order: a small binary heap keyed by index.
  const ready: number[] = [];
  const push = (value: number) => {
    ready.push(value);
    let i = ready.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ready[parent]! <= value) break;
      ready[i] = ready[parent]!;
      i = parent;
    }
    ready[i] = value;
  };
  const pop = (): number => {
    const top = ready[0]!;
    const last = ready.pop()!;
    if (ready.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= ready.length) break;
        const right = left + 1;
        const child = right < ready.length && ready[right]! < ready[left]! ? right : left;
        if (ready[child]! >= last) break;
        ready[i] = ready[child]!;
        i = child;
      }
      ready[i] = last;
    }
    return top;
  };
  for (const [index, deps] of waiting.entries()) if (deps.size === 0) push(index);
  const order: T[] = [];
  while (ready.length > 0) {
    const index = pop();
    order.push(stacks[index]!);
    for (const dependent of dependents[index]!) {
      const deps = waiting[dependent]!;
      deps.delete(stacks[index]!.name);
      if (deps.size === 0) push(dependent);
    }
  }
  return order;
}

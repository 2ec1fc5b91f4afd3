import { describe, expect, it } from 'vitest';
import { findDependencyCycle } from '../../../../shared/domain/stack/dependency-cycle.ts';
import { planOrder, StackDependencyCycleError } from '../../../../shared/domain/stack/plan-order.ts';

const stacks = (spec: Record<string, string[]>) =>
  Object.entries(spec).map(([name, dependsOn]) => ({ name, dependsOn }));

describe('planOrder', () => {
  it.each([
    ['no dependencies keeps configuration order', { a: [], b: [], c: [] }, ['a', 'b', 'c']],
    ['a dependency goes first', { app: ['network'], network: [] }, ['network', 'app']],
    ['a chain', { c: ['b'], b: ['a'], a: [] }, ['a', 'b', 'c']],
    [
      'a diamond',
      { top: ['left', 'right'], left: ['base'], right: ['base'], base: [] },
      ['base', 'left', 'right', 'top'],
    ],
    ['free stacks keep their place', { x: [], app: ['net'], y: [], net: [] }, ['x', 'y', 'net', 'app']],
    ['dependencies outside the set are ignored', { app: ['not-affected'] }, ['app']],
  ])('%s', (_, spec, expected) => {
    expect(planOrder(stacks(spec)).map((s) => s.name)).toEqual(expected);
  });

  it.each([
    ['two stacks', { a: ['b'], b: ['a'] }, ['a', 'b', 'a']],
    ['three stacks', { a: ['b'], b: ['c'], c: ['a'], d: [] }, ['a', 'b', 'c', 'a']],
    ['a stack and itself', { a: ['a'] }, ['a', 'a']],
    ['a cycle behind a chain', { start: ['x'], x: ['y'], y: ['x'] }, ['x', 'y', 'x']],
  ])('rejects a cycle of %s, naming it', (_, spec, cycle) => {
    try {
      planOrder(stacks(spec));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StackDependencyCycleError);
      expect((error as StackDependencyCycleError).cycle).toEqual(cycle);
      expect((error as Error).message).toContain(cycle.join(' → '));
    }
  });

  it('orders a chain of 5,000 stacks without overflowing the call stack', () => {
    const chain = Array.from({ length: 5_000 }, (_, i) => ({
      name: `s${i}`,
      dependsOn: i === 0 ? [] : [`s${i - 1}`],
    }));
    const order = planOrder([...chain].reverse()).map((s) => s.name);
    expect(order[0]).toBe('s0');
    expect(order.at(-1)).toBe('s4999');
    expect(findDependencyCycle(chain)).toBeUndefined();
  });
});

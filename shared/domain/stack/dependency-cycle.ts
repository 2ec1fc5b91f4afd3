/** Anything with a name and the names it depends on. */
export interface DependencyNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/**
 * The first dependency cycle found, as the names along it with the first repeated at the end
 * (`['a', 'b', 'a']`), or `undefined` when there is none. Names not in `nodes` are ignored;
 * when a name is defined twice, its first definition counts.
 * Iterative, so a chain of thousands of stacks cannot overflow the call stack.
 *
 * @example
 * findDependencyCycle([{ name: 'a', dependsOn: ['b'] }, { name: 'b', dependsOn: ['a'] }]); // ['a', 'b', 'a']
 */
export function findDependencyCycle(nodes: readonly DependencyNode[]): readonly string[] | undefined {
  const byName = new Map<string, DependencyNode>();
  for (const node of nodes) if (!byName.has(node.name)) byName.set(node.name, node);
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of nodes) {
    if (state.has(root.name)) continue;
    const path: string[] = [];
    const stack: { name: string; next: number }[] = [{ name: root.name, next: 0 }];
    state.set(root.name, 'visiting');
    path.push(root.name);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = byName.get(frame.name)?.dependsOn ?? [];
      if (frame.next >= deps.length) {
        state.set(frame.name, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const dep = deps[frame.next++]!;
      if (!byName.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === 'visiting') return [...path.slice(path.indexOf(dep)), dep];
      if (seen === 'done') continue;
      state.set(dep, 'visiting');
      path.push(dep);
      stack.push({ name: dep, next: 0 });
    }
  }
  return undefined;
}

import picomatch from 'picomatch';
import type { Configuration, StackConfig } from '../config/stack-config.ts';

/** A compiled view of a configuration that answers "which stacks does this push touch?" quickly. */
export interface AffectedStacksIndex {
  /** The stacks to plan for `changedPaths`, in configuration order. */
  affected(changedPaths: readonly string[]): readonly StackConfig[];
}

interface CompiledGlob {
  readonly stack: number;
  readonly matches: (path: string) => boolean;
}

/**
 * Builds the index once per configuration. A stack is affected when its template, its
 * parameter file or a path matching one of its `watch` globs changed; a change to the
 * configuration file itself affects every stack.
 *
 * Exact paths live in a `Map`. Each glob is compiled once and filed under its static base
 * directory (`stacks/network/**` under `stacks/network`), so a changed path is only tested
 * against globs whose base is one of its parent directories, never against every glob.
 *
 * @example
 * const index = indexAffectedStacks(configuration);
 * index.affected(['stacks/network.yaml']).map((s) => s.name); // ['network-prod']
 */
export function indexAffectedStacks(configuration: Configuration): AffectedStacksIndex {
  const { stacks } = configuration;
  const exact = new Map<string, number[]>();
  const globsByBase = new Map<string, CompiledGlob[]>();
  const addExact = (path: string, stack: number) => {
    const list = exact.get(path);
    if (list) list.push(stack);
    else exact.set(path, [stack]);
  };
  for (const [index, stack] of stacks.entries()) {
    addExact(stack.template, index);
    if (stack.parameterFile !== undefined) addExact(stack.parameterFile, index);
    for (const glob of stack.watch) {
      const scan = picomatch.scan(glob);
      if (!scan.isGlob) {
        addExact(glob, index);
        continue;
      }
      const base = scan.base.replace(/^\.\//, '').replace(/\/$/, '');
      const list = globsByBase.get(base) ?? [];
      list.push({ stack: index, matches: picomatch(glob, { dot: true }) });
      globsByBase.set(base, list);
    }
  }

  return {
    affected(changedPaths) {
      if (changedPaths.includes(configuration.file)) return stacks;
      const hit = new Uint8Array(stacks.length);
      let remaining = stacks.length;
      for (const path of changedPaths) {
        if (remaining === 0) break;
        for (const stack of exact.get(path) ?? []) {
          if (hit[stack] === 0) {
            hit[stack] = 1;
            remaining -= 1;
          }
        }
        // Visit the globs filed under each parent directory of the path, root first.
        let end = -1;
        do {
          const base = end === -1 ? '' : path.slice(0, end);
          for (const glob of globsByBase.get(base) ?? []) {
            if (hit[glob.stack] === 0 && glob.matches(path)) {
              hit[glob.stack] = 1;
              remaining -= 1;
            }
          }
          end = path.indexOf('/', end + 1);
        } while (end !== -1);
      }
      return stacks.filter((_, index) => hit[index] === 1);
    },
  };
}

/**
 * The stacks a push touches. Builds an index each call; keep {@link indexAffectedStacks}
 * when answering many pushes against one configuration.
 */
export function affectedStacks(
  configuration: Configuration,
  changedPaths: readonly string[],
): readonly StackConfig[] {
  return indexAffectedStacks(configuration).affected(changedPaths);
}

import picomatch from 'picomatch';
import type { Configuration, StackConfig } from '../config/stack-config.ts';

/** A compiled view of a configuration that answers "which stacks does this push touch?" quickly. */
export interface AffectedStacksIndex {
  /** The stacks to plan for `changedPaths`, in configuration order. */
  affected(changedPaths: readonly string[]): readonly StackConfig[];
}

interface CompiledGlob {
  /** Every stack watching this glob (a glob shared by stacks is compiled and tested once). */
  readonly stacks: number[];
  readonly glob: string;
  /** Compiled on first use: a push only ever tests globs under the folders it touched. */
  matcher: ((path: string) => boolean) | undefined;
}

function matches(entry: CompiledGlob, path: string): boolean {
  entry.matcher ??= picomatch(entry.glob, { dot: true });
  return entry.matcher(path);
}

/**
 * Builds the index once per configuration. A stack is affected when its template, its
 * parameter file or a path matching one of its `watch` globs changed; a change to the
 * configuration file itself affects every stack.
 *
 * Exact paths live in a `Map`. Each distinct glob is filed under its static base directory
 * (`stacks/network/**` under `stacks/network`) and compiled once, on first use, so a changed
 * path is only tested against globs whose base is one of its parent directories, never
 * against every glob (`npm run bench`: 1,000 stacks x 10,000 paths).
 *
 * @example
 * const index = indexAffectedStacks(configuration);
 * index.affected(['stacks/network.yaml']).map((s) => s.name); // ['network-prod']
 */
export function indexAffectedStacks(configuration: Configuration): AffectedStacksIndex {
  const { stacks } = configuration;
  const exact = new Map<string, number[]>();
  const globsByBase = new Map<string, CompiledGlob[]>();
  const compiled = new Map<string, CompiledGlob>();
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
      const known = compiled.get(glob);
      if (known) {
        if (known.stacks.at(-1) !== index) known.stacks.push(index);
        continue;
      }
      const entry: CompiledGlob = { stacks: [index], glob, matcher: undefined };
      compiled.set(glob, entry);
      const base = scan.base.replace(/^\.\//, '').replace(/\/$/, '');
      const list = globsByBase.get(base) ?? [];
      list.push(entry);
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
            if (glob.stacks.every((stack) => hit[stack] === 1) || !matches(glob, path)) continue;
            for (const stack of glob.stacks) {
              if (hit[stack] === 0) {
                hit[stack] = 1;
                remaining -= 1;
              }
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

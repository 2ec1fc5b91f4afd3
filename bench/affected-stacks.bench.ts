import picomatch from 'picomatch';
import type { Configuration, StackConfig } from '../shared/domain/config/stack-config.ts';
import { indexAffectedStacks } from '../shared/domain/stack/affected-stacks.ts';
import { configurationOf, stackConfig } from '../test/support/stack-config.ts';
import type { BenchSuite } from './bench-suite.ts';

/**
 * A monorepo push: 1,000 stacks, each with its own template, a third with parameter files,
 * two or three watch globs each, and 10,000 changed paths. The baseline tests every glob
 * against every path (globs compiled once, so it only measures the matching strategy).
 */
const STACKS = 1_000;
const PATHS = 10_000;

const stacks = Array.from({ length: STACKS }, (_, i) =>
  stackConfig({
    name: `service-${i}`,
    template: `services/s${i}/template.yaml`,
    parameterFile: i % 3 === 0 ? `services/s${i}/params.json` : undefined,
    watch: [`services/s${i}/src/**/*.ts`, `libs/l${i % 50}/**`, ...(i % 100 === 0 ? ['**/*.sql'] : [])],
  }),
);
const configuration = configurationOf(stacks);
const paths = Array.from({ length: PATHS }, (_, i) => {
  const n = (i * 7919) % 4_000;
  if (i % 997 === 0) return `db/migrations/${i}.sql`;
  if (i % 5 === 0) return `services/s${n}/src/handlers/h${i}.ts`;
  if (i % 13 === 0) return `services/s${n}/template.yaml`;
  if (i % 101 === 0) return `libs/l${n % 60}/index.ts`;
  return `docs/page-${i}.md`;
});

/** Every glob against every path, until the stack is known to be affected. */
function naive(config: Configuration): (changed: readonly string[]) => StackConfig[] {
  const compiled = config.stacks.map((stack) => stack.watch.map((glob) => picomatch(glob, { dot: true })));
  return (changed) =>
    config.stacks.filter((stack, i) =>
      changed.some(
        (path) =>
          path === stack.template ||
          path === stack.parameterFile ||
          compiled[i]!.some((match) => match(path)),
      ),
    );
}

const naiveAffected = naive(configuration);
const index = indexAffectedStacks(configuration);

export const suite: BenchSuite = {
  name: `affected stacks: ${STACKS} stacks x ${PATHS} changed paths`,
  baseline: 'naive (every glob x path)',
  budgetMs: 3_000,
  cases: {
    'naive (every glob x path)': () => naiveAffected(paths).length,
    'indexed (prebuilt)': () => index.affected(paths).length,
    'indexed (build + query)': () => indexAffectedStacks(configuration).affected(paths).length,
  },
};

if (naiveAffected(paths).length !== index.affected(paths).length) {
  throw new Error('indexed and naive implementations disagree; fix before comparing times');
}

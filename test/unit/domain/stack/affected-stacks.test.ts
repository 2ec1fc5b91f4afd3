import { describe, expect, it } from 'vitest';
import { affectedStacks, indexAffectedStacks } from '../../../../shared/domain/stack/affected-stacks.ts';
import { configurationOf, stackConfig } from '../../../support/stack-config.ts';

const configuration = configurationOf([
  stackConfig({
    name: 'network',
    template: 'stacks/network.yaml',
    parameterFile: 'params/network.prod.json',
  }),
  stackConfig({
    name: 'app',
    template: 'stacks/app.yaml',
    watch: ['src/app/**', 'lambda/*.zip', 'shared/VERSION'],
  }),
  stackConfig({ name: 'queue', template: 'stacks/queue.yaml', watch: ['**/*.asl.json'] }),
  stackConfig({ name: 'shared', template: 'stacks/network.yaml' }),
]);

const names = (paths: readonly string[]) => affectedStacks(configuration, paths).map((stack) => stack.name);

describe('affectedStacks', () => {
  it.each([
    ['its template', ['stacks/app.yaml'], ['app']],
    ['a template two stacks share', ['stacks/network.yaml'], ['network', 'shared']],
    ['its parameter file', ['params/network.prod.json'], ['network']],
    ['a path under a ** watch glob', ['src/app/handlers/deep/index.ts'], ['app']],
    ['a path matching a * watch glob', ['lambda/app.zip'], ['app']],
    ['not a path one level deeper than a * glob', ['lambda/old/app.zip'], []],
    ['an exact watch path without glob characters', ['shared/VERSION'], ['app']],
    ['a root-based glob matching anywhere', ['workflows/order/flow.asl.json'], ['queue']],
    ['a dot file under a watched folder', ['src/app/.env.example'], ['app']],
    ['unrelated paths', ['README.md', 'src/other/x.ts'], []],
    ['a sibling folder sharing a prefix', ['src/application/x.ts'], []],
    ['no paths', [], []],
    ['converge.yaml itself', ['converge.yaml'], ['network', 'app', 'queue', 'shared']],
  ])('affects stacks when %s changed', (_, paths, expected) => {
    expect(names(paths)).toEqual(expected);
  });

  it('keeps configuration order whatever the order of paths', () => {
    expect(names(['stacks/queue.yaml', 'stacks/app.yaml', 'params/network.prod.json'])).toEqual([
      'network',
      'app',
      'queue',
    ]);
  });

  it('answers several pushes from one index', () => {
    const index = indexAffectedStacks(configuration);
    expect(index.affected(['stacks/app.yaml']).map((s) => s.name)).toEqual(['app']);
    expect(index.affected(['stacks/queue.yaml']).map((s) => s.name)).toEqual(['queue']);
  });

  it('is correct for 1,000 stacks and 10,000 changed paths', () => {
    const stacks = Array.from({ length: 1_000 }, (_, i) =>
      stackConfig({
        name: `service-${i}`,
        template: `services/s${i}/template.yaml`,
        parameterFile: i % 3 === 0 ? `services/s${i}/params.json` : undefined,
        watch: [`services/s${i}/src/**/*.ts`, `libs/l${i % 50}/**`, ...(i % 100 === 0 ? ['**/*.sql'] : [])],
      }),
    );
    const monorepo = configurationOf(stacks);
    const paths = Array.from({ length: 10_000 }, (_, i) => {
      const n = (i * 7919) % 4_000;
      if (i % 997 === 0) return `db/migrations/${i}.sql`;
      if (i % 5 === 0) return `services/s${n}/src/handlers/h${i}.ts`;
      if (i % 13 === 0) return `services/s${n}/template.yaml`;
      if (i % 17 === 0) return `services/s${n}/params.json`;
      if (i % 101 === 0) return `libs/l${n % 60}/index.ts`;
      return `docs/page-${i}.md`;
    });
    // An oracle written from how the paths were generated, not from globs.
    const changed = new Set(paths);
    const sourceChanged = new Set(paths.flatMap((p) => /^services\/s(\d+)\/src\/.+\.ts$/.exec(p)?.[1] ?? []));
    const libChanged = new Set(paths.flatMap((p) => /^libs\/l(\d+)\//.exec(p)?.[1] ?? []));
    const sqlChanged = paths.some((p) => p.endsWith('.sql'));
    const expected = stacks
      .filter(
        (stack, i) =>
          changed.has(stack.template) ||
          (stack.parameterFile !== undefined && changed.has(stack.parameterFile)) ||
          sourceChanged.has(String(i)) ||
          libChanged.has(String(i % 50)) ||
          (i % 100 === 0 && sqlChanged),
      )
      .map((stack) => stack.name);
    const indexed = affectedStacks(monorepo, paths).map((stack) => stack.name);
    expect(indexed.length).toBeGreaterThan(100);
    expect(indexed.length).toBeLessThan(1_000);
    expect(indexed).toEqual(expected);
  });
});

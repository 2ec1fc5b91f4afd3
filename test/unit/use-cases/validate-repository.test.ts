import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  ConfigurationProblem,
  formatConfigurationIssue,
} from '../../../shared/domain/config/configuration-error.ts';
import { SourceSymlinkError } from '../../../shared/ports/source.ts';
import { loadConfiguration } from '../../../shared/use-cases/configuration/load-configuration.ts';
import { validateRepository } from '../../../shared/use-cases/configuration/validate-repository.ts';
import { MemorySource } from '../../support/memory-source.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/config/${name}`, import.meta.url), 'utf8');
const template = readFileSync(new URL('../../fixtures/templates/queue.yaml', import.meta.url), 'utf8');
const SHA = '3f2c9a1e0b4d5c6f7a8b9c0d1e2f3a4b5c6d7e8f';
const REPOSITORY = 'acme/infra';

const completeRepository: Record<string, string> = {
  'converge.yaml': fixture('converge.yaml'),
  'stacks/network.yaml': template,
  'stacks/network.prod.json': fixture('network.prod.json'),
  'stacks/app.yaml': template,
  'stacks/app.prod.json': fixture('app.prod.json'),
  'stacks/queue.yaml': template,
};

async function validate(files: Record<string, string>) {
  return validateRepository(
    { source: new MemorySource({ [SHA]: files }) },
    { repository: REPOSITORY, revision: SHA },
  );
}

async function problemsWith(files: Record<string, string>): Promise<string[]> {
  return (await validate(files)).issues.map(formatConfigurationIssue);
}

describe('validateRepository', () => {
  it('finds no problem in a complete repository and gives its configuration with parameter files read', async () => {
    const result = await validate(completeRepository);
    expect(result.issues).toEqual([]);
    expect(result.configuration?.stacks.map((stack) => [stack.name, stack.parameters])).toEqual([
      ['network-prod', { CidrBlock: '10.0.0.0/16', Env: 'prod' }],
      ['app-prod', { ImageTag: '1.4.2', Replicas: '3' }],
      ['queue-prod', { VisibilityTimeout: '30' }],
    ]);
  });

  it('reports a schema problem, a missing template and an invalid parameter file at once, located', async () => {
    const { 'stacks/app.yaml': _missing, ...files } = completeRepository;
    files['converge.yaml'] = fixture('converge.yaml').replace(
      '  approval: { required: 1, autoApprove: safe }',
      '  approval: { required: 1, autoApprove: sometimes }',
    );
    files['stacks/network.prod.json'] = '{ "Parameters": { "Cidr-Block": "10.0.0.0/16" } }';
    const result = await validate(files);
    expect(result.configuration).toBeUndefined();
    expect(result.issues.map(formatConfigurationIssue)).toEqual([
      'converge.yaml:4:41 defaults.approval.autoApprove: must be one of safe, never, always',
      'converge.yaml:12:15 stacks[1].template: file not found; check the path and that the file is committed',
      'stacks/network.prod.json:1:19 Parameters.Cidr-Block: "Cidr-Block" is not a parameter name; use letters and digits only',
    ]);
  });

  it('reports an invalid template at its own line and column', async () => {
    const files = { ...completeRepository, 'stacks/queue.yaml': 'Resources:\n  Q:\n    Type: !Reff x\n' };
    expect(await problemsWith(files)).toEqual([
      'stacks/queue.yaml:3:11 (document): unknown tag !Reff; use a CloudFormation function such as !Ref, !Sub or !GetAtt',
    ]);
  });

  it('reports a template shared by two stacks once', async () => {
    const files: Record<string, string> = { ...completeRepository, 'stacks/app.yaml': 'Parameters: {}\n' };
    files['converge.yaml'] = fixture('converge.yaml').replace('stacks/queue.yaml', 'stacks/app.yaml');
    expect(await problemsWith(files)).toEqual([
      'stacks/app.yaml:1:1 (document): the template has no Resources section; declare at least one resource',
    ]);
  });

  it('checks the files of a stack whose other keys are wrong', async () => {
    const files = {
      'converge.yaml':
        'version: 1\nstacks:\n  - name: a\n    templat: x.yaml\n    template: a.yaml\n    region: eu-west-1\n',
    };
    expect(await problemsWith(files)).toEqual([
      'converge.yaml:4:5 stacks[0].templat: unknown key "templat"; did you mean "template"?',
      'converge.yaml:5:15 stacks[0].template: file not found; check the path and that the file is committed',
    ]);
  });

  it('reports a file that cannot be read (here a symbolic link) as a problem of its reference', async () => {
    const source = new MemorySource({ [SHA]: completeRepository });
    const readFile = source.readFile.bind(source);
    source.readFile = async (repository, revision, path) => {
      if (path === 'stacks/app.yaml') throw new SourceSymlinkError(path);
      return readFile(repository, revision, path);
    };
    const { issues } = await validateRepository({ source }, { repository: REPOSITORY, revision: SHA });
    expect(issues.map(formatConfigurationIssue)).toEqual([
      expect.stringMatching(
        /^converge\.yaml:12:15 stacks\[1\]\.template: "stacks\/app\.yaml" is a symbolic link/,
      ),
    ]);
  });

  it('reports a missing converge.yaml and reads nothing else', async () => {
    const source = new MemorySource({ [SHA]: {} });
    const { issues } = await validateRepository({ source }, { repository: REPOSITORY, revision: SHA });
    expect(issues.map(formatConfigurationIssue)).toEqual([
      'converge.yaml:1:1 (document): file not found; add it at the repository root or name the right file',
    ]);
    expect(source.reads).toEqual([`${SHA}:converge.yaml`]);
  });

  it('stops at broken YAML syntax, which names no files', async () => {
    const problems = await problemsWith({ 'converge.yaml': 'version: 1\nstacks: [\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^converge\.yaml:\d+:\d+ /);
  });
});

/** A source over `files` where the paths in `links` are symbolic links. */
function sourceOf(files: Record<string, string>, links: readonly string[] = []): MemorySource {
  const source = new MemorySource({ [SHA]: files });
  const readFile = source.readFile.bind(source);
  source.readFile = async (repository, revision, path) => {
    if (links.includes(path)) throw new SourceSymlinkError(path);
    return readFile(repository, revision, path);
  };
  return source;
}

/** The problems `loadConfiguration` throws for the same source. */
async function loadProblems(source: MemorySource) {
  const error = await loadConfiguration({ source }, { repository: REPOSITORY, revision: SHA }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigurationError);
  return (error as ConfigurationError).issues;
}

const without = (...paths: string[]) =>
  Object.fromEntries(Object.entries(completeRepository).filter(([path]) => !paths.includes(path)));

describe('loadConfiguration and validateRepository read a repository one way', () => {
  it.each([
    ['a missing converge.yaml', without('converge.yaml'), []],
    ['a missing template', without('stacks/app.yaml'), []],
    ['a missing parameter file', without('stacks/network.prod.json'), []],
    [
      'an invalid parameter file',
      { ...completeRepository, 'stacks/app.prod.json': '{ "Parameters": { "Image-Tag": "x" } }' },
      [],
    ],
    [
      'a parameter file two stacks share, invalid',
      {
        ...completeRepository,
        'converge.yaml': fixture('converge.yaml').replace('stacks/network.prod.json', 'stacks/app.prod.json'),
        'stacks/app.prod.json': '{ "Parameters": { "Image-Tag": "x" } }',
      },
      [],
    ],
    ['a template that is a symbolic link', completeRepository, ['stacks/app.yaml']],
    ['a converge.yaml that is a symbolic link', completeRepository, ['converge.yaml']],
  ])('reports %s with the same located problems on both paths', async (_case, files, links) => {
    const validated = await validateRepository(
      { source: sourceOf(files, links) },
      { repository: REPOSITORY, revision: SHA },
    );
    const loaded = await loadProblems(sourceOf(files, links));
    expect(validated.issues.length).toBeGreaterThan(0);
    expect(validated.configuration).toBeUndefined();
    expect(loaded.map(formatConfigurationIssue)).toEqual(validated.issues.map(formatConfigurationIssue));
    expect(loaded.map((issue) => issue.problem)).toEqual(validated.issues.map((issue) => issue.problem));
  });

  it('marks a missing file FILE_NOT_FOUND on both paths, so a plan names it TemplateNotFound', async () => {
    const files = without('stacks/app.yaml');
    const validated = await validateRepository(
      { source: sourceOf(files) },
      { repository: REPOSITORY, revision: SHA },
    );
    const loaded = await loadProblems(sourceOf(files));
    for (const issues of [validated.issues, loaded]) {
      expect(issues.map((issue) => issue.problem)).toEqual([ConfigurationProblem.FILE_NOT_FOUND]);
    }
  });

  it('gives the same configuration on both paths when nothing is wrong', async () => {
    const validated = await validateRepository(
      { source: sourceOf(completeRepository) },
      { repository: REPOSITORY, revision: SHA },
    );
    const loaded = await loadConfiguration(
      { source: sourceOf(completeRepository) },
      { repository: REPOSITORY, revision: SHA },
    );
    expect(validated.issues).toEqual([]);
    expect(loaded).toEqual(validated.configuration);
  });

  it('leaves template syntax to the plan: loading accepts a template validation refuses', async () => {
    const files = { ...completeRepository, 'stacks/queue.yaml': 'Resources:\n  Q:\n    Type: !Reff x\n' };
    const validated = await validateRepository(
      { source: sourceOf(files) },
      { repository: REPOSITORY, revision: SHA },
    );
    expect(validated.issues.map(formatConfigurationIssue)).toEqual([
      'stacks/queue.yaml:3:11 (document): unknown tag !Reff; use a CloudFormation function such as !Ref, !Sub or !GetAtt',
    ]);
    const loaded = await loadConfiguration(
      { source: sourceOf(files) },
      { repository: REPOSITORY, revision: SHA },
    );
    expect(loaded.stacks.map((stack) => stack.name)).toEqual(['network-prod', 'app-prod', 'queue-prod']);
  });
});

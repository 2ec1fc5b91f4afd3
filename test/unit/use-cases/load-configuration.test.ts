import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  formatConfigurationIssue,
} from '../../../shared/domain/config/configuration-error.ts';
import { loadConfiguration } from '../../../shared/use-cases/configuration/load-configuration.ts';
import { MemorySource } from '../../support/memory-source.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/config/${name}`, import.meta.url), 'utf8');
const template = readFileSync(new URL('../../fixtures/templates/queue.yaml', import.meta.url), 'utf8');
const SHA = '3f2c9a1e0b4d5c6f7a8b9c0d1e2f3a4b5c6d7e8f';
const REPOSITORY = 'acme/infra';

const completeRepository = {
  'converge.yaml': fixture('converge.yaml'),
  'stacks/network.yaml': template,
  'stacks/network.prod.json': fixture('network.prod.json'),
  'stacks/app.yaml': template,
  'stacks/app.prod.json': fixture('app.prod.json'),
  'stacks/queue.yaml': template,
  'deployments/app.yaml': fixture('git-sync-deployment.yaml'),
};

async function problemsWith(files: Record<string, string>, input: object = {}): Promise<string[]> {
  try {
    await loadConfiguration(
      { source: new MemorySource({ [SHA]: files }) },
      { repository: REPOSITORY, revision: SHA, ...input },
    );
  } catch (error) {
    if (error instanceof ConfigurationError) return error.issues.map(formatConfigurationIssue);
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadConfiguration', () => {
  it('reads converge.yaml and fills parameters from each parameter file', async () => {
    const source = new MemorySource({ [SHA]: completeRepository });
    const config = await loadConfiguration({ source }, { repository: REPOSITORY, revision: SHA });
    expect(config.stacks.map((stack) => [stack.name, stack.parameters])).toEqual([
      ['network-prod', { CidrBlock: '10.0.0.0/16', Env: 'prod' }],
      ['app-prod', { ImageTag: '1.4.2', Replicas: '3' }],
      ['queue-prod', { VisibilityTimeout: '30' }],
    ]);
  });

  it("puts a template configuration file's tags under the stack's own", async () => {
    const source = new MemorySource({ [SHA]: completeRepository });
    const config = await loadConfiguration({ source }, { repository: REPOSITORY, revision: SHA });
    expect(config.stacks[1]?.tags).toEqual({ team: 'app', 'cost-centre': '42' });
    expect(config.stacks[0]?.tags).toEqual({ team: 'platform' });
  });

  it('reads everything at the requested revision only', async () => {
    const source = new MemorySource({ [SHA]: completeRepository, other: {} });
    await loadConfiguration({ source }, { repository: REPOSITORY, revision: SHA });
    expect(source.reads.every((read) => read.startsWith(`${SHA}:`))).toBe(true);
  });

  it('reads a Git sync deployment file as a one-stack configuration', async () => {
    const source = new MemorySource({ [SHA]: completeRepository });
    const config = await loadConfiguration(
      { source },
      {
        repository: REPOSITORY,
        revision: SHA,
        file: 'deployments/app.yaml',
        gitSync: { stackName: 'app', region: 'eu-west-1' },
      },
    );
    expect(config.file).toBe('deployments/app.yaml');
    expect(config.stacks.map((stack) => [stack.name, stack.template, stack.parameters])).toEqual([
      ['app', 'stacks/app.yaml', { ImageTag: '1.4.2', Replicas: '3' }],
    ]);
  });

  it('reports a missing converge.yaml', async () => {
    expect(await problemsWith({})).toEqual([
      `converge.yaml:1:1 (document): file not found; add it at the repository root or name the right file`,
    ]);
  });

  it('collects every missing and invalid file into one error, with positions', async () => {
    const { 'stacks/app.yaml': _t, 'stacks/network.prod.json': _p, ...files } = completeRepository;
    files['stacks/app.prod.json'] = '{ "Parameters": { "Image-Tag": "x" } }';
    expect(await problemsWith(files)).toEqual([
      `converge.yaml:8:17 stacks[0].parameters: file not found; check the path and that the file is committed`,
      `converge.yaml:12:15 stacks[1].template: file not found; check the path and that the file is committed`,
      'stacks/app.prod.json:1:19 Parameters.Image-Tag: "Image-Tag" is not a parameter name; use letters and digits only',
    ]);
  });

  it('reports a missing template named by a Git sync deployment file', async () => {
    const { 'stacks/app.yaml': _t, ...files } = completeRepository;
    const problems = await problemsWith(files, {
      file: 'deployments/app.yaml',
      gitSync: { stackName: 'app', region: 'eu-west-1' },
    });
    expect(problems).toEqual([
      `deployments/app.yaml:1:21 template-file-path: file not found; check the path and that the file is committed`,
    ]);
  });

  it('passes schema problems through without reading other files', async () => {
    const source = new MemorySource({ [SHA]: { 'converge.yaml': 'version: 1\nstacks:\n  - name: a\n' } });
    await expect(loadConfiguration({ source }, { repository: REPOSITORY, revision: SHA })).rejects.toThrow(
      'converge.yaml:3:5 stacks[0].template: missing required key "template"',
    );
    expect(source.reads).toEqual([`${SHA}:converge.yaml`]);
  });
});

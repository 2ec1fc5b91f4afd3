import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../shared/domain/config/configuration-error.ts';
import { parseGitSyncDeploymentFile } from '../../../../shared/domain/config/parse-git-sync-deployment-file.ts';
import { NULL_VALUES, WRITTEN_VALUES } from './written-values.ts';

const text = readFileSync(
  new URL('../../../fixtures/config/git-sync-deployment.yaml', import.meta.url),
  'utf8',
);
const options = { file: 'deployments/app.yaml', stackName: 'app-prod', region: 'eu-west-1' };

describe('parseGitSyncDeploymentFile', () => {
  it('reads the file as a one-stack configuration', () => {
    const config = parseGitSyncDeploymentFile(text, options);
    expect(config.file).toBe('deployments/app.yaml');
    expect(config.stacks).toHaveLength(1);
    expect(config.stacks[0]).toMatchObject({
      name: 'app-prod',
      template: 'stacks/app.yaml',
      parameters: { ImageTag: '1.4.2', Replicas: '3' },
      tags: { team: 'app' },
      region: 'eu-west-1',
      approval: { required: 1, autoApprove: 'never' },
      drift: { mode: 'report', ignore: [] },
    });
  });

  it.each([
    [
      'a missing template-file-path',
      'parameters: { A: b }\n',
      1,
      1,
      'missing required key "template-file-path"',
    ],
    [
      'a typo in a key',
      'template-file-path: a.yaml\nparameter: { A: b }\n',
      2,
      1,
      'did you mean "parameters"?',
    ],
    [
      'a template outside the repository',
      'template-file-path: ../a.yaml\n',
      1,
      21,
      'climb above the repository root',
    ],
  ])('rejects %s', (_, body, line, column, message) => {
    try {
      parseGitSyncDeploymentFile(body, options);
      expect.unreachable();
    } catch (error) {
      const [issue] = (error as ConfigurationError).issues;
      expect(issue?.message).toContain(message);
      expect([issue?.file, issue?.line, issue?.column]).toEqual(['deployments/app.yaml', line, column]);
    }
  });

  it('rejects an invalid stack name from the caller', () => {
    expect(() => parseGitSyncDeploymentFile(text, { ...options, stackName: 'app_prod' })).toThrow(
      ConfigurationError,
    );
  });

  it.each(WRITTEN_VALUES)('keeps the parameter and tag value %s as written', (written, expected) => {
    const body = `template-file-path: a.yaml\nparameters:\n  Value: ${written}\ntags:\n  value: ${written}\n`;
    const [stack] = parseGitSyncDeploymentFile(body, options).stacks;
    expect([stack?.parameters, stack?.tags]).toEqual([{ Value: expected }, { value: expected }]);
  });

  it.each(NULL_VALUES)(
    'refuses the null parameter value %j, saying how to write an empty value',
    (written) => {
      expect(() =>
        parseGitSyncDeploymentFile(`template-file-path: a.yaml\nparameters:\n  Value: ${written}\n`, options),
      ).toThrow(/has no value .*write "" for an empty value/);
    },
  );
});

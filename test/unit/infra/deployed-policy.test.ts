import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConvergeApp, PROJECT_ROOT } from '../../../infra/converge-app.ts';
import { DeployedPolicyInvalidError, readDeployedPolicy } from '../../../infra/deployed-policy.ts';
import { iamStackPatterns } from '../../../infra/iam-stack-patterns.ts';
import { InfraSettingsInvalidError } from '../../../infra/settings.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createStubProject } from './stub-project.ts';
import { TEST_POLICY, writePolicy } from './synthesized-app.ts';

/** Builds (without synthesizing) the app for a context; throws what synth would throw. */
function buildApp(context: Record<string, unknown>) {
  return createConvergeApp({
    projectRoot: createStubProject(),
    appProps: {
      outdir: tempDir('converge-cdk-out-'),
      context: { 'aws:cdk:bundling-stacks': [], ...context },
    },
  });
}

describe('the control-plane policy at synth', () => {
  it('is required: without converge:policyFile synth stops and names the key', () => {
    expect(() => buildApp({})).toThrow(InfraSettingsInvalidError);
    expect(() => buildApp({})).toThrow(/converge:policyFile: is required/);
  });

  it('stops synth when the file cannot be read, naming the key and the path', () => {
    const missing = join(tmpdir(), 'no-such-dir', 'policy.yaml');
    expect(() => buildApp({ 'converge:policyFile': missing })).toThrow(DeployedPolicyInvalidError);
    expect(() => buildApp({ 'converge:policyFile': missing })).toThrow(
      /converge:policyFile names .*no-such-dir\/policy\.yaml, which cannot be read \(ENOENT\)/,
    );
  });

  it('stops synth on an invalid policy with every problem located at file:line:col', () => {
    const file = writePolicy(
      'version: 1\nrepositories:\n  acme/infra: { branches: [main], stacks: ["app-*"] }\napprovers: []\nprotectedStack: [x]\n',
    );
    let error: unknown;
    try {
      buildApp({ 'converge:policyFile': file });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DeployedPolicyInvalidError);
    const message = (error as Error).message;
    expect(message).toMatch(/context converge:policyFile is invalid/);
    expect(message).toMatch(/policy\.yaml:4:12 approvers: list at least one approver/);
    expect(message).toMatch(/policy\.yaml:5:1 .*protectedStack.*did you mean "protectedStacks"/);
  });

  it('names the bundled copy after the file type and reads it from the Lambda task root', () => {
    expect(readDeployedPolicy(writePolicy(TEST_POLICY, 'p.yml'))).toMatchObject({
      bundledName: 'converge-policy.yml',
      runtimePath: '/var/task/converge-policy.yml',
    });
    const json = JSON.stringify({
      version: 1,
      repositories: { 'acme/infra': { branches: ['main'], stacks: ['app-*'] } },
      approvers: ['github:alice'],
    });
    expect(readDeployedPolicy(writePolicy(json, 'policy.json')).runtimePath).toBe(
      '/var/task/converge-policy.json',
    );
  });
});

describe('iamStackPatterns', () => {
  it.each([
    [['app-*', 'network-prod', 'app-*'], ['app-*', 'network-prod'], true],
    [['app-**'], ['app-*'], true],
    [['*'], ['*'], true],
    [['app-{a,b}'], ['*'], false],
    [['app-*', '[ab]-x'], ['*'], false],
    [['!app-*'], ['*'], false],
  ])('translates %j to %j (exact: %s)', (globs, patterns, exact) => {
    expect(iamStackPatterns(globs)).toMatchObject({ patterns, exact });
  });
});

describe('the policy inside every function bundle', () => {
  const POLICY_WITH_FORKS = `${TEST_POLICY}forks: { previews: true, previewRoleArn: "arn:aws:iam::123456789012:role/converge-preview" }
protectedStacks: ["CDKToolkit", "legacy-{a,b}"]
`;
  let outdir: string;
  let stateless: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  let assetOf: (outdir: string) => Record<string, string>;

  beforeAll(() => {
    // Bundles the stub handlers with the real esbuild, as `cdk synth` does.
    const synth = (policyText: string) => {
      const dir = tempDir('converge-cdk-out-');
      const projectRoot = createStubProject();
      // Bundling runs `npx --no-install esbuild` in the project root: lend it this checkout's.
      symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(projectRoot, 'node_modules'));
      const built = createConvergeApp({
        projectRoot,
        appProps: {
          outdir: dir,
          context: { 'converge:policyFile': writePolicy(policyText), 'aws:cdk:bundling-stacks': ['**'] },
        },
      });
      built.app.synth();
      return { dir, built };
    };
    const first = synth(POLICY_WITH_FORKS);
    outdir = first.dir;
    stateless = JSON.parse(readFileSync(join(outdir, 'ConvergeStateless.template.json'), 'utf8')).Resources;
    assetOf = (dir: string) => {
      const template = JSON.parse(readFileSync(join(dir, 'ConvergeStateless.template.json'), 'utf8'));
      return Object.fromEntries(
        Object.entries(
          template.Resources as Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>,
        )
          .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
          .map(([id, r]) => [id.replace(/Function.*$/, ''), r.Properties.Code?.S3Key ?? '']),
      );
    };
    const second = synth(`${POLICY_WITH_FORKS}# one more line\n`);
    secondAssets = assetOf(second.dir);
  }, 240_000);
  let secondAssets: Record<string, string>;

  it('copies the policy file, byte for byte, next to each index.mjs', () => {
    const functions = Object.values(stateless).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(7);
    for (const key of Object.values(assetOf(outdir))) {
      const assetDir = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
      expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
      expect(readFileSync(join(assetDir, 'converge-policy.yaml'), 'utf8')).toBe(POLICY_WITH_FORKS);
    }
  });

  it('changes every function asset when the policy changes, so cdk deploy ships the new policy', () => {
    const first = assetOf(outdir);
    expect(Object.keys(secondAssets).sort()).toEqual(Object.keys(first).sort());
    for (const [name, key] of Object.entries(first)) expect(secondAssets[name]).not.toBe(key);
  });

  it('lets plan pass the fork preview role to CloudFormation when the policy enables fork previews', () => {
    const text = JSON.stringify(
      Object.values(stateless).filter(
        (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('PlanRole'),
      ),
    );
    expect(text).toContain('arn:aws:iam::123456789012:role/converge-preview');
    const others = JSON.stringify(
      Object.values(stateless).filter(
        (r) => r.Type === 'AWS::IAM::Policy' && !JSON.stringify(r.Properties.Roles).includes('PlanRole'),
      ),
    );
    expect(others).not.toContain('converge-preview');
  });

  it('denies only the protected stacks IAM can name exactly', () => {
    const text = JSON.stringify(stateless);
    expect(text).toContain(':stack/CDKToolkit/*');
    expect(text).not.toContain('legacy-');
  });
});

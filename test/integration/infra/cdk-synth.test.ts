import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');

/**
 * `npm run synth` exactly as a user runs it: the CDK CLI, offline, with the functions bundled
 * by local esbuild (no Docker). The unit tests synthesize in-process with bundling skipped;
 * this one proves the real command and the real bundles.
 */
describe('npm run synth', () => {
  const out = mkdtempSync(join(tmpdir(), 'converge-synth-'));
  const policyFile = join(out, 'policy.yaml');
  const policy =
    'version: 1\nrepositories:\n  acme/infra: { branches: [main], stacks: ["app-*"] }\napprovers: [github:alice]\n';

  beforeAll(async () => {
    // The control-plane policy is a required input of the CDK app (docs/deploy.md).
    writeFileSync(policyFile, policy);
    await run('npm', ['run', 'synth', '--', '--output', out, '-c', `converge:policyFile=${policyFile}`], {
      cwd: ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes both stacks', () => {
    for (const stack of ['ConvergeStateful', 'ConvergeStateless']) {
      const template = JSON.parse(readFileSync(join(out, `${stack}.template.json`), 'utf8'));
      expect(Object.keys(template.Resources).length).toBeGreaterThan(5);
    }
  });

  it('bundles every function into one ESM file under the 1 MB budget', () => {
    const template = JSON.parse(readFileSync(join(out, 'ConvergeStateless.template.json'), 'utf8'));
    const functions = Object.values(
      template.Resources as Record<string, { Type: string; Metadata?: Record<string, string> }>,
    )
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => resource.Metadata?.['aws:asset:path'])
      .filter((path): path is string => Boolean(path));
    expect(functions).toHaveLength(7);
    for (const asset of functions) {
      const files = readdirSync(join(out, asset)).filter((file) => /\.m?js$/.test(file));
      expect(files).toEqual(['index.mjs']);
      expect(statSync(join(out, asset, 'index.mjs')).size).toBeLessThan(1024 * 1024);
      // The policy travels with every function, byte for byte.
      expect(readFileSync(join(out, asset, 'converge-policy.yaml'), 'utf8')).toBe(policy);
    }
  });
});

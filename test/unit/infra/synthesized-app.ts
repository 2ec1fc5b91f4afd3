import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { createConvergeApp } from '../../../infra/converge-app.ts';
import { createStubProject } from './stub-project.ts';

/** Context of the shared test app: cross-account targets and an alarm email, to exercise both options. */
export const TEST_CONTEXT = {
  // Stub handlers are not bundled: synthesis stays offline and fast.
  'aws:cdk:bundling-stacks': [],
  'converge:targetRoleArns': 'arn:aws:iam::210987654321:role/converge-target',
  'converge:alarmEmail': 'ops@example.com',
  'converge:driftSweepIntervalMinutes': 120,
  'converge:reconcileIntervalMinutes': 10,
} as const;

export interface SynthesizedApp {
  readonly built: ReturnType<typeof createConvergeApp>;
  readonly assembly: CloudAssembly;
  readonly stateful: Template;
  readonly stateless: Template;
}

/** Builds and synthesizes the Converge app in-process, once per test file. */
export function synthesizeApp(context: Record<string, unknown> = TEST_CONTEXT): SynthesizedApp {
  const built = createConvergeApp({
    projectRoot: createStubProject(),
    appProps: { outdir: mkdtempSync(join(tmpdir(), 'converge-cdk-out-')), context },
  });
  const assembly = built.app.synth();
  return {
    built,
    assembly,
    stateful: Template.fromStack(built.stateful),
    stateless: Template.fromStack(built.stateless),
  };
}

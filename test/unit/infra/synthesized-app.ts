import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { createConvergeApp } from '../../../infra/converge-app.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createStubProject } from './stub-project.ts';

/** The control-plane policy of the shared test app: two served repositories, the default protected stacks. */
export const TEST_POLICY = `version: 1
repositories:
  acme/infra: { branches: [main], stacks: ["app-*", "network-prod"] }
  acme/data: { branches: [main, "release/*"], stacks: ["data-*"] }
approvers: ["github:alice"]
`;

/** Writes `text` as a policy file in a fresh temporary directory and returns its path. */
export function writePolicy(text: string = TEST_POLICY, name = 'policy.yaml'): string {
  const file = join(tempDir('converge-policy-'), name);
  writeFileSync(file, text);
  return file;
}

/** Context of the shared test app: drift read actions and an alarm email, to exercise both options. */
export const TEST_CONTEXT = {
  // Stub handlers are not bundled: synthesis stays offline and fast.
  'aws:cdk:bundling-stacks': [],
  'converge:policyFile': writePolicy(),
  'converge:driftReadActions': 'sqs:GetQueueAttributes,ssm:GetParameters',
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
    appProps: { outdir: tempDir('converge-cdk-out-'), context },
  });
  const assembly = built.app.synth();
  return {
    built,
    assembly,
    stateful: Template.fromStack(built.stateful),
    stateless: Template.fromStack(built.stateless),
  };
}

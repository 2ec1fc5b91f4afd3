import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { expect } from 'vitest';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { type E2e, REGION, reaches, settled, template } from './e2e-harness.ts';

/** converge.yaml naming `stacks` under one approval rule, with extra lines for each stack. */
export function yaml(stacks: readonly string[], approval: string, extra: readonly string[] = []): string {
  return [
    'version: 1',
    'defaults:',
    `  region: ${REGION}`,
    '  branch: main',
    `  approval: ${approval}`,
    'stacks:',
    ...stacks.flatMap((name) => [`  - name: ${name}`, `    template: stacks/${name}.yaml`, ...extra]),
    '',
  ].join('\n');
}

/** The template plus an IAM user: a change `autoApprove: safe` must never let through. */
export const IAM_USER = ['  Admin:', '    Type: AWS::IAM::User'].join('\n');

/** The deployments of `stackName` that `repository` asked for, newest last. */
export async function deploymentsOf(e2e: E2e, stackName: string, repository: string): Promise<Deployment[]> {
  return [...(await e2e.deployments(stackName))]
    .filter((d) => d.repository === repository)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Waits for a deployment of `stackName` other than `known` to leave PLANNING. */
export function next(e2e: E2e, stackName: string, known: readonly string[]): Promise<Deployment> {
  return e2e.waitFor(
    async () => (await e2e.deployments(stackName)).find((d) => !known.includes(d.id)),
    (d) => d !== undefined && d.status !== 'PLANNING',
    `a new deployment of ${stackName} to be planned`,
  ) as Promise<Deployment>;
}

/** Deploys a first revision of `stackName` from `repository`, approved by the control-plane approver. */
export async function firstDeployment(
  e2e: E2e,
  repository: string,
  stackName: string,
  files: Record<string, string>,
) {
  await e2e.repository(repository).push(files);
  const first = await settled(e2e, stackName, ['AWAITING_APPROVAL']);
  await e2e.click(first);
  expect((await reaches(e2e, first.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  return first;
}

/** The Slack messages (posted or updated) that mention `text`. */
export function slackMessagesWith(e2e: E2e, text: string) {
  const decoded = (raw: string) => {
    try {
      return decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      return raw;
    }
  };
  return e2e.recorder.requests.filter(
    (r) => r.path.startsWith('/api/chat.') && (r.rawBody.includes(text) || decoded(r.rawBody).includes(text)),
  );
}

/** Creates a stack directly in the local cloud, as a person or another tool would: no Converge involved. */
export async function createByHand(e2e: E2e, stackName: string): Promise<void> {
  const client = new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
  const { Id } = await client.send(
    new CreateChangeSetCommand({
      StackName: stackName,
      ChangeSetName: 'by-hand',
      ChangeSetType: 'CREATE',
      TemplateBody: template('by hand'),
    }),
  );
  await e2e.waitFor(
    () => client.send(new DescribeChangeSetCommand({ ChangeSetName: Id, StackName: stackName })),
    (cs) => cs.Status === 'CREATE_COMPLETE',
    `the hand-made change set of ${stackName}`,
  );
  await client.send(new ExecuteChangeSetCommand({ ChangeSetName: Id, StackName: stackName }));
  await e2e.waitFor(
    () => client.send(new DescribeStacksCommand({ StackName: stackName })),
    (described) => described.Stacks?.[0]?.StackStatus === 'CREATE_COMPLETE',
    `${stackName} to be created by hand`,
  );
}

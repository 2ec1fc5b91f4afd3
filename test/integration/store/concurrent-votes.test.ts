import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../local/dynamodb/start-dynamodb-local.ts';
import { createTable } from '../../../shared/adapters/aws/create-table.ts';
import { DynamoDbStore } from '../../../shared/adapters/aws/dynamodb-store.ts';
import { MemoryNotifier } from '../../../shared/adapters/memory/memory-notifier.ts';
import { MemoryQueue } from '../../../shared/adapters/memory/memory-queue.ts';
import { MemoryStacks } from '../../../shared/adapters/memory/memory-stacks.ts';
import { systemClock } from '../../../shared/adapters/system/system-clock.ts';
import type { ApproverIdentity } from '../../../shared/domain/approval/approval.ts';
import type { Deployment, StackRef } from '../../../shared/domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import {
  type ApprovalDecisionResult,
  decideApproval,
} from '../../../shared/use-cases/approval/decide-approval.ts';
import { aDeployment, anAudit, deploymentId } from '../../support/store-contract.ts';

/**
 * Votes cast at the same moment through decideApproval on DynamoDB Local, each voter with its own
 * client (as separate Lambda invocations would be): the quorum is never lost and a deployment is
 * decided once.
 */
const TRIALS = 20;

let db: DynamoDbLocal;
let tableName: string;
/** One client per voter, so their requests really run side by side. */
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  db = await startDynamoDbLocal();
  for (let i = 0; i < 3; i++) {
    clients.push(
      new DynamoDBClient({
        endpoint: db.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
  }
  tableName = 'converge-votes';
  await createTable(clients[0]!, tableName);
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await db?.stop();
});

/** Records every change set a reject deletes (the fake CloudFormation knows none of these). */
class RecordingStacks extends MemoryStacks {
  readonly deleteRequests: string[] = [];
  override async deleteChangeSet(_stack: StackRef, changeSetIdOrName: string): Promise<void> {
    this.deleteRequests.push(changeSetIdOrName);
  }
}

let created = 0;

/** A deployment awaiting `required` approvals, open for an hour from now. */
async function awaiting(required: number): Promise<Deployment> {
  const deployment = aDeployment(1, {
    id: deploymentId(1, ++created),
    status: DeploymentStatus.AWAITING_APPROVAL,
    approval: { required, approvers: [], allowSelfApproval: false, autoApprove: 'never', ttlSeconds: 3600 },
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  await voter(0).store.createDeployment(deployment, anAudit(`deployment#${deployment.id}`, 1, 'created'));
  return deployment;
}

/** What one voter's function invocation gets: its own store client; queue and stacks shared. */
function voter(index: number, shared = { queue: new MemoryQueue(), stacks: new RecordingStacks() }) {
  return {
    ...shared,
    store: new DynamoDbStore({ tableName, client: clients[index]! }),
    clock: systemClock,
    notifier: new MemoryNotifier(),
  };
}

/** Casts every vote at once, one voter each, and returns the results with what was queued and deleted. */
async function castTogether(
  deployment: Deployment,
  votes: readonly { approver: ApproverIdentity; decision: 'approve' | 'reject' }[],
) {
  const shared = { queue: new MemoryQueue(), stacks: new RecordingStacks() };
  const results: ApprovalDecisionResult[] = await Promise.all(
    votes.map((vote, i) =>
      decideApproval(voter(i, shared), {
        deploymentId: deployment.id,
        changeSetId: deployment.changeSet?.id,
        approver: vote.approver,
        decision: vote.decision,
        via: 'github',
      }),
    ),
  );
  const store = voter(0).store;
  return {
    results,
    outcomes: results.map((r) => r.outcome),
    final: (await store.getDeployment(deployment.id))!,
    votes: await store.listApprovals(deployment.id),
    trail: (await store.listAudit(`deployment#${deployment.id}`)).map((r) => r.action),
    executions: shared.queue.jobs('execute'),
    deletedChangeSets: shared.stacks.deleteRequests,
  };
}

const approvers = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    approver: `github:approver-${i}` as const,
    decision: 'approve' as const,
  }));

describe('decideApproval on DynamoDB Local, votes at the same moment', () => {
  it.each([2, 3])(
    `approves in each of ${TRIALS} trials of N approvals at once for required: N (N = %i), queuing one execution`,
    async (n) => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const deployment = await awaiting(n);
        const race = await castTogether(deployment, approvers(n));

        expect(race.final.status, `trial ${trial}`).toBe(DeploymentStatus.APPROVED);
        expect([...race.outcomes].sort()).toEqual(['approved', ...Array(n - 1).fill('pending')]);
        expect(race.votes).toHaveLength(n);
        expect(race.executions).toEqual([
          { type: 'execute', deploymentId: deployment.id, stackKey: deployment.stackKey },
        ]);
        expect(race.trail.filter((action) => action === 'approved')).toHaveLength(1);
        expect(race.trail).not.toContain('vote-refused');
      }
    },
    120_000,
  );

  it(`decides once in each of ${TRIALS} trials of an approve racing a reject (required: 1)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const deployment = await awaiting(1);
      const race = await castTogether(deployment, [
        { approver: 'github:bob', decision: 'approve' },
        { approver: 'github:dave', decision: 'reject' },
      ]);
      const approved = race.final.status === DeploymentStatus.APPROVED;

      expect([DeploymentStatus.APPROVED, DeploymentStatus.REJECTED]).toContain(race.final.status);
      expect(race.outcomes).toEqual(approved ? ['approved', 'refused'] : ['refused', 'rejected']);
      expect(race.votes).toHaveLength(1);
      expect(race.executions).toHaveLength(approved ? 1 : 0);
      expect(race.deletedChangeSets).toEqual(approved ? [] : [deployment.changeSet?.id]);
    }
  }, 120_000);

  it(`never leaves a deployment waiting in ${TRIALS} trials of two approvals and a reject (required: 2)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const deployment = await awaiting(2);
      const race = await castTogether(deployment, [
        ...approvers(2),
        { approver: 'github:dave', decision: 'reject' },
      ]);
      const approved = race.final.status === DeploymentStatus.APPROVED;

      expect([DeploymentStatus.APPROVED, DeploymentStatus.REJECTED]).toContain(race.final.status);
      expect(race.outcomes.filter((o) => o === 'approved' || o === 'rejected')).toEqual([
        approved ? 'approved' : 'rejected',
      ]);
      expect(race.executions).toHaveLength(approved ? 1 : 0);
      expect(race.deletedChangeSets).toHaveLength(approved ? 0 : 1);
    }
  }, 120_000);
});

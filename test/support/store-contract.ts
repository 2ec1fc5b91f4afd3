import { beforeEach, describe, expect, it } from 'vitest';
import type { Approval, ApproverIdentity } from '../../shared/domain/approval/approval.ts';
import type { AuditAction } from '../../shared/domain/deployment/audit-action.ts';
import type { Deployment, Reason } from '../../shared/domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../shared/domain/deployment/reason-code.ts';
import { sortableId } from '../../shared/domain/ids.ts';
import type { AuditInput, Store } from '../../shared/ports/store.ts';
import {
  DeploymentNotFoundError,
  StoreConflict,
  StoreConflictError,
  StoreInputError,
} from '../../shared/ports/store-errors.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const STACK = 'default/eu-west-1/network-prod';
const OTHER_STACK = 'default/eu-west-1/app-prod';
const RACERS = 20;

/** The instant `minute` minutes after the start of the test timeline. */
export function instant(minute: number): string {
  return new Date(T0 + minute * 60_000).toISOString();
}

/** A sortable deployment id made at `minute`; `salt` tells apart ids of the same minute. */
export function deploymentId(minute: number, salt = 0): string {
  return sortableId(T0 + minute * 60_000, new Uint8Array(10).fill(salt));
}

/** A deployment of `STACK` created at `minute`, in PLANNING, with a change set. */
export function aDeployment(minute: number, overrides: Partial<Deployment> = {}): Deployment {
  const id = overrides.id ?? deploymentId(minute);
  return {
    id,
    kind: 'deploy',
    stack: { stackName: 'network-prod', region: 'eu-west-1' },
    stackKey: STACK,
    repository: 'acme/infra',
    revision: `rev-${minute}`,
    author: 'github:carol',
    status: DeploymentStatus.PLANNING,
    changeSet: { id: `arn:aws:cloudformation:cs/${id}`, name: `converge-${id}` },
    createdAt: instant(minute),
    updatedAt: instant(minute),
    version: 1,
    ...overrides,
  };
}

/** An audit record; `action` may be any text, as the store keeps whatever it is given (markers order the trail). */
export function anAudit(subject: string, minute: number, action = 'test'): AuditInput {
  return { subject, action: action as AuditAction, actor: 'system:test', at: instant(minute) };
}

function aVote(deployment: Deployment, approver: ApproverIdentity, minute: number): Approval {
  return {
    deploymentId: deployment.id,
    changeSetId: deployment.changeSet?.id ?? 'none',
    approver,
    decision: 'approve',
    at: instant(minute),
    via: 'github',
  };
}

function subjectOf(deployment: Deployment): string {
  return `deployment#${deployment.id}`;
}

/** Runs `attempt` for every racer at once and sorts the outcomes into wins and conflicts. */
async function race<T>(attempt: (racer: number) => Promise<T>): Promise<{ wins: T[]; errors: unknown[] }> {
  const outcomes = await Promise.allSettled(Array.from({ length: RACERS }, (_, racer) => attempt(racer)));
  return {
    wins: outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : [])),
    errors: outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : [])),
  };
}

/**
 * The behaviour every {@link Store} adapter must have. `makeStore` returns a new, empty store
 * for each test.
 *
 * @example
 * storeContract('MemoryStore', () => new MemoryStore());
 */
export function storeContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name} (Store contract)`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });

    /** Creates a deployment in `status` (through transitions, as production code would). */
    async function seed(minute: number, overrides: Partial<Deployment> = {}): Promise<Deployment> {
      const deployment = aDeployment(minute, overrides);
      await store.createDeployment(deployment, anAudit(subjectOf(deployment), minute, 'created'));
      return deployment;
    }

    describe('deployments', () => {
      it('reads back a created deployment as written', async () => {
        const deployment = await seed(1, {
          reason: { code: ReasonCode.TEMPLATE_INVALID, message: 'why' },
          pullRequest: 7,
        });
        expect(await store.getDeployment(deployment.id)).toEqual(deployment);
      });

      it('answers undefined for an unknown deployment', async () => {
        expect(await store.getDeployment(deploymentId(99))).toBeUndefined();
      });

      it('writes the audit record of a creation with it', async () => {
        const deployment = await seed(1);
        const trail = await store.listAudit(subjectOf(deployment));
        expect(trail).toMatchObject([{ subject: subjectOf(deployment), action: 'created', at: instant(1) }]);
      });

      it('refuses a second deployment with the same id and keeps the first', async () => {
        const first = await seed(1);
        const second = aDeployment(2, { id: first.id, revision: 'other' });
        await expect(store.createDeployment(second, anAudit(subjectOf(first), 2))).rejects.toMatchObject({
          name: 'StoreConflictError',
          conflict: StoreConflict.ALREADY_EXISTS,
        });
        expect(await store.getDeployment(first.id)).toEqual(first);
        expect(await store.listAudit(subjectOf(first))).toHaveLength(1);
      });

      it('lists the deployments of one stack newest first', async () => {
        const a = await seed(1);
        const c = await seed(3);
        const b = await seed(2);
        await seed(4, { stackKey: OTHER_STACK });
        const listed = await store.listDeployments(STACK);
        expect(listed.map((d) => d.id)).toEqual([c.id, b.id, a.id]);
      });

      it('orders deployments created in the same instant by id', async () => {
        const low = await seed(1, { id: deploymentId(1, 1) });
        const high = await seed(1, { id: deploymentId(1, 2) });
        expect((await store.listDeployments(STACK)).map((d) => d.id)).toEqual([high.id, low.id]);
      });

      it('lists every deployment when there are more than one page holds', async () => {
        for (let minute = 1; minute <= 7; minute++) await seed(minute);
        const listed = await store.listDeployments(STACK);
        expect(listed.map((d) => d.createdAt)).toEqual([7, 6, 5, 4, 3, 2, 1].map(instant));
      });

      it('stops a list at its limit, keeping the newest', async () => {
        for (let minute = 1; minute <= 5; minute++) await seed(minute);
        const listed = await store.listDeployments(STACK, { limit: 3 });
        expect(listed.map((d) => d.createdAt)).toEqual([5, 4, 3].map(instant));
      });

      it('lists deployments by status across stacks, newest first', async () => {
        const a = await seed(1);
        const b = await seed(2, { stackKey: OTHER_STACK });
        const c = await seed(3, { status: DeploymentStatus.AWAITING_APPROVAL });
        const listed = await store.listDeploymentsByStatus(DeploymentStatus.PLANNING);
        expect(listed.map((d) => d.id)).toEqual([b.id, a.id]);
        expect(
          (await store.listDeploymentsByStatus(DeploymentStatus.AWAITING_APPROVAL)).map((d) => d.id),
        ).toEqual([c.id]);
      });

      it('lists a deployment under its new status after a transition', async () => {
        const deployment = await seed(1);
        await store.transition(
          deployment.id,
          DeploymentStatus.PLANNING,
          { status: DeploymentStatus.AWAITING_APPROVAL, updatedAt: instant(2) },
          anAudit(subjectOf(deployment), 2),
        );
        expect(await store.listDeploymentsByStatus(DeploymentStatus.PLANNING)).toEqual([]);
        expect(
          (await store.listDeploymentsByStatus(DeploymentStatus.AWAITING_APPROVAL)).map((d) => d.id),
        ).toEqual([deployment.id]);
      });
    });

    describe('transition', () => {
      it('changes the status, applies the patch, bumps the version and returns the result', async () => {
        const deployment = await seed(1);
        const reason: Reason = { code: ReasonCode.INSUFFICIENT_CAPABILITIES, message: 'IAM changes' };
        const updated = await store.transition(
          deployment.id,
          DeploymentStatus.PLANNING,
          {
            status: DeploymentStatus.AWAITING_APPROVAL,
            updatedAt: instant(2),
            reason,
            expiresAt: instant(60),
          },
          anAudit(subjectOf(deployment), 2, 'awaiting-approval'),
        );
        const expected = {
          ...deployment,
          status: DeploymentStatus.AWAITING_APPROVAL,
          updatedAt: instant(2),
          reason,
          expiresAt: instant(60),
          version: 2,
        };
        expect(updated).toEqual(expected);
        expect(await store.getDeployment(deployment.id)).toEqual(expected);
      });

      it('writes the audit record of the transition with it', async () => {
        const deployment = await seed(1);
        await store.transition(
          deployment.id,
          DeploymentStatus.PLANNING,
          { status: DeploymentStatus.NO_CHANGES, updatedAt: instant(2) },
          anAudit(subjectOf(deployment), 2, 'no-changes'),
        );
        const trail = await store.listAudit(subjectOf(deployment));
        expect(trail.map((r) => r.action)).toEqual(['created', 'no-changes']);
      });

      it('refuses a transition from a status the deployment is not in, and writes nothing', async () => {
        const deployment = await seed(1);
        const attempt = store.transition(
          deployment.id,
          DeploymentStatus.APPROVED,
          { status: DeploymentStatus.EXECUTING, updatedAt: instant(2) },
          anAudit(subjectOf(deployment), 2, 'executing'),
        );
        await expect(attempt).rejects.toMatchObject({
          name: 'StoreConflictError',
          conflict: StoreConflict.STATUS_CHANGED,
          expected: DeploymentStatus.APPROVED,
          actual: DeploymentStatus.PLANNING,
        });
        expect(await store.getDeployment(deployment.id)).toEqual(deployment);
        expect((await store.listAudit(subjectOf(deployment))).map((r) => r.action)).toEqual(['created']);
      });

      it('refuses a transition of an unknown deployment', async () => {
        const attempt = store.transition(
          deploymentId(9),
          DeploymentStatus.PLANNING,
          { status: DeploymentStatus.NO_CHANGES, updatedAt: instant(2) },
          anAudit('deployment#unknown', 2),
        );
        await expect(attempt).rejects.toBeInstanceOf(DeploymentNotFoundError);
        expect(await store.listAudit('deployment#unknown')).toEqual([]);
      });

      it(`lets exactly one of ${RACERS} concurrent writers make the same transition`, async () => {
        const deployment = await seed(1, { status: DeploymentStatus.APPROVED });
        const { wins, errors } = await race((racer) =>
          store.transition(
            deployment.id,
            DeploymentStatus.APPROVED,
            {
              status: DeploymentStatus.EXECUTING,
              updatedAt: instant(2),
              reason: { code: ReasonCode.STACK_BUSY, message: `${racer}` },
            },
            anAudit(subjectOf(deployment), 2, `executing-${racer}`),
          ),
        );
        expect(wins).toHaveLength(1);
        expect(errors).toHaveLength(RACERS - 1);
        for (const error of errors) {
          expect(error).toBeInstanceOf(StoreConflictError);
          expect(error).toMatchObject({
            conflict: StoreConflict.STATUS_CHANGED,
            actual: DeploymentStatus.EXECUTING,
          });
        }
        const stored = await store.getDeployment(deployment.id);
        expect(stored).toEqual(wins[0]);
        expect(stored?.version).toBe(2);
        const trail = await store.listAudit(subjectOf(deployment));
        expect(trail.map((r) => r.action)).toEqual(['created', `executing-${stored?.reason?.message}`]);
      });
    });

    describe('approvals', () => {
      async function awaiting(minute: number): Promise<Deployment> {
        return seed(minute, { status: DeploymentStatus.AWAITING_APPROVAL });
      }
      const approve = { status: DeploymentStatus.APPROVED, updatedAt: instant(5) };

      it('records votes and lists them in the order cast', async () => {
        const deployment = await awaiting(1);
        await store.recordApproval(
          aVote(deployment, 'slack:U2', 3),
          undefined,
          anAudit(subjectOf(deployment), 3),
        );
        await store.recordApproval(
          aVote(deployment, 'github:bob', 2),
          undefined,
          anAudit(subjectOf(deployment), 2),
        );
        const votes = await store.listApprovals(deployment.id);
        expect(votes).toEqual([aVote(deployment, 'github:bob', 2), aVote(deployment, 'slack:U2', 3)]);
      });

      it('refuses a second vote by the same approver and keeps the first', async () => {
        const deployment = await awaiting(1);
        const first = aVote(deployment, 'github:bob', 2);
        await store.recordApproval(first, undefined, anAudit(subjectOf(deployment), 2, 'vote'));
        const again = { ...aVote(deployment, 'github:bob', 3), decision: 'reject' as const };
        await expect(
          store.recordApproval(again, undefined, anAudit(subjectOf(deployment), 3, 'vote')),
        ).rejects.toMatchObject({ name: 'StoreConflictError', conflict: StoreConflict.DUPLICATE_VOTE });
        expect(await store.listApprovals(deployment.id)).toEqual([first]);
        expect((await store.listAudit(subjectOf(deployment))).map((r) => r.action)).toEqual([
          'created',
          'vote',
        ]);
      });

      it('records the vote and the status change together', async () => {
        const deployment = await awaiting(1);
        const vote = aVote(deployment, 'github:bob', 5);
        await store.recordApproval(
          vote,
          { from: DeploymentStatus.AWAITING_APPROVAL, next: approve },
          anAudit(subjectOf(deployment), 5, 'approved'),
        );
        expect(await store.getDeployment(deployment.id)).toMatchObject({
          status: DeploymentStatus.APPROVED,
          version: 2,
        });
        expect(await store.listApprovals(deployment.id)).toEqual([vote]);
        expect((await store.listAudit(subjectOf(deployment))).map((r) => r.action)).toEqual([
          'created',
          'approved',
        ]);
      });

      it('does not record the vote when the status change is refused', async () => {
        const deployment = await seed(1, { status: DeploymentStatus.EXPIRED });
        const attempt = store.recordApproval(
          aVote(deployment, 'github:bob', 5),
          { from: DeploymentStatus.AWAITING_APPROVAL, next: approve },
          anAudit(subjectOf(deployment), 5, 'approved'),
        );
        await expect(attempt).rejects.toMatchObject({
          conflict: StoreConflict.STATUS_CHANGED,
          expected: DeploymentStatus.AWAITING_APPROVAL,
          actual: DeploymentStatus.EXPIRED,
        });
        expect(await store.listApprovals(deployment.id)).toEqual([]);
        expect(await store.getDeployment(deployment.id)).toEqual(deployment);
        expect((await store.listAudit(subjectOf(deployment))).map((r) => r.action)).toEqual(['created']);
      });

      it('refuses a vote on a change set the deployment no longer has', async () => {
        const deployment = await awaiting(1);
        const stale = { ...aVote(deployment, 'github:bob', 2), changeSetId: 'arn:aws:cloudformation:cs/old' };
        await expect(
          store.recordApproval(stale, undefined, anAudit(subjectOf(deployment), 2)),
        ).rejects.toMatchObject({
          conflict: StoreConflict.CHANGE_SET_CHANGED,
          expected: 'arn:aws:cloudformation:cs/old',
          actual: deployment.changeSet?.id,
        });
        expect(await store.listApprovals(deployment.id)).toEqual([]);
      });

      describe('for the change set the same transition sets (auto-approval at the end of planning)', () => {
        const planned = { id: 'arn:aws:cloudformation:cs/planned', name: 'converge-planned' };
        const approveWith = (changeSet: typeof planned) => ({
          from: DeploymentStatus.PLANNING,
          next: { status: DeploymentStatus.APPROVED, updatedAt: instant(5), changeSet },
        });

        it('records the vote and the status with its change set together', async () => {
          const deployment = await seed(1, { changeSet: undefined });
          const vote = { ...aVote(deployment, 'policy:auto-approve', 5), changeSetId: planned.id };
          await store.recordApproval(vote, approveWith(planned), anAudit(subjectOf(deployment), 5, 'auto'));
          expect(await store.getDeployment(deployment.id)).toMatchObject({
            status: DeploymentStatus.APPROVED,
            changeSet: planned,
            version: 2,
          });
          expect(await store.listApprovals(deployment.id)).toEqual([vote]);
          expect((await store.listAudit(subjectOf(deployment))).map((r) => r.action)).toEqual([
            'created',
            'auto',
          ]);
        });

        it('refuses a vote on another change set than the one the transition sets, writing nothing', async () => {
          const deployment = await seed(1, { changeSet: undefined });
          const vote = {
            ...aVote(deployment, 'policy:auto-approve', 5),
            changeSetId: 'arn:aws:cloudformation:cs/other',
          };
          await expect(
            store.recordApproval(vote, approveWith(planned), anAudit(subjectOf(deployment), 5, 'auto')),
          ).rejects.toMatchObject({ conflict: StoreConflict.CHANGE_SET_CHANGED, actual: planned.id });
          expect(await store.getDeployment(deployment.id)).toEqual(deployment);
          expect(await store.listApprovals(deployment.id)).toEqual([]);
        });

        it('writes neither the vote nor the status when the status moved first', async () => {
          const deployment = await seed(1, { changeSet: undefined, status: DeploymentStatus.SUPERSEDED });
          const vote = { ...aVote(deployment, 'policy:auto-approve', 5), changeSetId: planned.id };
          await expect(
            store.recordApproval(vote, approveWith(planned), anAudit(subjectOf(deployment), 5, 'auto')),
          ).rejects.toMatchObject({
            conflict: StoreConflict.STATUS_CHANGED,
            actual: DeploymentStatus.SUPERSEDED,
          });
          expect(await store.getDeployment(deployment.id)).toEqual(deployment);
          expect(await store.listApprovals(deployment.id)).toEqual([]);
        });
      });

      it('refuses a vote on an unknown deployment', async () => {
        const ghost = aDeployment(1);
        await expect(
          store.recordApproval(aVote(ghost, 'github:bob', 2), undefined, anAudit(subjectOf(ghost), 2)),
        ).rejects.toBeInstanceOf(DeploymentNotFoundError);
        expect(await store.listApprovals(ghost.id)).toEqual([]);
        expect(await store.listAudit(subjectOf(ghost))).toEqual([]);
      });

      it(`lets exactly one of ${RACERS} approvers racing to approve change the status`, async () => {
        const deployment = await awaiting(1);
        const { wins, errors } = await race((racer) =>
          store.recordApproval(
            aVote(deployment, `github:approver-${racer}`, 5),
            { from: DeploymentStatus.AWAITING_APPROVAL, next: approve },
            anAudit(subjectOf(deployment), 5, `approved-by-${racer}`),
          ),
        );
        expect(wins).toHaveLength(1);
        for (const error of errors) {
          expect(error).toMatchObject({ name: 'StoreConflictError', conflict: StoreConflict.STATUS_CHANGED });
        }
        const votes = await store.listApprovals(deployment.id);
        expect(votes).toHaveLength(1);
        const winner = votes[0]?.approver.replace('github:approver-', '');
        expect((await store.listAudit(subjectOf(deployment))).map((r) => r.action)).toEqual([
          'created',
          `approved-by-${winner}`,
        ]);
        expect(await store.getDeployment(deployment.id)).toMatchObject({
          status: DeploymentStatus.APPROVED,
          version: 2,
        });
      });

      it(`keeps one vote when the same approver votes ${RACERS} times at once`, async () => {
        const deployment = await awaiting(1);
        const { wins, errors } = await race(() =>
          store.recordApproval(
            aVote(deployment, 'slack:U1', 2),
            undefined,
            anAudit(subjectOf(deployment), 2),
          ),
        );
        expect(wins).toHaveLength(1);
        for (const error of errors) expect(error).toMatchObject({ conflict: StoreConflict.DUPLICATE_VOTE });
        expect(await store.listApprovals(deployment.id)).toHaveLength(1);
      });
    });

    describe('votes judged against a version', () => {
      async function awaiting(minute: number): Promise<Deployment> {
        return seed(minute, { status: DeploymentStatus.AWAITING_APPROVAL });
      }

      it('moves the version up with every vote, whether it changes the status or not', async () => {
        const deployment = await awaiting(1);
        await store.recordApproval(
          aVote(deployment, 'github:bob', 2),
          undefined,
          anAudit(subjectOf(deployment), 2),
        );
        expect(await store.getDeployment(deployment.id)).toEqual({ ...deployment, version: 2 });
        await store.recordApproval(
          aVote(deployment, 'slack:U2', 3),
          {
            from: DeploymentStatus.AWAITING_APPROVAL,
            next: { status: DeploymentStatus.APPROVED, updatedAt: instant(3) },
          },
          anAudit(subjectOf(deployment), 3),
          { expectedVersion: 2 },
        );
        expect(await store.getDeployment(deployment.id)).toMatchObject({
          status: DeploymentStatus.APPROVED,
          version: 3,
        });
      });

      it('records a vote judged against the current version', async () => {
        const deployment = await awaiting(1);
        const vote = aVote(deployment, 'github:bob', 2);
        await store.recordApproval(vote, undefined, anAudit(subjectOf(deployment), 2, 'vote'), {
          expectedVersion: deployment.version,
        });
        expect(await store.listApprovals(deployment.id)).toEqual([vote]);
      });

      it('refuses a vote judged against an older version, and writes nothing', async () => {
        const deployment = await awaiting(1);
        await store.recordApproval(
          aVote(deployment, 'github:bob', 2),
          undefined,
          anAudit(subjectOf(deployment), 2, 'vote'),
        );
        const late = store.recordApproval(
          aVote(deployment, 'slack:U2', 3),
          undefined,
          anAudit(subjectOf(deployment), 3, 'late vote'),
          { expectedVersion: deployment.version },
        );
        await expect(late).rejects.toMatchObject({
          name: 'StoreConflictError',
          conflict: StoreConflict.VERSION_CHANGED,
          expected: '1',
          actual: '2',
        });
        expect((await store.listApprovals(deployment.id)).map((v) => v.approver)).toEqual(['github:bob']);
        expect(await store.getDeployment(deployment.id)).toMatchObject({ version: 2 });
        expect((await store.listAudit(subjectOf(deployment))).map((r) => r.action)).toEqual([
          'created',
          'vote',
        ]);
      });

      it(`records one of ${RACERS} votes judged against the same version and refuses the others`, async () => {
        const deployment = await awaiting(1);
        const { wins, errors } = await race((racer) =>
          store.recordApproval(
            aVote(deployment, `github:approver-${racer}`, 2),
            undefined,
            anAudit(subjectOf(deployment), 2, `vote-${racer}`),
            { expectedVersion: deployment.version },
          ),
        );
        expect(wins).toHaveLength(1);
        for (const error of errors) expect(error).toMatchObject({ conflict: StoreConflict.VERSION_CHANGED });
        expect(await store.listApprovals(deployment.id)).toHaveLength(1);
        expect(await store.getDeployment(deployment.id)).toMatchObject({ version: 2 });
        expect(await store.listAudit(subjectOf(deployment))).toHaveLength(2);
      });
    });

    describe('notification refs', () => {
      const refs = { slack: { channel: 'C1', ts: '1700000000.000100' }, github: { checkRunId: '42' } };

      it('saves the refs with their audit record, keeps the status and moves the version up', async () => {
        const deployment = await seed(1, { status: DeploymentStatus.AWAITING_APPROVAL });
        const saved = await store.saveNotifications(
          deployment.id,
          refs,
          anAudit(subjectOf(deployment), 2, 'notified'),
        );
        expect(saved).toEqual({ ...deployment, notifications: refs, version: 2 });
        expect(await store.getDeployment(deployment.id)).toEqual(saved);
        expect((await store.listAudit(subjectOf(deployment))).map((r) => r.action)).toEqual([
          'created',
          'notified',
        ]);
      });

      it('replaces the refs saved before', async () => {
        const deployment = await seed(1);
        await store.saveNotifications(
          deployment.id,
          { slack: { channel: 'C1', ts: '1' } },
          anAudit(subjectOf(deployment), 2),
        );
        await store.saveNotifications(deployment.id, refs, anAudit(subjectOf(deployment), 3));
        expect((await store.getDeployment(deployment.id))?.notifications).toEqual(refs);
      });

      it('saves refs of a deployment in any status, a finished one too', async () => {
        const deployment = await seed(1, { status: DeploymentStatus.SUCCEEDED });
        await store.saveNotifications(deployment.id, refs, anAudit(subjectOf(deployment), 2));
        expect(await store.getDeployment(deployment.id)).toMatchObject({
          status: DeploymentStatus.SUCCEEDED,
          notifications: refs,
        });
      });

      it('keeps the refs through a later status change', async () => {
        const deployment = await seed(1, { status: DeploymentStatus.AWAITING_APPROVAL });
        await store.saveNotifications(deployment.id, refs, anAudit(subjectOf(deployment), 2));
        const moved = await store.transition(
          deployment.id,
          DeploymentStatus.AWAITING_APPROVAL,
          { status: DeploymentStatus.EXPIRED, updatedAt: instant(3) },
          anAudit(subjectOf(deployment), 3),
        );
        expect(moved).toMatchObject({ status: DeploymentStatus.EXPIRED, notifications: refs, version: 3 });
      });

      it('makes a vote judged before the save judge again', async () => {
        const deployment = await seed(1, { status: DeploymentStatus.AWAITING_APPROVAL });
        await store.saveNotifications(deployment.id, refs, anAudit(subjectOf(deployment), 2));
        await expect(
          store.recordApproval(
            aVote(deployment, 'github:bob', 3),
            undefined,
            anAudit(subjectOf(deployment), 3),
            {
              expectedVersion: deployment.version,
            },
          ),
        ).rejects.toMatchObject({ conflict: StoreConflict.VERSION_CHANGED });
        expect(await store.listApprovals(deployment.id)).toEqual([]);
      });

      it('refuses refs of an unknown deployment, and writes nothing', async () => {
        const ghost = aDeployment(1);
        await expect(
          store.saveNotifications(ghost.id, refs, anAudit(subjectOf(ghost), 2)),
        ).rejects.toBeInstanceOf(DeploymentNotFoundError);
        expect(await store.getDeployment(ghost.id)).toBeUndefined();
        expect(await store.listAudit(subjectOf(ghost))).toEqual([]);
      });
    });

    describe('stack state', () => {
      it('has no state for a stack it never saw', async () => {
        expect(await store.getStackState(STACK)).toBeUndefined();
      });

      it('records the last attempted deployment of a stack', async () => {
        expect(await store.recordAttempt(STACK, 'rev-1', deploymentId(1), instant(1))).toBe(true);
        expect(await store.getStackState(STACK)).toEqual({
          stackKey: STACK,
          lastAttemptedRevision: 'rev-1',
          lastAttemptedDeploymentId: deploymentId(1),
          lastAttemptedAt: instant(1),
        });
      });

      it('never moves the last attempt back to an older deployment', async () => {
        await store.recordAttempt(STACK, 'rev-2', deploymentId(2), instant(2));
        expect(await store.recordAttempt(STACK, 'rev-1', deploymentId(1), instant(3))).toBe(false);
        expect(await store.getStackState(STACK)).toMatchObject({
          lastAttemptedRevision: 'rev-2',
          lastAttemptedDeploymentId: deploymentId(2),
          lastAttemptedAt: instant(2),
        });
      });

      it('accepts the same attempt again (a redelivered job)', async () => {
        await store.recordAttempt(STACK, 'rev-1', deploymentId(1), instant(1));
        expect(await store.recordAttempt(STACK, 'rev-1', deploymentId(1), instant(1))).toBe(true);
      });

      it('never moves the last applied deployment backwards, and keeps it apart from the attempt', async () => {
        await store.recordAttempt(STACK, 'rev-3', deploymentId(3), instant(3));
        expect(await store.recordApplied(STACK, 'rev-2', deploymentId(2), instant(4))).toBe(true);
        expect(await store.recordApplied(STACK, 'rev-1', deploymentId(1), instant(5))).toBe(false);
        expect(await store.getStackState(STACK)).toEqual({
          stackKey: STACK,
          lastAttemptedRevision: 'rev-3',
          lastAttemptedDeploymentId: deploymentId(3),
          lastAttemptedAt: instant(3),
          lastAppliedRevision: 'rev-2',
          lastAppliedDeploymentId: deploymentId(2),
          lastAppliedAt: instant(4),
        });
      });

      describe('ordered by Git history (replacing the attempt the caller compared against)', () => {
        it('records a descendant planned after a later-arriving deployment (a smaller id)', async () => {
          await store.recordAttempt(STACK, 'rev-a', deploymentId(5), instant(5));
          expect(
            await store.recordAttempt(STACK, 'rev-b', deploymentId(3), instant(6), {
              deploymentId: deploymentId(5),
            }),
          ).toBe(true);
          expect(await store.getStackState(STACK)).toMatchObject({
            lastAttemptedRevision: 'rev-b',
            lastAttemptedDeploymentId: deploymentId(3),
          });
        });

        it('records the first attempt of a stack only while none is recorded', async () => {
          expect(
            await store.recordAttempt(STACK, 'rev-a', deploymentId(1), instant(1), {
              deploymentId: undefined,
            }),
          ).toBe(true);
          expect(
            await store.recordAttempt(STACK, 'rev-b', deploymentId(2), instant(2), {
              deploymentId: undefined,
            }),
          ).toBe(false);
          expect((await store.getStackState(STACK))?.lastAttemptedRevision).toBe('rev-a');
        });

        it('refuses, writing nothing, when another attempt was recorded since the caller compared', async () => {
          await store.recordAttempt(STACK, 'rev-a', deploymentId(1), instant(1));
          await store.recordAttempt(STACK, 'rev-c', deploymentId(3), instant(3));
          expect(
            await store.recordAttempt(STACK, 'rev-b', deploymentId(4), instant(4), {
              deploymentId: deploymentId(1),
            }),
          ).toBe(false);
          expect((await store.getStackState(STACK))?.lastAttemptedRevision).toBe('rev-c');
        });

        it('accepts the same attempt again (a redelivered job)', async () => {
          await store.recordAttempt(STACK, 'rev-a', deploymentId(1), instant(1));
          expect(
            await store.recordAttempt(STACK, 'rev-a', deploymentId(1), instant(1), {
              deploymentId: undefined,
            }),
          ).toBe(true);
        });

        it(`lets exactly one of ${RACERS} concurrent planners replace the same attempt`, async () => {
          await store.recordAttempt(STACK, 'rev-a', deploymentId(1), instant(1));
          const { wins, errors } = await race((racer) =>
            store.recordAttempt(STACK, `rev-${racer}`, deploymentId(2, racer), instant(2), {
              deploymentId: deploymentId(1),
            }),
          );
          expect(errors).toEqual([]);
          expect(wins.filter(Boolean)).toHaveLength(1);
        });

        it('records as applied the last attempted deployment, even with a smaller id than the applied one', async () => {
          await store.recordAttempt(STACK, 'rev-a', deploymentId(5), instant(5));
          await store.recordApplied(STACK, 'rev-a', deploymentId(5), instant(6));
          await store.recordAttempt(STACK, 'rev-b', deploymentId(3), instant(7), {
            deploymentId: deploymentId(5),
          });
          expect(await store.recordApplied(STACK, 'rev-b', deploymentId(3), instant(8))).toBe(true);
          expect(await store.getStackState(STACK)).toMatchObject({
            lastAppliedRevision: 'rev-b',
            lastAppliedDeploymentId: deploymentId(3),
          });
          expect(await store.recordApplied(STACK, 'rev-x', deploymentId(2), instant(9))).toBe(false);
        });
      });

      it('keeps the lock when an attempt is recorded, and the attempt when the lock is taken', async () => {
        await store.acquireLock(STACK, 'execute-1', T0, 60_000);
        await store.recordAttempt(STACK, 'rev-1', deploymentId(1), instant(1));
        await store.acquireLock(STACK, 'execute-1', T0 + 1, 60_000);
        expect(await store.getStackState(STACK)).toMatchObject({
          lastAttemptedDeploymentId: deploymentId(1),
          lock: { owner: 'execute-1', expiresAt: T0 + 60_001 },
        });
      });
    });

    describe('stack ownership', () => {
      it('gives a stack nobody owns to the first repository that claims it', async () => {
        expect(await store.claimStack(STACK, 'acme/infra', instant(1))).toBe('acme/infra');
        expect(await store.getStackState(STACK)).toMatchObject({ owner: 'acme/infra', ownedAt: instant(1) });
      });

      it('keeps the owner when another repository claims the stack, and answers with the owner', async () => {
        await store.claimStack(STACK, 'acme/infra', instant(1));
        expect(await store.claimStack(STACK, 'acme/other', instant(2))).toBe('acme/infra');
        expect(await store.getStackState(STACK)).toMatchObject({ owner: 'acme/infra', ownedAt: instant(1) });
      });

      it('accepts the owner claiming again and keeps when it first claimed', async () => {
        await store.claimStack(STACK, 'acme/infra', instant(1));
        expect(await store.claimStack(STACK, 'acme/infra', instant(2))).toBe('acme/infra');
        expect((await store.getStackState(STACK))?.ownedAt).toBe(instant(1));
      });

      it(`lets exactly one of ${RACERS} repositories claiming a new stack at once win`, async () => {
        const owners = await Promise.all(
          Array.from({ length: RACERS }, (_, racer) =>
            store.claimStack(STACK, `acme/repo-${racer}`, instant(1)),
          ),
        );
        const owner = (await store.getStackState(STACK))?.owner;
        expect(owner).toMatch(/^acme\/repo-/);
        expect(new Set(owners)).toEqual(new Set([owner]));
      });

      it('keeps the owner beside the attempt, applied revision and lock', async () => {
        await store.recordAttempt(STACK, 'rev-1', deploymentId(1), instant(1));
        await store.claimStack(STACK, 'acme/infra', instant(2));
        await store.acquireLock(STACK, 'a', T0, 1_000);
        expect(await store.getStackState(STACK)).toMatchObject({
          owner: 'acme/infra',
          lastAttemptedRevision: 'rev-1',
          lock: { owner: 'a', expiresAt: T0 + 1_000 },
        });
      });

      it('refuses an empty repository and writes nothing', async () => {
        await expect(store.claimStack(STACK, '', instant(1))).rejects.toBeInstanceOf(StoreInputError);
        expect(await store.getStackState(STACK)).toBeUndefined();
      });
    });

    describe('stack suspension', () => {
      it('is set with its audit record, kept beside the rest of the stack state, and removed on resume', async () => {
        await store.acquireLock(STACK, 'a', T0, 1_000);
        const suspension = { by: 'cli:alice', at: instant(1), reason: 'INC-42' };
        const suspended = await store.setSuspension(
          STACK,
          suspension,
          anAudit(`stack#${STACK}`, 1, 'suspended'),
        );
        expect(suspended).toMatchObject({ stackKey: STACK, suspended: suspension, lock: { owner: 'a' } });
        expect((await store.getStackState(STACK))?.suspended).toEqual(suspension);
        const resumed = await store.setSuspension(STACK, undefined, anAudit(`stack#${STACK}`, 2, 'resumed'));
        expect(resumed.suspended).toBeUndefined();
        expect((await store.getStackState(STACK))?.lock?.owner).toBe('a');
        expect((await store.listAudit(`stack#${STACK}`)).map((r) => r.action)).toEqual([
          'suspended',
          'resumed',
        ]);
      });

      it('refuses a suspension without who or when, writing nothing', async () => {
        const bad = { by: '', at: instant(1) };
        await expect(store.setSuspension(STACK, bad, anAudit(`stack#${STACK}`, 1))).rejects.toThrow(
          /suspension.by/,
        );
        expect(await store.getStackState(STACK)).toBeUndefined();
        expect(await store.listAudit(`stack#${STACK}`)).toEqual([]);
      });
    });

    describe('stack release', () => {
      const release = (outcome: 'released' | 'deleted', minute = 2) => ({
        revision: 'rev-2',
        at: instant(minute),
        outcome,
      });

      it('releases a stack once: a repeat answers false and keeps the first record', async () => {
        await store.recordApplied(STACK, 'rev-1', deploymentId(1), instant(1));
        expect(await store.releaseStack(STACK, release('released'))).toBe(true);
        expect(await store.releaseStack(STACK, release('released', 3))).toBe(false);
        expect(await store.getStackState(STACK)).toMatchObject({
          lastAppliedRevision: 'rev-1',
          released: { revision: 'rev-2', at: instant(2), outcome: 'released' },
        });
      });

      it('records a deletion of a released stack', async () => {
        await store.releaseStack(STACK, release('released'));
        expect(await store.releaseStack(STACK, release('deleted', 3))).toBe(true);
        expect((await store.getStackState(STACK))?.released?.outcome).toBe('deleted');
      });

      it('manages the stack again once a later deployment of it is applied', async () => {
        await store.recordApplied(STACK, 'rev-1', deploymentId(1), instant(1));
        await store.releaseStack(STACK, release('released'));
        expect(await store.recordApplied(STACK, 'rev-3', deploymentId(3), instant(3))).toBe(true);
        const state = await store.getStackState(STACK);
        expect(state?.released).toBeUndefined();
        expect(state?.lastAppliedRevision).toBe('rev-3');
      });

      it('refuses a malformed instant and writes nothing', async () => {
        await expect(
          store.releaseStack(STACK, { revision: 'rev-2', at: 'yesterday', outcome: 'released' }),
        ).rejects.toBeInstanceOf(StoreInputError);
        expect(await store.getStackState(STACK)).toBeUndefined();
      });
    });

    describe('stack lock', () => {
      it('is taken when free', async () => {
        expect(await store.acquireLock(STACK, 'a', T0, 1_000)).toBe(true);
        expect((await store.getStackState(STACK))?.lock).toEqual({ owner: 'a', expiresAt: T0 + 1_000 });
      });

      it('is refused to another owner while the lease runs', async () => {
        await store.acquireLock(STACK, 'a', T0, 1_000);
        expect(await store.acquireLock(STACK, 'b', T0 + 999, 1_000)).toBe(false);
        expect((await store.getStackState(STACK))?.lock).toEqual({ owner: 'a', expiresAt: T0 + 1_000 });
      });

      it('goes to another owner once the lease has expired', async () => {
        await store.acquireLock(STACK, 'a', T0, 1_000);
        expect(await store.acquireLock(STACK, 'b', T0 + 1_000, 1_000)).toBe(true);
        expect((await store.getStackState(STACK))?.lock).toEqual({ owner: 'b', expiresAt: T0 + 2_000 });
      });

      it('is extended when its owner takes it again', async () => {
        await store.acquireLock(STACK, 'a', T0, 1_000);
        expect(await store.acquireLock(STACK, 'a', T0 + 500, 1_000)).toBe(true);
        expect((await store.getStackState(STACK))?.lock).toEqual({ owner: 'a', expiresAt: T0 + 1_500 });
      });

      it('is not released by anybody but its owner', async () => {
        await store.acquireLock(STACK, 'a', T0, 1_000);
        expect(await store.releaseLock(STACK, 'b')).toBe(false);
        expect(await store.acquireLock(STACK, 'b', T0 + 1, 1_000)).toBe(false);
      });

      it('is free again once its owner releases it', async () => {
        await store.acquireLock(STACK, 'a', T0, 1_000);
        expect(await store.releaseLock(STACK, 'a')).toBe(true);
        expect((await store.getStackState(STACK))?.lock).toBeUndefined();
        expect(await store.acquireLock(STACK, 'b', T0 + 1, 1_000)).toBe(true);
      });

      it('is held by separate stacks independently', async () => {
        await store.acquireLock(STACK, 'a', T0, 1_000);
        expect(await store.acquireLock(OTHER_STACK, 'b', T0, 1_000)).toBe(true);
      });

      it(`goes to exactly one of ${RACERS} owners racing for it`, async () => {
        const { wins, errors } = await race((racer) =>
          store.acquireLock(STACK, `owner-${racer}`, T0, 60_000),
        );
        expect(errors).toEqual([]);
        expect(wins.filter(Boolean)).toHaveLength(1);
        const winner = wins.indexOf(true);
        expect((await store.getStackState(STACK))?.lock?.owner).toBe(`owner-${winner}`);
      });
    });

    describe('webhook deliveries', () => {
      it('records a delivery once and refuses it while it has not expired', async () => {
        expect(await store.recordDelivery('delivery-1', T0, 1_000)).toBe(true);
        expect(await store.recordDelivery('delivery-1', T0 + 999, 1_000)).toBe(false);
        expect(await store.recordDelivery('delivery-2', T0 + 999, 1_000)).toBe(true);
      });

      it('records an expired delivery again, although its entry is still stored', async () => {
        await store.recordDelivery('delivery-1', T0, 1_000);
        expect(await store.recordDelivery('delivery-1', T0 + 1_000, 1_000)).toBe(true);
        expect(await store.recordDelivery('delivery-1', T0 + 1_500, 1_000)).toBe(false);
      });

      it('records a released delivery again, as new', async () => {
        await store.recordDelivery('delivery-1', T0, 1_000);
        await store.releaseDelivery('delivery-1');
        expect(await store.recordDelivery('delivery-1', T0 + 1, 1_000)).toBe(true);
        expect(await store.recordDelivery('delivery-1', T0 + 2, 1_000)).toBe(false);
      });

      it('releases only the delivery named, and a delivery never recorded without error', async () => {
        await store.recordDelivery('delivery-1', T0, 1_000);
        await store.releaseDelivery('delivery-2');
        expect(await store.recordDelivery('delivery-1', T0 + 1, 1_000)).toBe(false);
        expect(await store.recordDelivery('delivery-2', T0 + 1, 1_000)).toBe(true);
      });

      it(`accepts exactly one of ${RACERS} concurrent copies of a delivery`, async () => {
        const { wins, errors } = await race(() => store.recordDelivery('delivery-1', T0, 60_000));
        expect(errors).toEqual([]);
        expect(wins.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('pushes', () => {
      const push = {
        repository: 'acme/infra',
        ref: 'refs/heads/main',
        before: 'a'.repeat(40),
        after: 'b'.repeat(40),
      };

      it('records a push once and refuses it while it has not expired, whatever else differs', async () => {
        expect(await store.recordPush(push, T0, 1_000)).toBe(true);
        expect(await store.recordPush({ ...push }, T0 + 999, 1_000)).toBe(false);
        expect(await store.recordPush({ ...push, before: 'c'.repeat(40) }, T0 + 999, 1_000)).toBe(true);
        expect(await store.recordPush({ ...push, ref: 'refs/heads/other' }, T0 + 999, 1_000)).toBe(true);
        expect(await store.recordPush({ ...push, repository: 'acme/other' }, T0 + 999, 1_000)).toBe(true);
      });

      it('tells apart pushes whose parts only join the same way', async () => {
        expect(await store.recordPush({ ...push, repository: 'acme/x', ref: 'y' }, T0, 1_000)).toBe(true);
        expect(await store.recordPush({ ...push, repository: 'acme', ref: 'x/y' }, T0, 1_000)).toBe(true);
        expect(await store.recordPush({ ...push, repository: 'a","b', ref: 'c' }, T0, 1_000)).toBe(true);
        expect(await store.recordPush({ ...push, repository: 'a', ref: 'b","c' }, T0, 1_000)).toBe(true);
      });

      it('records an expired push again, although its entry is still stored', async () => {
        await store.recordPush(push, T0, 1_000);
        expect(await store.recordPush(push, T0 + 1_000, 1_000)).toBe(true);
        expect(await store.recordPush(push, T0 + 1_500, 1_000)).toBe(false);
      });

      it('records a released push again, and releases only the push named', async () => {
        await store.recordPush(push, T0, 1_000);
        await store.releasePush({ ...push, after: 'c'.repeat(40) });
        expect(await store.recordPush(push, T0 + 1, 1_000)).toBe(false);
        await store.releasePush(push);
        expect(await store.recordPush(push, T0 + 2, 1_000)).toBe(true);
      });

      it(`accepts exactly one of ${RACERS} concurrent copies of a push`, async () => {
        const { wins, errors } = await race(() => store.recordPush(push, T0, 60_000));
        expect(errors).toEqual([]);
        expect(wins.filter(Boolean)).toHaveLength(1);
      });

      it('refuses a push with a missing part, writing nothing', async () => {
        const attempt = store.recordPush({ ...push, after: '' }, T0, 1_000);
        await expect(attempt).rejects.toBeInstanceOf(StoreInputError);
        await expect(attempt).rejects.toThrow(/push\.after must be a non-empty string/);
        expect(await store.recordPush(push, T0, 1_000)).toBe(true);
      });
    });

    describe('audit trail', () => {
      it('lists the trail of a subject in time order, whatever the order written', async () => {
        await store.appendAudit(anAudit('stack#a', 3, 'third'));
        await store.appendAudit(anAudit('stack#a', 1, 'first'));
        await store.appendAudit(anAudit('stack#b', 2, 'other subject'));
        await store.appendAudit(anAudit('stack#a', 2, 'second'));
        const trail = await store.listAudit('stack#a');
        expect(trail.map((r) => r.action)).toEqual(['first', 'second', 'third']);
      });

      it('keeps records of the same instant in the order written', async () => {
        for (const action of ['a', 'b', 'c', 'd']) await store.appendAudit(anAudit('stack#a', 1, action));
        expect((await store.listAudit('stack#a')).map((r) => r.action)).toEqual(['a', 'b', 'c', 'd']);
      });

      it('keeps every field and gives each record its own id', async () => {
        const audit = { ...anAudit('stack#a', 1), reason: 'drift', data: { resources: ['Queue'], count: 1 } };
        await store.appendAudit(audit);
        await store.appendAudit(audit);
        const trail = await store.listAudit('stack#a');
        expect(trail[0]).toEqual({ ...audit, id: expect.any(String) });
        expect(new Set(trail.map((r) => r.id)).size).toBe(2);
      });

      it('stops at the limit, keeping the oldest', async () => {
        for (let minute = 1; minute <= 5; minute++)
          await store.appendAudit(anAudit('stack#a', minute, `${minute}`));
        expect((await store.listAudit('stack#a', { limit: 2 })).map((r) => r.action)).toEqual(['1', '2']);
      });
    });

    describe('bad input', () => {
      const audit = anAudit('deployment#bad', 1);
      const patch = { status: DeploymentStatus.NO_CHANGES, updatedAt: instant(2) };
      const cases: { what: string; act: (s: Store) => Promise<unknown>; message: RegExp }[] = [
        {
          what: 'a deployment with an empty id',
          act: (s) => s.createDeployment(aDeployment(1, { id: '' }), audit),
          message: /deployment\.id must be a non-empty string/,
        },
        {
          what: 'a deployment with an unknown status',
          act: (s) => s.createDeployment(aDeployment(1, { status: 'DONE' as DeploymentStatus }), audit),
          message: /deployment\.status must be a deployment status/,
        },
        {
          what: 'a deployment with a malformed createdAt',
          act: (s) => s.createDeployment(aDeployment(1, { createdAt: 'yesterday' }), audit),
          message: /deployment\.createdAt must be an ISO 8601 instant/,
        },
        {
          what: 'an audit record without an actor',
          act: (s) => s.createDeployment(aDeployment(1), { ...audit, actor: '' }),
          message: /audit\.actor must be a non-empty string/,
        },
        {
          what: 'a transition of an empty id',
          act: (s) => s.transition('', DeploymentStatus.PLANNING, patch, audit),
          message: /id must be a non-empty string/,
        },
        {
          what: 'a transition to an unknown status',
          act: (s) =>
            s.transition(
              deploymentId(1),
              DeploymentStatus.PLANNING,
              { ...patch, status: 'DONE' as DeploymentStatus },
              audit,
            ),
          message: /next\.status must be a deployment status/,
        },
        {
          what: 'a transition that changes an immutable field',
          act: (s) =>
            s.transition(
              deploymentId(1),
              DeploymentStatus.PLANNING,
              { ...patch, stackKey: 'x' } as never,
              audit,
            ),
          message: /next\.stackKey cannot change/,
        },
        {
          what: 'a vote with an empty approver',
          act: (s) =>
            s.recordApproval(
              { ...aVote(aDeployment(1), 'github:x', 2), approver: '' as ApproverIdentity },
              undefined,
              audit,
            ),
          message: /approval\.approver must be a non-empty string/,
        },
        {
          what: 'a vote judged against a negative version',
          act: (s) =>
            s.recordApproval(aVote(aDeployment(1), 'github:x', 2), undefined, audit, { expectedVersion: -1 }),
          message: /options\.expectedVersion must be the version of the deployment read/,
        },
        {
          what: 'notification refs of an empty id',
          act: (s) => s.saveNotifications('', {}, audit),
          message: /id must be a non-empty string/,
        },
        {
          what: 'notification refs that are not string fields',
          act: (s) => s.saveNotifications(deploymentId(1), { slack: { ts: 17 } } as never, audit),
          message: /notifications\.slack must be an object of string fields/,
        },
        {
          what: 'an attempt with an id that does not sort',
          act: (s) => s.recordAttempt(STACK, 'rev-1', 'deployment-1', instant(1)),
          message: /deploymentId must be a sortable id/,
        },
        {
          what: 'a lock with an empty owner',
          act: (s) => s.acquireLock(STACK, '', T0, 1_000),
          message: /owner must be a non-empty string/,
        },
        {
          what: 'a lock with a lease of zero',
          act: (s) => s.acquireLock(STACK, 'a', T0, 0),
          message: /leaseMs must be a positive whole number/,
        },
        {
          what: 'a delivery with an empty id',
          act: (s) => s.recordDelivery('', T0, 1_000),
          message: /deliveryId must be a non-empty string/,
        },
        {
          what: 'a release of a delivery with an empty id',
          act: (s) => s.releaseDelivery(''),
          message: /deliveryId must be a non-empty string/,
        },
        {
          what: 'an audit record with a malformed instant',
          act: (s) => s.appendAudit({ ...audit, at: 'now' }),
          message: /audit\.at must be an ISO 8601 instant/,
        },
        {
          what: 'a list with a limit of zero',
          act: (s) => s.listDeployments(STACK, { limit: 0 }),
          message: /limit must be a positive whole number/,
        },
      ];

      it.each(cases)('refuses $what with a clear error', async ({ act, message }) => {
        const attempt = act(store);
        await expect(attempt).rejects.toBeInstanceOf(StoreInputError);
        await expect(attempt).rejects.toThrow(message);
      });

      it('writes nothing for refused input', async () => {
        for (const { act } of cases) await act(store).catch(() => undefined);
        expect(await store.listDeployments(STACK)).toEqual([]);
        expect(await store.listDeploymentsByStatus(DeploymentStatus.PLANNING)).toEqual([]);
        expect(await store.listAudit('deployment#bad')).toEqual([]);
        expect(await store.getStackState(STACK)).toBeUndefined();
        expect(await store.recordDelivery('x', T0, 1_000)).toBe(true);
      });
    });
  });
}

import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../../local/host/settable-clock.ts';
import {
  convergeYaml,
  type E2e,
  REGION,
  reaches,
  settled,
  startE2e,
  template,
} from '../e2e/support/e2e-harness.ts';
import { report } from './support/report-row.ts';
import { reliabilitySize } from './support/size.ts';

const size = reliabilitySize();
describe(`late votes (${size.name}): expiry read from the clock, never from TTL deletion`, () => {
  // DynamoDB Local deletes nothing by TTL, as DynamoDB may take days to: every expired item below
  // is still in the table, so only Converge's own reading of the clock can refuse it.
  const clock = new SettableClock();
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e(['hostile-late'], { clock });
  }, 180_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('refuses votes on approval requests past their expiry, expires them on reconcile and executes none', async (context) => {
    const late = Math.max(2, Math.ceil(size.hostile / 100));
    const names = Array.from({ length: late }, (_, i) => `late-${i}`);
    await e2e.push({
      'converge.yaml': convergeYaml(names),
      ...Object.fromEntries(names.map((name) => [`stacks/${name}.yaml`, template('v1')])),
    });
    const waiting = await Promise.all(names.map((name) => settled(e2e, name, ['AWAITING_APPROVAL'])));
    const latest = Math.max(...waiting.map((d) => Date.parse(d.expiresAt ?? '')));
    expect(Number.isNaN(latest)).toBe(false);

    // Every request's lifetime ends; a minute later each gets a valid, freshly signed approval.
    clock.set(latest + 60_000);
    const answers = await Promise.all(waiting.map((d) => e2e.click(d)));
    expect(answers.map((a) => a.status)).toEqual(waiting.map(() => 200));
    const afterVotes = await Promise.all(waiting.map((d) => e2e.store.getDeployment(d.id)));
    const approvals = await Promise.all(waiting.map((d) => e2e.store.listApprovals(d.id)));

    // The reconcile schedule expires them from their stored expiresAt.
    await e2e.host.runSchedule('reconcile');
    const ended = await Promise.all(
      waiting.map((d) => reaches(e2e, d.id, ['EXPIRED', 'APPROVED', 'SUCCEEDED'])),
    );
    const executed =
      (
        await new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint }).send(
          new ListStacksCommand({}),
        )
      ).StackSummaries?.filter(
        (s) =>
          names.includes(s.StackName ?? '') &&
          s.StackStatus !== 'REVIEW_IN_PROGRESS' &&
          s.StackStatus !== 'DELETE_COMPLETE',
      ) ?? [];

    report(
      context,
      {
        suite: 'hostile',
        check: 'late votes counted',
        sent: `${late} votes past expiresAt`,
        expected: 0,
        observed:
          approvals.flat().length + afterVotes.filter((d) => d?.status !== 'AWAITING_APPROVAL').length,
      },
      {
        suite: 'hostile',
        check: 'expired requests executed',
        sent: late,
        expected: 0,
        observed: executed.length + ended.filter((d) => d.status !== 'EXPIRED').length,
      },
    );
    expect(approvals.flat()).toEqual([]);
    expect(afterVotes.map((d) => d?.status)).toEqual(waiting.map(() => 'AWAITING_APPROVAL'));
    expect(ended.map((d) => d.status)).toEqual(waiting.map(() => 'EXPIRED'));
    expect(executed.map((s) => s.StackName)).toEqual([]);
  });
});

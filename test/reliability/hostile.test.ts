import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  convergeYaml,
  type E2e,
  REGION,
  reaches,
  SECRETS,
  settled,
  startE2e,
  template,
} from '../e2e/support/e2e-harness.ts';
import { hostileConfigurations } from './support/hostile-configurations.ts';
import { type HostileRequest, hostileRequests } from './support/hostile-requests.ts';
import { report } from './support/report-row.ts';
import { reliabilitySize } from './support/size.ts';

const size = reliabilitySize();
const INJECTED = '{"level":"ERROR","message":"INJECTED-BY-HOSTILE-TEST"';
/** Item types whose writes are the refusal itself (a delivery taken once, an audit of a refused vote). */
const BOOKKEEPING = new Set(['delivery', 'audit']);

describe(`hostile input (${size.name}): generated bad requests and configurations`, () => {
  let e2e: E2e;
  const lines: string[] = [];
  const restore: (() => void)[] = [];

  beforeAll(async () => {
    // Every line anything in this process writes (the functions' logs included), to search for secrets.
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        lines.push(...String(chunk).split('\n'));
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => {
        stream.write = write;
      });
    }
    e2e = await startE2e(['hostile', 'hostile-config'], { logLevel: 'DEBUG' });
  }, 180_000);
  afterAll(async () => {
    for (const undo of restore) undo();
    await e2e?.stop();
  });

  const scan = async () => {
    const { DynamoDBClient, paginateScan } = await import('@aws-sdk/client-dynamodb');
    const client = new DynamoDBClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    const items: Record<string, { S?: string }>[] = [];
    for await (const page of paginateScan(
      { client },
      { TableName: e2e.host.tableName, ConsistentRead: true },
    ))
      items.push(...((page.Items ?? []) as Record<string, { S?: string }>[]));
    return items;
  };
  const stacks = async () =>
    (
      (
        await new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint }).send(
          new ListStacksCommand({}),
        )
      ).StackSummaries ?? []
    )
      .map((s) => `${s.StackName}:${s.StackStatus}`)
      .sort();

  it('answers every generated bad request with a clear refusal and changes nothing', async (context) => {
    const repo = e2e.repository('hostile');
    await repo.push({
      'converge.yaml': convergeYaml(['target', 'done']),
      'stacks/target.yaml': template('v1'),
      'stacks/done.yaml': template('v1'),
    });
    const approved = await settled(e2e, 'done', ['AWAITING_APPROVAL']);
    await e2e.click(approved);
    const finished = await reaches(e2e, approved.id, ['SUCCEEDED']);
    const planned = await settled(e2e, 'target', ['AWAITING_APPROVAL']);
    const waiting = (await e2e.waitFor(
      () => e2e.store.getDeployment(planned.id),
      (d) => typeof d?.notifications?.slack?.ts === 'string',
      'the approval message of target',
    ))!;
    const delivered = await repo.push({ 'stacks/done.yaml': template('v1', { visibility: 31 }) });
    await e2e.waitFor(
      () => e2e.deployments('done'),
      (all) => all.length === 2 && all.every((d) => d.status !== 'PLANNING'),
      'the second plan of done',
    );
    const unsent = await repo.push({ 'stacks/target.yaml': template('v2') }, { send: false });
    await e2e.waitFor(
      async () => e2e.host.idle(),
      (idle) => idle,
      'the host to be idle',
    );

    const before = await scan();
    const cloudBefore = await stacks();
    const perKind = Math.ceil(size.hostile / 20);
    const requests = hostileRequests(
      e2e,
      { waiting, finished, unsentPush: unsent, deliveredPush: delivered, injected: INJECTED },
      perKind,
    );
    const wrong: string[] = [];
    const byCategory = new Map<string, number>();
    const answer = async (request: HostileRequest) => {
      const response = await request.send();
      const text = await response.text();
      byCategory.set(request.category, (byCategory.get(request.category) ?? 0) + 1);
      const ok =
        request.expected === 'ignored'
          ? response.status === 200 && !/"outcome":"(accepted|approved)"/.test(text)
          : request.expected === '4xx'
            ? response.status >= 400 && response.status < 500
            : String(response.status) === request.expected;
      // A refusal says what was wrong: a body with words, not an empty answer.
      if (!ok || (response.status >= 400 && text.trim().length < 10))
        wrong.push(`${request.category}: ${response.status} ${text.slice(0, 120)}`);
    };
    for (let i = 0; i < requests.length; i += 8) await Promise.all(requests.slice(i, i + 8).map(answer));
    await e2e.waitFor(
      async () => e2e.host.idle(),
      (idle) => idle,
      'the host to be idle',
    );

    const after = await scan();
    const key = (item: Record<string, { S?: string }>) => JSON.stringify(item);
    const known = new Set(before.map(key));
    const changed = after.filter((item) => !known.has(key(item)) && !BOOKKEEPING.has(item.type?.S ?? ''));
    const removed = before.filter((item) => !new Set(after.map(key)).has(key(item)));
    report(
      context,
      {
        suite: 'hostile',
        check: 'requests refused clearly',
        sent: requests.length,
        expected: requests.length,
        observed: requests.length - wrong.length,
      },
      {
        suite: 'hostile',
        check: 'table items written or changed',
        sent: requests.length,
        expected: 0,
        observed: changed.length + removed.length,
      },
    );
    expect(requests.length).toBeGreaterThanOrEqual(size.hostile);
    expect(wrong).toEqual([]);
    expect(changed.map(key)).toEqual([]);
    expect(removed.map(key)).toEqual([]);
    expect(await stacks()).toEqual(cloudBefore);
    expect((await e2e.store.getDeployment(waiting.id))?.status).toBe('AWAITING_APPROVAL');
    expect(await e2e.store.listApprovals(waiting.id)).toEqual([]);
  });

  it('refuses every generated bad configuration with a validation error, and creates nothing in the cloud', async (context) => {
    const repo = e2e.repository('hostile-config');
    const done = async () => (await stacks()).filter((s) => s.startsWith('done:'));
    const doneBefore = await done();
    const outcomes = await hostileConfigurations(e2e, repo, INJECTED);
    const bad = outcomes.filter((o) => !o.refused);
    report(context, {
      suite: 'hostile',
      check: 'configurations refused with a reason',
      sent: outcomes.length,
      expected: outcomes.length,
      observed: outcomes.length - bad.length,
    });
    expect(bad.map((o) => `${o.name}: ${o.what}`)).toEqual([]);
    // Only the valid configuration (its forged log line in a parameter value) was planned, and the
    // first deployment that approved itself waits for people (its stack only under review).
    expect(
      (await stacks()).filter(
        (s) =>
          s.startsWith('cfg-') &&
          !s.startsWith('cfg-injection:') &&
          s !== 'cfg-self-approved:REVIEW_IN_PROGRESS',
      ),
    ).toEqual([]);
    // The other repository's stack is as it was.
    expect(await done()).toEqual(doneBefore);
  });

  it('writes no secret in any log line and lets no value forge a log line', (context) => {
    const secrets = Object.values(SECRETS);
    const leaking = lines.filter((line) => secrets.some((secret) => line.includes(secret)));
    const forged = lines.filter((line) => line.trimStart().startsWith(INJECTED));
    report(
      context,
      {
        suite: 'hostile',
        check: 'log lines with a secret',
        sent: `${lines.length} lines`,
        expected: 0,
        observed: leaking.length,
      },
      {
        suite: 'hostile',
        check: 'forged log lines',
        sent: `${lines.length} lines`,
        expected: 0,
        observed: forged.length,
      },
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(leaking.map((l) => l.slice(0, 200))).toEqual([]);
    expect(forged.map((l) => l.slice(0, 200))).toEqual([]);
  });
});

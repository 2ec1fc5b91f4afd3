import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convergeYaml, type E2e, startE2e, template } from './support/e2e-harness.ts';

/** The problems a broken push carries: a schema problem, a missing template, a bad parameter file and template. */
const BROKEN = {
  'converge.yaml': [
    convergeYaml(['broken-app', 'broken-db']).trimEnd(),
    '    parameters: stacks/broken-db.json',
    '    colour: blue',
    '  - name: broken-cache',
    '    template: stacks/broken-cache.yaml',
    '',
  ].join('\n'),
  'stacks/broken-app.yaml':
    'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: !Reff Name }\n',
  'stacks/broken-db.yaml': template('v1'),
  'stacks/broken-db.json': '{ "Db-Name": "orders" }\n',
};

/** Each problem's location and the start of its message, as every channel must show them. */
const PROBLEMS = [
  ['converge.yaml:12:5', 'stacks[1].colour: unknown key'],
  ['converge.yaml:14:15', 'stacks[2].template: file not found'],
  ['stacks/broken-app.yaml:4:30', '(document): unknown tag !Reff'],
  ['stacks/broken-db.json:1:3', 'Db-Name: '],
] as const;

describe('a push whose converge.yaml has problems, through the local host', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e(['broken']);
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  /** Commits and sends the push, and returns the commit and the webhook's answer. */
  const push = async (files: Record<string, string>) => {
    const committed = await e2e.repository('broken').push(files, { send: false });
    const response = await e2e.deliver('push', JSON.parse(committed.body));
    return {
      sha: committed.sha,
      status: response.status,
      answer: (await response.json()) as Record<string, unknown>,
    };
  };

  it('reports every problem at once in a failed check run and a Slack message, and plans nothing', async () => {
    const pushed = await push(BROKEN);
    expect(pushed.status).toBe(202);
    expect(pushed.answer.outcome).toBe('ignored');
    for (const [at, what] of PROBLEMS) expect(pushed.answer.reason).toContain(`${at} ${what}`);

    // The commit's check run: completed, failed, titled with the count, every problem in its summary.
    const checks = e2e.recorder.requestsTo('POST', '/repos/acme/broken/check-runs');
    expect(checks).toHaveLength(1);
    const check = checks[0]!.body as {
      name: string;
      head_sha: string;
      status: string;
      conclusion: string;
      output: { title: string; summary: string };
    };
    expect(check).toMatchObject({
      name: 'converge',
      head_sha: pushed.sha,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'converge.yaml has 4 problems' },
    });
    for (const [at, what] of PROBLEMS) expect(check.output.summary).toContain(`${at} ${what}`);

    // One Slack message with every problem.
    const messages = e2e.recorder
      .requestsTo('POST', '/api/chat.postMessage')
      .filter((request) =>
        String((request.body as { text?: unknown }).text).startsWith('converge.yaml has 4 problems'),
      );
    expect(messages).toHaveLength(1);
    const message = messages[0]!.body as { blocks: unknown };
    const blocks = typeof message.blocks === 'string' ? message.blocks : JSON.stringify(message.blocks);
    for (const [at, what] of PROBLEMS) {
      expect(blocks).toContain(`\`${at}\``);
      expect(blocks).toContain(what);
    }

    // Nothing was planned for any stack.
    for (const stack of ['broken-app', 'broken-db', 'broken-cache'])
      expect(await e2e.deployments(stack)).toEqual([]);
  }, 60_000);

  it('plans the stacks again once the problems are fixed, and tells nobody of old problems', async () => {
    const fixed = await push({
      'converge.yaml': convergeYaml(['broken-app']),
      'stacks/broken-app.yaml': template('v2'),
    });
    expect(fixed.answer).toMatchObject({ outcome: 'accepted', jobs: 1 });
    const configurationChecks = e2e.recorder
      .requestsTo('POST', '/repos/acme/broken/check-runs')
      .filter((request) => (request.body as { name?: string }).name === 'converge');
    expect(configurationChecks).toHaveLength(1);
  }, 60_000);
});

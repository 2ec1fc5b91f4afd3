import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../../shared/adapters/github/create-octokit.ts';
import {
  GithubNotifier,
  type GithubNotifierOptions,
} from '../../../shared/adapters/github/github-notifier.ts';
import { CompositeNotifier } from '../../../shared/adapters/notify/composite-notifier.ts';
import { SlackNotifier } from '../../../shared/adapters/slack/slack-notifier.ts';
import type { ConfigurationProblems } from '../../../shared/ports/notifier.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';

const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const PROBLEMS: ConfigurationProblems = {
  repository: 'acme/infra',
  revision: SHA,
  ref: 'refs/heads/main',
  file: 'converge.yaml',
  issues: [
    {
      file: 'converge.yaml',
      line: 4,
      column: 5,
      path: ['stacks', 0, 'tempo'],
      message: 'unknown key "tempo"',
    },
    { file: 'stacks/app.json', line: 1, column: 3, path: ['Db-Name'], message: 'not a parameter name' },
  ],
};

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.stop();
});

function github(options: Partial<GithubNotifierOptions> = {}) {
  const octokit = createOctokit({
    baseUrl: server.url,
    auth: { type: 'token', token: 'ghs_test' },
    retries: 0,
    throttle: false,
  });
  return new GithubNotifier({ octokit, ...options });
}

describe('GithubNotifier.configurationInvalid', () => {
  it('creates a completed, failed check run "converge" on the commit with every problem', async () => {
    await github().configurationInvalid(PROBLEMS);
    const [create] = server.requestsTo('POST', '/repos/acme/infra/check-runs');
    expect(create!.body).toMatchObject({
      name: 'converge',
      head_sha: SHA,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'converge.yaml has 2 problems' },
    });
    const summary = (create!.body as { output: { summary: string } }).output.summary;
    expect(summary).toContain('`converge.yaml:4:5 stacks[0].tempo: unknown key "tempo"`');
    expect(summary).toContain('`stacks/app.json:1:3 Db-Name: not a parameter name`');
  });

  it('falls back to a failed commit status when the token may not create check runs', async () => {
    server.route('POST', '/repos/acme/infra/check-runs', { status: 403, body: { message: 'Forbidden' } });
    await github({ commitChecks: 'auto' }).configurationInvalid(PROBLEMS);
    const [status] = server.requestsTo('POST', `/repos/acme/infra/statuses/${SHA}`);
    expect(status!.body).toEqual({
      context: 'converge',
      state: 'failure',
      description: 'converge.yaml has 2 problems; run converge validate',
    });
  });

  it('fails, without a status, when check runs were asked for and are refused', async () => {
    server.route('POST', '/repos/acme/infra/check-runs', { status: 403, body: { message: 'Forbidden' } });
    await expect(github({ commitChecks: 'check-run' }).configurationInvalid(PROBLEMS)).rejects.toThrow();
    expect(server.requestsTo('POST', `/repos/acme/infra/statuses/${SHA}`)).toHaveLength(0);
  });
});

describe('SlackNotifier.configurationInvalid', () => {
  it('posts one message listing every problem, and a failing channel does not stop the others', async () => {
    server.route('POST', '/repos/acme/infra/check-runs', { status: 500, body: { message: 'down' } });
    const slack = new SlackNotifier({
      channel: 'C0CA5',
      token: 'xoxb-test',
      slackApiUrl: `${server.url}/api/`,
    });
    const outcome = await new CompositeNotifier([
      github({ commitChecks: 'check-run' }),
      slack,
    ]).configurationInvalid(PROBLEMS);
    expect(outcome.failures).toEqual([expect.objectContaining({ channel: 'github' })]);
    const [posted] = server.requestsTo('POST', '/api/chat.postMessage');
    const form = posted!.body as Record<string, string>;
    expect(form.channel).toBe('C0CA5');
    expect(form.text).toBe('converge.yaml has 2 problems at acme/infra@6113728 (main); nothing is planned');
    expect(form.blocks).toContain('`converge.yaml:4:5`');
    expect(form.blocks).toContain('`stacks/app.json:1:3`');
    expect(form.blocks).toContain('not a parameter name');
  });

  it("tells a pull request's problems on the pull request only, not in chat", async () => {
    const slack = new SlackNotifier({
      channel: 'C0CA5',
      token: 'xoxb-test',
      slackApiUrl: `${server.url}/api/`,
    });
    const notifier = new CompositeNotifier([github(), slack]);
    const outcome = await notifier.configurationInvalid({
      ...PROBLEMS,
      ref: 'refs/pull/7/head',
      pullRequest: 7,
    });
    expect(outcome.failures).toEqual([]);
    expect(server.requestsTo('POST', '/api/chat.postMessage')).toHaveLength(0);
    const [create] = server.requestsTo('POST', '/repos/acme/infra/check-runs');
    expect((create!.body as { output: { summary: string } }).output.summary).toContain(
      'Nothing from this commit is previewed on pull request #7',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { consoleApis } from '../../../../local/host/console-apis.ts';
import { buildConfigurationCheck } from '../../../../shared/adapters/github/configuration-check.ts';
import { buildConfigurationMessage } from '../../../../shared/adapters/slack/build-configuration-message.ts';
import type { ConfigurationProblems } from '../../../../shared/ports/notifier.ts';

const PROBLEMS: ConfigurationProblems = {
  repository: 'acme/infra',
  revision: 'e2dd47bcbfd0a1b2c3d4e5f60718293a4b5c6d7e',
  ref: 'refs/heads/main',
  file: 'converge.yaml',
  issues: [
    {
      file: 'converge.yaml',
      line: 12,
      column: 5,
      path: ['stacks', 1, 'colour'],
      message: 'unknown key "colour"',
    },
    {
      file: 'converge.yaml',
      line: 14,
      column: 15,
      path: ['stacks', 2, 'template'],
      message: 'file not found',
    },
    { file: 'stacks/app.yaml', line: 4, column: 30, path: [], message: 'unknown tag !Reff' },
  ],
};
const LINES = [
  'converge.yaml:12:5 stacks[1].colour: unknown key "colour"',
  'converge.yaml:14:15 stacks[2].template: file not found',
  'stacks/app.yaml:4:30 (document): unknown tag !Reff',
];

function printed(run: (apis: ReturnType<typeof consoleApis>) => void): string {
  const out: string[] = [];
  run(consoleApis({ print: (text) => out.push(text), approveHint: () => [] }));
  return out.join('\n');
}

describe('the terminal of converge dev, for a push whose converge.yaml has problems', () => {
  it('prints the failed check run with every problem', () => {
    const check = buildConfigurationCheck(PROBLEMS);
    const text = printed((apis) =>
      apis.github('POST', '/repos/acme/infra/check-runs', {
        name: check.name,
        head_sha: check.headSha,
        status: 'completed',
        conclusion: 'failure',
        output: { title: check.title, summary: check.summary },
      }),
    );
    expect(text).toContain('[github check] converge: failure');
    expect(text).toContain('converge.yaml has 3 problems');
    for (const line of LINES) expect(text).toContain(line);
  });

  it('prints the Slack message with every problem', () => {
    const message = buildConfigurationMessage(PROBLEMS);
    const text = printed((apis) =>
      apis.slack('chat.postMessage', { channel: 'C0', ...message, blocks: JSON.stringify(message.blocks) }),
    );
    expect(text).toContain('[slack message] converge.yaml has 3 problems at acme/infra@e2dd47b (main)');
    for (const line of LINES) {
      const [at, ...rest] = line.split(' ');
      expect(text).toContain(at);
      expect(text).toContain(rest.join(' '));
    }
  });
});

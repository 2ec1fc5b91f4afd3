import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../shared/domain/config/configuration-error.ts';
import { parseConfiguration } from '../../../../shared/domain/config/parse-configuration.ts';
import { parsePolicy } from '../../../../shared/domain/policy/parse-policy.ts';

const CONFIG = (windows: string, stackWindows = '') => `version: 1
defaults:
  region: eu-west-1
  windows:
${windows}
stacks:
  - name: app
    template: app.yaml
${stackWindows}`;

const POLICY = (windows: string) => `version: 1
repositories:
  acme/infra: { branches: [main], stacks: ["*"] }
approvers: ["github:alice"]
windows:
${windows}`;

function problems(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigurationError)
      return error.issues.map((i) => `${i.line}:${i.column} ${i.path.join('.')}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('windows: in converge.yaml', () => {
  it('adds a stack’s windows to the defaults’, with durations in seconds and UTC unless a zone is named', () => {
    const config = parseConfiguration(
      CONFIG(
        '    - { kind: deny, cron: "0 18 * * FRI", duration: 62h, timeZone: Europe/Paris, name: weekend freeze }',
        '    windows:\n      - { kind: allow, cron: "0 9 * * MON-FRI", duration: 8h }\n',
      ),
      { file: 'converge.yaml' },
    );
    expect(config.stacks[0]?.windows).toEqual([
      {
        kind: 'deny',
        cron: '0 18 * * FRI',
        durationSeconds: 62 * 3600,
        timeZone: 'Europe/Paris',
        name: 'weekend freeze',
      },
      { kind: 'allow', cron: '0 9 * * MON-FRI', durationSeconds: 8 * 3600, timeZone: 'UTC' },
    ]);
  });

  it('has no windows when none are written', () => {
    const config = parseConfiguration(
      'version: 1\nstacks:\n  - { name: app, template: a.yaml, region: eu-west-1 }\n',
      {
        file: 'converge.yaml',
      },
    );
    expect(config.stacks[0]?.windows).toEqual([]);
  });

  it('locates every bad window key, saying what to write instead', () => {
    const found = problems(() =>
      parseConfiguration(
        CONFIG(
          [
            '    - { kind: freeze, cron: "0 18 * *", duration: 62h }',
            '    - { kind: deny, cron: "0 25 * * *", duration: 45d, timeZone: Mars/Olympus }',
            '    - { kind: deny, cron: "0 1 * * *", duraton: 1h }',
          ].join('\n'),
        ),
        { file: 'converge.yaml' },
      ),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^5:\d+ defaults\.windows\.0\.kind: must be allow or deny$/),
        expect.stringMatching(/^5:\d+ defaults\.windows\.0\.cron: .*five fields/),
        expect.stringMatching(/^6:\d+ defaults\.windows\.1\.cron: .*hour "25" is out of range/),
        expect.stringMatching(
          /^6:\d+ defaults\.windows\.1\.duration: "45d" is not a duration between 1m and 31d/,
        ),
        expect.stringMatching(
          /^6:\d+ defaults\.windows\.1\.timeZone: "Mars\/Olympus" is not an IANA time zone/,
        ),
        expect.stringMatching(
          /^7:\d+ defaults\.windows\.2\.duraton: unknown key "duraton"; did you mean "duration"\?$/,
        ),
      ]),
    );
  });
});

describe('windows: in the control-plane policy', () => {
  it('reads them like converge.yaml’s', () => {
    const policy = parsePolicy(
      POLICY('  - { kind: deny, cron: "0 0 24 12 *", duration: 2d, name: holidays }\n'),
      {
        file: 'policy.yaml',
      },
    );
    expect(policy.windows).toEqual([
      { kind: 'deny', cron: '0 0 24 12 *', durationSeconds: 2 * 86_400, timeZone: 'UTC', name: 'holidays' },
    ]);
  });

  it('refuses a bad window with its place and a did-you-mean', () => {
    const found = problems(() =>
      parsePolicy(POLICY('  - { kind: deny, cron: "0 0 * * *", duration: 1h, timezone: UTC }\n'), {
        file: 'policy.yaml',
      }),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^6:\d+ windows\.0\.timezone: unknown key "timezone"; did you mean "timeZone"\?$/,
      ),
    ]);
  });
});

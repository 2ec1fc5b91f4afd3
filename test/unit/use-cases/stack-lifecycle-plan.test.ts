import { describe, expect, it } from 'vitest';
import { parseConfiguration } from '../../../shared/domain/config/parse-configuration.ts';
import { policyChanges } from '../../../shared/domain/policy/policy-changes.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { convergeYaml, pipeline, REV1, STACK } from './pipeline-fixture.ts';

const ALARM = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:network-errors';
const RULE = '{ required: 1, autoApprove: never }';

describe('planning with lifecycle keys', () => {
  it('passes rollback triggers to the change set as CloudFormation RollbackConfiguration', async () => {
    const p = pipeline();
    p.commit(REV1, {
      'converge.yaml': convergeYaml(`${RULE}\n    rollback: { alarms: ["${ALARM}"], monitoringMinutes: 15 }`),
    });
    await planStack(p.deps, p.planJob(REV1));
    expect(p.stacks.created[0]?.rollback).toEqual({ alarms: [ALARM], monitoringMinutes: 15 });
  });

  it('records that a deployment should turn termination protection on once it succeeds', async () => {
    const p = pipeline();
    p.commit(REV1, { 'converge.yaml': convergeYaml(`${RULE}\n    terminationProtection: true`) });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.terminationProtection).toBe(true);
  });

  it.each([
    ['false', '\n    terminationProtection: false', ['terminationProtection of STACK: true → false']],
    ['removed', '', ['terminationProtection of STACK: true → removed']],
  ])(
    'counts turning termination protection off (%s) as a policy change, and turning it on not',
    (_how, after, expected) => {
      const parse = (extra: string) =>
        parseConfiguration(convergeYaml(`${RULE}${extra}`), { file: 'converge.yaml' });
      const on = parse('\n    terminationProtection: true');
      expect(policyChanges(on, parse(after), STACK)).toEqual(
        expected.map((line) => line.replace('STACK', STACK)),
      );
      expect(policyChanges(parse(after), on, STACK)).toEqual([]);
    },
  );

  it('counts a change of onRemove as a policy change, approved under the old rule', () => {
    const before = parseConfiguration(convergeYaml(RULE), { file: 'converge.yaml' });
    const after = parseConfiguration(convergeYaml(`${RULE}\n    onRemove: delete`), {
      file: 'converge.yaml',
    });
    expect(policyChanges(before, after, STACK)).toEqual([`onRemove of ${STACK}: release → delete`]);
  });
});

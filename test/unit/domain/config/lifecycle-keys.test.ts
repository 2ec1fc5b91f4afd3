import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../shared/domain/config/configuration-error.ts';
import { parseConfiguration } from '../../../../shared/domain/config/parse-configuration.ts';

const ALARM = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-5xx';

function withStackLines(...lines: string[]): string {
  return [
    'version: 1',
    'defaults: { region: eu-west-1 }',
    'stacks:',
    '  - name: orders',
    '    template: stacks/orders.yaml',
    ...lines.map((line) => `    ${line}`),
    '',
  ].join('\n');
}

function problem(text: string): string {
  try {
    parseConfiguration(text, { file: 'converge.yaml' });
  } catch (error) {
    if (error instanceof ConfigurationError) return error.issues.map((issue) => issue.message).join('\n');
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('converge.yaml lifecycle keys (onRemove, terminationProtection, rollback)', () => {
  it('leaves them unset by default: release on removal, no protection, no triggers', () => {
    const [stack] = parseConfiguration(withStackLines(), { file: 'converge.yaml' }).stacks;
    expect(stack?.onRemove).toBeUndefined();
    expect(stack?.terminationProtection).toBeUndefined();
    expect(stack?.rollback).toBeUndefined();
  });

  it('reads them as written, monitoringMinutes defaulting to 0', () => {
    const [stack] = parseConfiguration(
      withStackLines('onRemove: delete', 'terminationProtection: true', `rollback: { alarms: ["${ALARM}"] }`),
      { file: 'converge.yaml' },
    ).stacks;
    expect(stack).toMatchObject({
      onRemove: 'delete',
      terminationProtection: true,
      rollback: { alarms: [ALARM], monitoringMinutes: 0 },
    });
  });

  it.each([
    ['onRemove: destroy', 'must be release or delete'],
    ['terminationProtection: yes', 'must be true or false'],
    ['rollback: { alarms: ["orders-5xx"] }', 'must be a CloudWatch alarm ARN'],
    [`rollback: { alarms: ["${ALARM}"], monitoringMinutes: 181 }`, 'from 0 to 180'],
    [`rollback: { alarms: [${Array(6).fill(`"${ALARM}"`).join(', ')}] }`, 'at most 5 alarms'],
    [`rollback: { alarm: ["${ALARM}"] }`, 'did you mean "alarms"?'],
  ])('refuses %s, saying what to write', (line, message) => {
    expect(problem(withStackLines(line))).toContain(message);
  });
});

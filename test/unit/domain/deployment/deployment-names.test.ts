import { describe, expect, it } from 'vitest';
import {
  changeSetName,
  dedupeId,
  deploymentId,
} from '../../../../shared/domain/deployment/deployment-names.ts';
import { isSortableId } from '../../../../shared/domain/ids.ts';

const SHA = '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39';

describe('deploymentId', () => {
  it('is a sortable id, the same for the same job', () => {
    const id = deploymentId(1_767_225_600_000, 'job');
    expect(isSortableId(id)).toBe(true);
    expect(deploymentId(1_767_225_600_000, 'job')).toBe(id);
  });

  it('sorts a later request after an earlier one, whatever the seed', () => {
    expect(deploymentId(1_767_225_600_001, 'a') > deploymentId(1_767_225_600_000, 'z')).toBe(true);
  });
});

describe('changeSetName', () => {
  it.each([
    [{ revision: SHA, deploymentId: deploymentId(1, 'x') }, /^converge-4f2a9c1-[0-9a-z]{16}$/],
    [
      { revision: SHA, deploymentId: deploymentId(1, 'x'), pullRequest: 42 },
      /^converge-pr42-4f2a9c1-[0-9a-z]{16}$/,
    ],
  ])('follows CloudFormation’s rules: %j', (input, pattern) => {
    const name = changeSetName(input);
    expect(name).toMatch(pattern);
    expect(name.length).toBeLessThanOrEqual(128);
  });
});

describe('dedupeId', () => {
  it('is at most 128 characters and differs per stack', () => {
    expect(dedupeId('delivery', 'a').length).toBeLessThanOrEqual(128);
    expect(dedupeId('delivery', 'a')).not.toBe(dedupeId('delivery', 'b'));
  });
});

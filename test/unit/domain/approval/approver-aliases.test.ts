import { describe, expect, it } from 'vitest';
import { buildApproverAliases, personOf } from '../../../../shared/domain/approval/approver-aliases.ts';

describe('buildApproverAliases', () => {
  const built = buildApproverAliases({ alice: ['slack:U0123', 'github:Alice'], bob: ['github:bob'] });
  const aliases = built.ok ? built.aliases : undefined;

  it.each([
    ['slack:U0123', 'person:alice'],
    ['slack:u0123', 'person:alice'],
    ['github:ALICE', 'person:alice'],
    ['github:bob', 'person:bob'],
    ['github:carol', 'github:carol'],
    ['slack:U0999', 'slack:U0999'],
  ])('maps %s to %s', (identity, person) => {
    expect(personOf(identity, aliases)).toBe(person);
  });

  it('treats identities as their own person without aliases', () => {
    expect(personOf('GitHub:Alice')).toBe('github:alice');
  });

  it.each([
    [{ alice: ['github:alice'], bob: ['GitHub:Alice'] }, 'listed for both alice and bob'],
    [{ alice: ['alice'] }, 'alice: An approver identity names its provider'],
    [{ '': ['github:alice'] }, 'empty name'],
  ])('refuses %j, saying why', (people, words) => {
    const result = buildApproverAliases(people);

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join('\n')).toContain(words);
  });

  it('reports every problem at once', () => {
    const result = buildApproverAliases({ alice: ['alice', 'slack:nope'] });

    expect(result.ok ? [] : result.problems).toHaveLength(2);
  });
});

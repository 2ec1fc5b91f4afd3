import { describe, expect, it } from 'vitest';
import {
  ignoresDifference,
  ignoresResource,
  parseIgnoreRule,
} from '../../../../shared/domain/drift/parse-ignore-rule.ts';

function rule(text: string) {
  const parsed = parseIgnoreRule(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.rule;
}

describe('parseIgnoreRule', () => {
  it.each([
    ['Queue', 'Queue', []],
    ['Queue/**', 'Queue', []],
    ['Queue/Properties/VisibilityTimeout', 'Queue', ['VisibilityTimeout']],
    ['Queue/Properties/Tags/**', 'Queue', ['Tags', '**']],
    ['*/Properties/Tags/*/Value', '*', ['Tags', '*', 'Value']],
  ])('reads %s', (text, logicalId, property) => {
    expect(parseIgnoreRule(text)).toEqual({ ok: true, rule: { text, logicalId, property } });
  });

  it.each([
    ['', 'empty segment'],
    ['Queue//VisibilityTimeout', 'empty segment'],
    ['Queue/VisibilityTimeout', 'must name Properties'],
    ['Queue/Properties', 'names no property'],
    ['Queue/Properties/**/Value', 'only as its last segment'],
    ['Queue/Properties/Tag*', 'only as a whole segment'],
    ['Q*/Properties/Tags', 'only as a whole segment'],
  ])('refuses %j, saying how to write it', (text, words) => {
    const parsed = parseIgnoreRule(text);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(words);
    expect(parsed.ok ? '' : parsed.message).toContain('e.g.');
  });
});

describe('ignoresDifference', () => {
  it.each([
    ['Queue/Properties/VisibilityTimeout', 'Queue', '/VisibilityTimeout', true],
    ['Queue/Properties/VisibilityTimeout', 'Queue', '/DelaySeconds', false],
    ['Queue/Properties/VisibilityTimeout', 'Other', '/VisibilityTimeout', false],
    ['Queue/Properties/Tags', 'Queue', '/Tags/0/Value', false],
    ['Queue/Properties/Tags/**', 'Queue', '/Tags/0/Value', true],
    ['Queue/Properties/Tags/**', 'Queue', '/Tags', true],
    ['Queue/Properties/Tags/*/Value', 'Queue', '/Tags/3/Value', true],
    ['Queue/Properties/Tags/*/Value', 'Queue', '/Tags/3/Key', false],
    ['*/Properties/Tags/**', 'AnyResource', '/Tags/1/Key', true],
    ['Queue/Properties/RedrivePolicy/maxReceiveCount', 'Queue', '/RedrivePolicy/maxReceiveCount', true],
    ['Queue/Properties/visibilitytimeout', 'Queue', '/VisibilityTimeout', false],
    ['Fn/Properties/Environment/Variables/a/b', 'Fn', '/Environment/Variables/a~1b', false],
    ['Fn/Properties/Environment/Variables/*', 'Fn', '/Environment/Variables/a~1b', true],
    ['Queue', 'Queue', '/VisibilityTimeout', true],
  ])('%s on %s %s → %s', (text, logicalId, path, expected) => {
    expect(ignoresDifference(rule(text), logicalId, path)).toBe(expected);
  });

  it.each([
    ['Queue', 'Queue', true],
    ['Queue/**', 'Queue', true],
    ['*', 'Anything', true],
    ['Queue', 'Queue2', false],
    ['Queue/Properties/Tags/**', 'Queue', false],
  ])('%s ignores resource %s entirely → %s', (text, logicalId, expected) => {
    expect(ignoresResource(rule(text), logicalId)).toBe(expected);
  });
});

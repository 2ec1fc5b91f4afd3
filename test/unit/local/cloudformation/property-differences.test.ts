import { describe, expect, it } from 'vitest';
import { propertyDifferences } from '../../../../local/cloudformation/drift/property-differences.ts';

describe('propertyDifferences', () => {
  it.each([
    ['equal values', { A: 1 }, { A: 1 }, []],
    ['a number and its text', { A: '30' }, { A: 30 }, []],
    ['an actual property the template does not set', { A: 1 }, { A: 1, Default: 5 }, []],
    [
      'a changed scalar',
      { A: 1 },
      { A: 2 },
      [{ PropertyPath: '/A', ExpectedValue: '1', ActualValue: '2', DifferenceType: 'NOT_EQUAL' }],
    ],
    [
      'a removed property',
      { A: 1 },
      {},
      [{ PropertyPath: '/A', ExpectedValue: '1', ActualValue: 'null', DifferenceType: 'REMOVE' }],
    ],
    [
      'a key added inside a property the template sets',
      { P: { x: 1 } },
      { P: { x: 1, y: 2 } },
      [{ PropertyPath: '/P/y', ExpectedValue: 'null', ActualValue: '2', DifferenceType: 'ADD' }],
    ],
    [
      'a list item added',
      { L: ['a'] },
      { L: ['a', 'b'] },
      [{ PropertyPath: '/L/1', ExpectedValue: 'null', ActualValue: 'b', DifferenceType: 'ADD' }],
    ],
    [
      'a list item removed',
      { L: ['a', 'b'] },
      { L: ['a'] },
      [{ PropertyPath: '/L/1', ExpectedValue: 'b', ActualValue: 'null', DifferenceType: 'REMOVE' }],
    ],
    [
      'a nested change in a list of objects',
      { Tags: [{ Key: 'team', Value: 'a' }] },
      { Tags: [{ Key: 'team', Value: 'b' }] },
      [{ PropertyPath: '/Tags/0/Value', ExpectedValue: 'a', ActualValue: 'b', DifferenceType: 'NOT_EQUAL' }],
    ],
    [
      'an object replaced by a scalar',
      { P: { x: 1 } },
      { P: 'x' },
      [{ PropertyPath: '/P', ExpectedValue: '{"x":1}', ActualValue: 'x', DifferenceType: 'NOT_EQUAL' }],
    ],
    [
      'a key with a slash',
      { 'a/b': 1 },
      { 'a/b': 2 },
      [{ PropertyPath: '/a~1b', ExpectedValue: '1', ActualValue: '2', DifferenceType: 'NOT_EQUAL' }],
    ],
  ])('reports %s', (_name, expected, actual, differences) => {
    expect(propertyDifferences(expected, actual)).toEqual(differences);
  });
});

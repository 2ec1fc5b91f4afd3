import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JsonPatchError } from '../../../../local/cloudcontrol/apply-json-patch.ts';

const document = { A: 1, B: { C: 'x' }, L: ['a', 'b'], 'x/y': 2 };

describe('applyJsonPatch', () => {
  it.each([
    ['replace', [{ op: 'replace', path: '/A', value: 2 }], { ...document, A: 2 }],
    ['add a key', [{ op: 'add', path: '/B/D', value: true }], { ...document, B: { C: 'x', D: true } }],
    ['add to a list end', [{ op: 'add', path: '/L/-', value: 'c' }], { ...document, L: ['a', 'b', 'c'] }],
    ['insert into a list', [{ op: 'add', path: '/L/0', value: 'z' }], { ...document, L: ['z', 'a', 'b'] }],
    ['remove', [{ op: 'remove', path: '/B/C' }], { ...document, B: {} }],
    ['remove a list item', [{ op: 'remove', path: '/L/0' }], { ...document, L: ['b'] }],
    ['escaped path', [{ op: 'replace', path: '/x~1y', value: 3 }], { ...document, 'x/y': 3 }],
    ['move', [{ op: 'move', from: '/A', path: '/Z' }], { B: { C: 'x' }, L: ['a', 'b'], 'x/y': 2, Z: 1 }],
    ['copy', [{ op: 'copy', from: '/B', path: '/E' }], { ...document, E: { C: 'x' } }],
    [
      'test then replace',
      [
        { op: 'test', path: '/A', value: 1 },
        { op: 'replace', path: '/A', value: 5 },
      ],
      { ...document, A: 5 },
    ],
  ] as const)('applies %s', (_name, patch, expected) => {
    expect(applyJsonPatch(document, patch)).toEqual(expected);
  });

  it.each([
    ['replace of a missing key', [{ op: 'replace', path: '/Nope', value: 1 }]],
    ['remove of a missing key', [{ op: 'remove', path: '/Nope' }]],
    ['a failed test', [{ op: 'test', path: '/A', value: 2 }]],
    ['a path without a leading slash', [{ op: 'add', path: 'A', value: 1 }]],
    ['an index out of range', [{ op: 'add', path: '/L/9', value: 1 }]],
    ['an unknown operation', [{ op: 'merge', path: '/A', value: 1 }]],
  ])('rejects %s and leaves the document unchanged', (_name, patch) => {
    const before = structuredClone(document);
    expect(() => applyJsonPatch(document, patch as never)).toThrow(JsonPatchError);
    expect(document).toEqual(before);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRANSITIONS } from '../../../../shared/domain/deployment/transitions.ts';

const DOC = readFileSync(
  join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'state-machine.md'),
  'utf8',
);

/** Rows `| from | event | to | guard |` of the documented table. */
function documentedRows(): string[] {
  return DOC.split('\n')
    .filter((line) => /^\| [A-Z_]+ \| [A-Z_]+ \| [A-Z_]+ \|/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim())
        .join(' '),
    );
}

describe('docs/state-machine.md', () => {
  it('lists exactly the transitions of the table in the code', () => {
    const inCode = TRANSITIONS.map((transition) => `${transition.from} ${transition.event} ${transition.to}`);
    expect(documentedRows().sort()).toEqual(inCode.sort());
  });
});

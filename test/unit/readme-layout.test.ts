import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The code block under `## Layout`. */
function layoutBlock(): string {
  const section = README.split(/^## /m).find((part) => part.startsWith('Layout\n'));
  const block = section?.match(/```\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error('README.md has no code block under "## Layout"');
  return block;
}

/** The paths the block lists: the first word of each line that does not continue the one before. */
function listedPaths(): string[] {
  return layoutBlock()
    .split('\n')
    .filter((line) => /^\S/.test(line))
    .map((line) => line.split(/\s+/)[0]!);
}

const folders = (path: string) =>
  readdirSync(join(ROOT, path), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

describe("README.md's Layout section", () => {
  it('lists only folders that exist', () => {
    const listed = listedPaths().filter((path) => path.endsWith('/'));
    expect(listed.length).toBeGreaterThan(5);
    expect(listed.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('lists every folder of shared/', () => {
    const listed = new Set(listedPaths());
    expect(folders('shared').filter((name) => !listed.has(`shared/${name}/`))).toEqual([]);
  });

  it('covers every function: each folder of functions/ holds the handler.ts it names', () => {
    expect(listedPaths()).toContain('functions/<name>/handler.ts');
    expect(
      folders('functions').filter((name) => !existsSync(join(ROOT, 'functions', name, 'handler.ts'))),
    ).toEqual([]);
  });

  it('names every adapter folder on the shared/adapters/ line', () => {
    const block = layoutBlock();
    const adapters = block.slice(block.indexOf('shared/adapters/'), block.indexOf('shared/runtime/'));
    expect(folders('shared/adapters').filter((name) => !adapters.includes(` ${name}/`))).toEqual([]);
  });
});

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectoryFiles } from '../../../shared/adapters/fs/directory-files.ts';
import {
  SourceFileTooLargeError,
  SourceNotAFileError,
  SourcePathInvalidError,
  SourceSymlinkError,
} from '../../../shared/ports/source.ts';

const outside = mkdtempSync(join(tmpdir(), 'converge-outside-'));
const root = mkdtempSync(join(tmpdir(), 'converge-tree-'));
writeFileSync(join(outside, 'secret.txt'), 'secret');
mkdirSync(join(root, 'stacks'));
writeFileSync(join(root, 'stacks/app.yaml'), 'Resources: {}\n');
writeFileSync(join(root, 'big.json'), 'x'.repeat(65));
symlinkSync(join(outside, 'secret.txt'), join(root, 'stacks/link.yaml'));
symlinkSync(outside, join(root, 'elsewhere'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const files = new DirectoryFiles({ root, maxFileBytes: 64 });
const read = (path: string) => files.readFile('local', 'working-tree', path);

describe('DirectoryFiles', () => {
  it('reads a file of the working tree, and answers undefined for one that is not there', async () => {
    expect(new TextDecoder().decode(await read('stacks/app.yaml'))).toBe('Resources: {}\n');
    expect(await read('stacks/missing.yaml')).toBeUndefined();
    expect(await read('stacks/app.yaml/below')).toBeUndefined();
  });

  it('refuses a path that climbs out of the directory or is absolute', async () => {
    await expect(read('../secret.txt')).rejects.toBeInstanceOf(SourcePathInvalidError);
    await expect(read(join(outside, 'secret.txt'))).rejects.toBeInstanceOf(SourcePathInvalidError);
  });

  it('refuses a symbolic link, as the file or as a folder on the way', async () => {
    await expect(read('stacks/link.yaml')).rejects.toBeInstanceOf(SourceSymlinkError);
    await expect(read('elsewhere/secret.txt')).rejects.toBeInstanceOf(SourceSymlinkError);
  });

  it('refuses a directory and a file over the size cap', async () => {
    await expect(read('stacks')).rejects.toBeInstanceOf(SourceNotAFileError);
    await expect(read('big.json')).rejects.toBeInstanceOf(SourceFileTooLargeError);
  });
});

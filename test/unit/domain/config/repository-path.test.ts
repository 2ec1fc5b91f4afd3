import { describe, expect, it } from 'vitest';
import {
  parseRepositoryPath,
  RepositoryPathInvalidError,
} from '../../../../shared/domain/paths/repository-path.ts';

describe('parseRepositoryPath', () => {
  it.each([
    ['stacks/network.yaml', 'stacks/network.yaml'],
    ['./stacks/network.yaml', 'stacks/network.yaml'],
    ['stacks/./network.yaml', 'stacks/network.yaml'],
    ['stacks/old/../network.yaml', 'stacks/network.yaml'],
    ['converge.yaml', 'converge.yaml'],
  ])('accepts %j as %j', (path, normal) => {
    expect(parseRepositoryPath(path)).toBe(normal);
  });

  it.each([
    ['', 'it is empty'],
    ['/etc/passwd', 'it is absolute'],
    ['C:stacks/x.yaml', 'drive letter'],
    ['stacks\\x.yaml', 'backslash'],
    ['stacks/x\u0000.yaml', 'NUL'],
    ['stacks//x.yaml', 'empty segment'],
    ['stacks/', 'empty segment'],
    ['../x.yaml', 'climb above the repository root'],
    ['stacks/../../x.yaml', 'climb above the repository root'],
    ['stacks/..', 'names the repository root'],
    ['.', 'names the repository root'],
  ])('rejects %j (%s)', (path, reason) => {
    expect(() => parseRepositoryPath(path)).toThrow(RepositoryPathInvalidError);
    expect(() => parseRepositoryPath(path)).toThrow(reason);
  });

  it('shows control characters escaped in the message', () => {
    expect(() => parseRepositoryPath('a\u0000b')).toThrow('path "a\\u0000b"');
  });
});

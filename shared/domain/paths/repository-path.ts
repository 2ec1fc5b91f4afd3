/**
 * Repository-relative paths, as written in `converge.yaml` and Git sync deployment files.
 *
 * Every path Converge reads from a repository goes through {@link parseRepositoryPath} first,
 * so no configuration can make Converge read outside the repository. The contract with the
 * `Source` adapters (`shared/ports/source.ts`) is the other half: adapters resolve a path
 * inside the revision's tree only and treat a symbolic link as a file that does not exist,
 * so a link cannot point a valid-looking path somewhere else.
 */

/** Thrown when a path could escape or is not a plain repository-relative path. */
export class RepositoryPathInvalidError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`path "${printable(path)}" is not a repository-relative path: ${reason}`);
    this.name = 'RepositoryPathInvalidError';
  }
}

/**
 * Validates a repository-relative path and returns its normal form: `./` and `.` segments
 * removed, `a/../b` collapsed to `b`.
 *
 * Rejected: empty paths, absolute paths (`/x`, `C:x`), backslashes, NUL and other control
 * characters, empty segments (`a//b`, a trailing `/`), and any `..` that climbs above the
 * repository root after normalisation.
 *
 * @example
 * parseRepositoryPath('./stacks/../stacks/network.yaml'); // 'stacks/network.yaml'
 * parseRepositoryPath('../secrets.json'); // throws RepositoryPathInvalidError
 */
export function parseRepositoryPath(path: string): string {
  const problem = repositoryPathProblem(path);
  if (problem !== undefined) throw new RepositoryPathInvalidError(path, problem);
  return normalise(path);
}

/**
 * The reason `path` is not a valid repository-relative path, with how to fix it, or
 * `undefined` when it is valid. For validators that collect problems instead of throwing.
 */
export function repositoryPathProblem(path: string): string | undefined {
  if (path.length === 0) return 'it is empty; write a path such as "stacks/network.yaml"';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'it contains a NUL or control character';
  if (path.includes('\\')) return 'it contains a backslash; separate folders with "/"';
  if (path.startsWith('/'))
    return 'it is absolute; write it relative to the repository root, without a leading "/"';
  if (/^[A-Za-z]:/.test(path))
    return 'it starts with a drive letter; write it relative to the repository root';
  const segments = path.split('/');
  if (segments.some((segment) => segment === '')) {
    return 'it has an empty segment ("//" or a trailing "/"); name a file, with single "/" between folders';
  }
  let depth = 0;
  for (const segment of segments) {
    if (segment === '..') depth -= 1;
    else if (segment !== '.') depth += 1;
    if (depth < 0)
      return 'its ".." segments climb above the repository root; point at a file inside the repository';
  }
  if (depth === 0) return 'it names the repository root, not a file';
  return undefined;
}

function normalise(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return out.join('/');
}

function printable(path: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: make control characters visible in messages
  return path.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

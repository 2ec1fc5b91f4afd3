import { SourcePathInvalidError, SourceRevisionInvalidError } from '../../ports/source.ts';

/** A full (SHA-1 or SHA-256) or abbreviated (at least 7 digits) commit id. */
const HEX_SHA = /^(?:[0-9a-f]{7,40}|[0-9a-f]{64})$/;
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** A branch or tag name: letters, digits and `._/-`, starting with a letter or digit. */
const REF_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;

/** An all-zero SHA: what GitHub sends as `before` when a branch is created. */
export function isNullRevision(revision: string): boolean {
  return /^0+$/.test(revision);
}

export function isFullSha(revision: string): boolean {
  return FULL_SHA.test(revision);
}

/**
 * Accepts a commit SHA (full or abbreviated, lower-case hex) or a safe branch / tag name and
 * returns it; refuses anything a command line or a URL could read as something else
 * (`--upload-pack=…`, `HEAD@{1}`, `a..b`, `main:secret`, spaces, control characters).
 *
 * @throws SourceRevisionInvalidError
 */
export function validateRevision(revision: string): string {
  if (HEX_SHA.test(revision)) return revision;
  if (!REF_NAME.test(revision)) {
    throw new SourceRevisionInvalidError(
      revision,
      'only letters, digits and "._/-" are allowed, starting with a letter or digit',
    );
  }
  if (
    revision.includes('..') ||
    revision.includes('//') ||
    revision.endsWith('/') ||
    revision.endsWith('.')
  ) {
    throw new SourceRevisionInvalidError(revision, 'it contains "..", "//" or ends with "/" or "."');
  }
  if (revision.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) {
    throw new SourceRevisionInvalidError(revision, 'a part starts with "." or ends with ".lock"');
  }
  return revision;
}

/**
 * Accepts a repository-relative file path made of plain segments and returns it; refuses paths
 * that are absolute, climb out with `..`, contain `.` or empty segments, backslashes or control
 * characters, so that no path can reach outside the repository.
 *
 * @throws SourcePathInvalidError
 */
export function validatePath(path: string): string {
  if (path.length === 0 || path.length > 4096)
    throw new SourcePathInvalidError(path, 'it is empty or too long');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (/[\u0000-\u001f\u007f\\]/.test(path)) {
    throw new SourcePathInvalidError(path, 'it contains a backslash or a control character');
  }
  if (path.startsWith('/')) throw new SourcePathInvalidError(path, 'it is absolute');
  for (const segment of path.split('/')) {
    if (segment === '..') throw new SourcePathInvalidError(path, 'it climbs out with ".."');
    if (segment === '' || segment === '.')
      throw new SourcePathInvalidError(path, 'it has an empty or "." segment');
  }
  return path;
}

import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SOURCE_FILE_MAX_BYTES,
  type Source,
  SourceFileTooLargeError,
  SourceNotAFileError,
  SourceSymlinkError,
} from '../../ports/source.ts';
import { validatePath } from '../git/validate-source-input.ts';

export interface DirectoryFilesOptions {
  /** The directory that stands for the repository root. */
  readonly root: string;
  /** Largest file `readFile` returns; {@link SOURCE_FILE_MAX_BYTES} unless a test says less. */
  readonly maxFileBytes?: number;
}

/**
 * Reads a working tree (a directory on disk) the way a {@link Source} reads a revision, for
 * `converge validate`, which checks files before they are committed. The same rules hold: a path
 * is repository-relative and cannot leave the directory, a symbolic link anywhere on the path is
 * refused (a link could read outside it), and a file over the sources' size cap is not read.
 * `repository` and `revision` are ignored: the directory is the one revision there is.
 *
 * @example
 * const files = new DirectoryFiles({ root: process.cwd() });
 * await files.readFile('local', 'working-tree', 'converge.yaml');
 */
export class DirectoryFiles implements Pick<Source, 'readFile'> {
  readonly #root: string;
  readonly #maxFileBytes: number;

  constructor(options: DirectoryFilesOptions) {
    this.#root = options.root;
    this.#maxFileBytes = options.maxFileBytes ?? SOURCE_FILE_MAX_BYTES;
  }

  async readFile(_repository: string, _revision: string, path: string): Promise<Uint8Array | undefined> {
    validatePath(path);
    // Walk the path one segment at a time without following a link at any of them.
    const segments = path.split('/');
    let at = this.#root;
    for (const [index, segment] of segments.entries()) {
      at = join(at, segment);
      const stats = await lstat(at).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
        throw error;
      });
      if (stats === undefined) return undefined;
      if (stats.isSymbolicLink()) throw new SourceSymlinkError(segments.slice(0, index + 1).join('/'));
      const last = index === segments.length - 1;
      if (!last && !stats.isDirectory()) return undefined;
      if (last && !stats.isFile())
        throw new SourceNotAFileError(path, stats.isDirectory() ? 'directory' : 'special file');
      if (last && stats.size > this.#maxFileBytes)
        throw new SourceFileTooLargeError(path, stats.size, this.#maxFileBytes);
    }
    // O_NOFOLLOW: a link swapped in after the check is refused, not followed.
    const handle = await open(at, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const bytes = await handle.readFile();
      if (bytes.length > this.#maxFileBytes)
        throw new SourceFileTooLargeError(path, bytes.length, this.#maxFileBytes);
      return new Uint8Array(bytes);
    } finally {
      await handle.close();
    }
  }
}

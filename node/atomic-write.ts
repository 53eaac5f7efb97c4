/** Crash-safe file writes: write a sibling temp file, then rename over the target (atomic on POSIX). */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A file that could not be written (no space, no permission, a directory in the way); the target is unchanged. */
export class FileWriteError extends Error {
  constructor(
    readonly path: string,
    /** The system error's code, e.g. ENOSPC or EACCES. */
    readonly code: string,
    options: { cause: unknown },
  ) {
    super(`cannot write ${path}: ${(options.cause as Error).message}`, options);
    this.name = 'FileWriteError';
  }
}

/** Write `data` to `path` atomically, creating parent directories; a failure leaves `path` as it was and throws a FileWriteError. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing was written there (e.g. a path under a file): nothing to clean up
    }
    throw new FileWriteError(path, (error as NodeJS.ErrnoException).code ?? 'unknown', { cause: error });
  }
}

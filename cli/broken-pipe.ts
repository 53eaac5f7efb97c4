/**
 * A reader that went away (`bdt-gym scenario-schema | head -1`, a client that closed its end of
 * `serve`, a terminal that hung up) ends the command quietly, as Unix tools end on SIGPIPE,
 * instead of an unhandled EPIPE (or, on a terminal, EIO) stack trace: nothing more can reach it,
 * so there is nothing left to do. The exit code is the one already set (1 when the lost output was
 * an error message; serve sets 0, where a client closing is the normal end), else 141 as a shell
 * reports a tool SIGPIPE ended (`git log | head -1`), 129 (SIGHUP's) for a terminal: the command
 * did not finish, which a `train` cut short must not hide behind a 0. Another write error (stdout
 * redirected to a full disk: ENOSPC) ends it in one line, exit 1. While `train` trains, it is told
 * of either instead ({@link deferOutputFailure}): ending there would leave a new run with no
 * checkpoint, which could be neither resumed nor started again.
 */

/** How a write fails when its reader has gone: a closed pipe, or a terminal that hung up. */
export type ReaderGone = 'EPIPE' | 'EIO';
/** How an output failed: its reader gone, or another write error (`WRITE_ERROR`: a full disk, a failing one). */
export type OutputFailure = ReaderGone | 'WRITE_ERROR';

/** 128 + SIGPIPE (13); 128 + SIGHUP (1), the signal a hung-up terminal sends with it. */
export const READER_GONE_EXIT_CODES = { EPIPE: 141, EIO: 129 } as const;

export function endQuietlyOnBrokenPipe(...streams: NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // EIO elsewhere (a file on a failing disk) is no reader gone
      const gone = error.code === 'EPIPE' || (error.code === 'EIO' && stream.isTTY === true) ? (error.code as ReaderGone) : undefined;
      if (deferredTo !== undefined) deferredTo(gone ?? 'WRITE_ERROR', error.message);
      else if (gone === undefined) endOnWriteError(stream, error);
      else process.exit(process.exitCode ?? READER_GONE_EXIT_CODES[gone]);
    });
  }
}

/**
 * A write that failed for another reason (stdout redirected to a full disk: ENOSPC) ends the
 * command as a file it cannot write does, one line and exit 1, not an uncaught exception's stack
 * trace; the status of a command that failed already is kept.
 */
function endOnWriteError(stream: NodeJS.WriteStream, error: NodeJS.ErrnoException): never {
  if (stream !== process.stderr) process.stderr.write(`bdt-gym: cannot write stdout: ${error.message}\n`);
  process.exit(Number(process.exitCode ?? 0) || 1);
}

/** What an output failure calls instead of ending the command, while set. */
let deferredTo: ((failure: OutputFailure, message: string) => void) | undefined;

/**
 * Until the returned function is called, an output failure calls `stop` (at each failed write,
 * with the error's message) instead of ending the command, which then ends itself once its files
 * are consistent.
 */
export function deferOutputFailure(stop: (failure: OutputFailure, message: string) => void): () => void {
  deferredTo = stop;
  return () => {
    if (deferredTo === stop) deferredTo = undefined;
  };
}

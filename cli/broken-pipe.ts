/**
 * A reader that went away (`bdt-gym scenario-schema | head -1`, a client that closed its end of
 * `serve`) ends the command quietly, as Unix tools end on SIGPIPE, instead of an unhandled
 * EPIPE stack trace: nothing more can reach it, so there is nothing left to do. The exit code is
 * the one already set (1 when the lost output was an error message; serve sets 0, where a client
 * closing is the normal end), else 141 as a shell reports a tool SIGPIPE ended (`git log | head
 * -1`): the command did not finish, which a `train` cut short must not hide behind a 0.
 */
export function endQuietlyOnBrokenPipe(...streams: NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? SIGPIPE_EXIT_CODE);
    });
  }
}

/** 128 + SIGPIPE (13). */
const SIGPIPE_EXIT_CODE = 141;

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP during `train`, as RL Zoo treats a KeyboardInterrupt: the
 * first stops training after the current update and lets the run save its checkpoint, so
 * `--resume` continues it (a cluster's SIGTERM before preemption loses no more than one update).
 * A reader of its output that went away (a closed pipe, EPIPE; a terminal that hung up, EIO, with
 * its SIGHUP) stops it so too, and so does an output it cannot write (a full disk), exit 1. The final evaluation is skipped, or cut between its episodes.
 * Signals are seen only between updates (an update runs synchronously), where saving takes
 * milliseconds, so a second signal has nothing quicker to do than the first: it is noted, and the
 * run is still saved. (SIGKILL stops at once.)
 */
import { deferOutputFailure, READER_GONE_EXIT_CODES, type OutputFailure } from './broken-pipe.ts';

/** Exit status of a process stopped by the signal: 128 + its number, as shells report it (for a reader gone, the signal's that comes with it). */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, ...READER_GONE_EXIT_CODES, WRITE_ERROR: 1 } as const;
type StopCause = keyof typeof EXIT_CODES;
/** The signals that stop a training (and, outside one, end a process holding a run lock: cli/run-lock.ts), and a comparison (cli/commands/compare.ts). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The exit status of a command that `signal` stopped (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). */
export function stopExitCode(signal: StopSignal): number {
  return EXIT_CODES[signal];
}

/**
 * Until the returned function is called, each of {@link STOP_SIGNALS} calls `stop` instead of
 * ending the process. Node runs `stop` only between pieces of synchronous work (an update, an
 * episode), so what it stops ends after the one under way.
 */
export function catchStopSignals(stop: (signal: StopSignal) => void): () => void {
  const handlers = STOP_SIGNALS.map((name) => [name, () => stop(name)] as const);
  for (const [name, handler] of handlers) process.on(name, handler);
  return () => {
    for (const [name, handler] of handlers) process.off(name, handler);
  };
}
/** How the notice names a cause that is not a signal (`message`: the failed write's error). */
const OUTPUT_FAILED = {
  EPIPE: () => "EPIPE: the output's reader has gone",
  EIO: () => 'EIO: the terminal has gone',
  WRITE_ERROR: (message: string) => `the output cannot be written (${message})`,
} as const;

export interface TrainingInterrupt {
  /** Aborted at the first signal (pass it to `trainRun`). */
  readonly signal: AbortSignal;
  /** The exit status the first signal asks for; undefined while none came. */
  readonly exitCode: number | undefined;
  /** Removes the handlers: the signals' default action (exit) returns, and an output failure ends the command again. */
  dispose(): void;
}

/** Handles SIGINT, SIGTERM, SIGHUP and an output failure until `dispose`; `notice` writes one line to the user. */
export function catchTrainingInterrupt(notice: (line: string) => void): TrainingInterrupt {
  const controller = new AbortController();
  let received: StopCause | undefined;
  const stop = (cause: StopCause, message = ''): void => {
    const outputFailed = cause === 'EPIPE' || cause === 'EIO' || cause === 'WRITE_ERROR';
    if (received === undefined) {
      received = cause;
      controller.abort();
      notice(`${outputFailed ? `${OUTPUT_FAILED[cause](message)};` : `${cause}:`} stopping after the current update and saving the checkpoint`);
    } else if (!outputFailed) {
      // (an output failure is reported at each failed write, this notice's own when it is stderr's: it is not noted again)
      notice(`${cause}: already stopping; the checkpoint is being saved (SIGKILL, kill -9, quits without saving)`);
    }
  };
  const uncatch = catchStopSignals(stop);
  const undefer = deferOutputFailure((failure: OutputFailure, message) => stop(failure, message));
  return {
    signal: controller.signal,
    get exitCode() {
      return received === undefined ? undefined : EXIT_CODES[received];
    },
    dispose: () => {
      uncatch();
      undefer();
    },
  };
}

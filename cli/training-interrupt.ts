/**
 * Ctrl-C (SIGINT) and SIGTERM during `train`, as RL Zoo treats a KeyboardInterrupt: the first
 * stops training after the current update and lets the run save its checkpoint, so `--resume`
 * continues it (a cluster's SIGTERM before preemption loses no more than one update); the final
 * evaluation is skipped, or cut between its episodes. Signals are seen only between updates (an
 * update runs synchronously), where saving takes milliseconds, so a second signal has nothing
 * quicker to do than the first: it is noted, and the run is still saved. (SIGKILL stops at once.)
 */

/** Exit status of a process stopped by the signal: 128 + its number, as shells report it. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof EXIT_CODES;

export interface TrainingInterrupt {
  /** Aborted at the first signal (pass it to `trainRun`). */
  readonly signal: AbortSignal;
  /** The exit status the first signal asks for; undefined while none came. */
  readonly exitCode: number | undefined;
  /** Removes the handlers: the signals' default action (exit) returns. */
  dispose(): void;
}

/** Handles SIGINT and SIGTERM until `dispose`; `notice` writes one line to the user. */
export function catchTrainingInterrupt(notice: (line: string) => void): TrainingInterrupt {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const onSignal = (name: StopSignal): void => {
    if (received === undefined) {
      received = name;
      controller.abort();
      notice(`${name}: stopping after the current update and saving the checkpoint`);
    } else {
      notice(`${name}: already stopping; the checkpoint is being saved (SIGKILL, kill -9, quits without saving)`);
    }
  };
  const handlers = (Object.keys(EXIT_CODES) as StopSignal[]).map((name) => [name, () => onSignal(name)] as const);
  for (const [name, handler] of handlers) process.on(name, handler);
  return {
    signal: controller.signal,
    get exitCode() {
      return received === undefined ? undefined : EXIT_CODES[received];
    },
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

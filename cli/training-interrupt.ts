/**
 * Ctrl-C (SIGINT) and SIGTERM during `train`, as RL Zoo treats a KeyboardInterrupt: the first
 * stops training after the current update and lets the run save its checkpoint, so `--resume`
 * continues it (a cluster's SIGTERM before preemption loses no more than one update). A second
 * signal while training quits at once and discards the run, as a failed run is discarded; while
 * the checkpoint is being written it only waits, so a saved checkpoint is never half-kept.
 */

/** Exit status of a process stopped by the signal: 128 + its number, as shells report it. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof EXIT_CODES;

export interface TrainingInterrupt {
  /** Aborted at the first signal (pass it to `trainRun`). */
  readonly signal: AbortSignal;
  /** The exit status the first signal asks for; undefined while none came. */
  readonly exitCode: number | undefined;
  /** Training is over and the checkpoint is being written: a second signal now waits for it. */
  saving(): void;
  /** Removes the handlers: the signals' default action (exit) returns. */
  dispose(): void;
}

/**
 * Handles SIGINT and SIGTERM until `dispose`. `discard` puts the run directory back as it was
 * found (called on a second signal during training, before exiting); `notice` writes one line
 * to the user.
 */
export function catchTrainingInterrupt(discard: () => void, notice: (line: string) => void): TrainingInterrupt {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  let saving = false;
  const onSignal = (name: StopSignal): void => {
    if (received === undefined) {
      received = name;
      controller.abort();
      notice(`${name}: stopping after the current update and saving the checkpoint (${name === 'SIGINT' ? 'Ctrl-C' : name} again to quit without saving)`);
    } else if (saving) {
      notice(`${name}: the checkpoint is being written; exiting when it is saved`);
    } else {
      discard();
      notice(`${name} again: quit without saving; the run was discarded`);
      process.exit(EXIT_CODES[received]);
    }
  };
  const handlers = (Object.keys(EXIT_CODES) as StopSignal[]).map((name) => [name, () => onSignal(name)] as const);
  for (const [name, handler] of handlers) process.on(name, handler);
  return {
    signal: controller.signal,
    get exitCode() {
      return received === undefined ? undefined : EXIT_CODES[received];
    },
    saving: () => {
      saving = true;
    },
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

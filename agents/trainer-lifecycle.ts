/**
 * What a trainer refuses once it cannot train on: `train()` and `iterate()` after `close()` or
 * `dispose()`, and `train()` after a `train()` that failed, which ended `metrics$`. PPO and DQN
 * share it, so both refuse in the same words.
 */
import { GymError } from '../env/core/errors.ts';

const REMEDY = 'make a new trainer (or resume the run from its last checkpoint)';

export class TrainerLifecycle {
  /** The trainer's class name, as errors name it. */
  private readonly owner: string;
  private closed = false;
  private disposed = false;
  /** A train() failed and so ended metrics$: training on would drop its metrics unseen. */
  private failed = false;

  constructor(owner: string) {
    this.owner = owner;
  }

  /**
   * Throws a GymError once closed. `iterate()` calls it first, and again after each `metrics$`
   * record, so a `close()` during `train()`'s pauses (an onIteration callback, a timer) or in a
   * `metrics$` subscriber ends training there rather than with the closed env's error or, after
   * `dispose()`, a bare "Tensor is disposed".
   */
  checkOpen(method: string): void {
    if (this.closed) throw new GymError(`${this.owner}.${method}: the trainer is closed (close() or dispose()); ${REMEDY}`);
  }

  /** Throws a GymError when `train()` may not start: closed, or an earlier `train()` failed. */
  checkTrainable(): void {
    this.checkOpen('train');
    if (this.failed) throw new GymError(`${this.owner}.train: an earlier train() failed, which ended metrics$; ${REMEDY}`);
  }

  /**
   * Runs `train()`'s `loop`; when it throws, later trains are refused and `metrics` completes, so
   * a subscriber waiting for the end is not left hanging (the error is train()'s rejection: an
   * errored stream would also throw it, unhandled, in every subscriber without an error callback).
   */
  async training(metrics: { complete(): void }, loop: () => Promise<void>): Promise<void> {
    try {
      await loop();
    } catch (error) {
      this.failed = true;
      metrics.complete();
      throw error;
    }
  }

  /** Marks the trainer closed (its caller closes the envs and ends metrics$). */
  close(): void {
    this.closed = true;
  }

  /** Marks the trainer disposed; false when it already was, so dispose() is safe twice. */
  dispose(): boolean {
    if (this.disposed) return false;
    this.disposed = true;
    return true;
  }
}

/**
 * What a trainer refuses once it cannot train on: `train()` and `iterate()` after `close()` or
 * `dispose()`, and `train()` after a `train()` that failed, which ended `metrics$`; and what it
 * refuses at any time: `train()` arguments of the wrong kind, `iterate()` or `train()` called from
 * inside an iteration (a `metrics$` subscriber) and a second `train()` while one runs. PPO and
 * DQN share it, so both refuse in the same words.
 */
import { GymError, InvalidArgumentError } from '../env/core/errors.ts';
import { formatValue } from '../env/core/format.ts';

const REMEDY = 'make a new trainer (or resume the run from its last checkpoint)';

export class TrainerLifecycle {
  /** The trainer's class name, as errors name it. */
  private readonly owner: string;
  private closed = false;
  private disposed = false;
  /** A train() failed and so ended metrics$: training on would drop its metrics unseen. */
  private failed = false;
  /** An iteration runs: a nested iterate() or train() would splice its rollout into this one's. */
  private runningIteration = false;
  /** A train() loop runs: a second would interleave its iterations with this one's. */
  private runningTrain = false;

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

  /**
   * Throws when `train(totalSteps, callback, signal)` may not start, before any work: closed, an
   * earlier `train()` failed, one is running, or an argument of the wrong kind (a callback that is
   * no function failed after the first iteration, and that failure ended the trainer).
   */
  checkTrainable(totalSteps: unknown, callback: unknown, callbackName: string, signal: unknown): void {
    this.checkOpen('train');
    if (this.failed) throw new GymError(`${this.owner}.train: an earlier train() failed, which ended metrics$; ${REMEDY}`);
    if (this.runningTrain || this.runningIteration) throw new GymError(`${this.owner}.train: called while ${this.runningIteration ? 'an iteration runs (from a metrics$ subscriber?)' : 'another train() runs (await it first)'}; the two would interleave their rollouts`);
    if (typeof totalSteps !== 'number' || !Number.isSafeInteger(totalSteps) || totalSteps < 0) throw new InvalidArgumentError(`${this.owner}.train: totalSteps must be an integer >= 0 (env steps), got ${formatValue(totalSteps)}`);
    if (callback !== undefined && typeof callback !== 'function') throw new InvalidArgumentError(`${this.owner}.train: ${callbackName} must be a function (or undefined), got ${formatValue(callback)}`);
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidArgumentError(`${this.owner}.train: signal must be an AbortSignal (or undefined), got ${formatValue(signal)}`);
  }

  /**
   * Runs one iteration, `body`; an `iterate()` or `train()` called from inside it (a `metrics$`
   * subscriber) is refused: its rollout would splice into this one's buffers.
   */
  iteration(body: () => void): void {
    if (this.runningIteration) throw new GymError(`${this.owner}.iterate: called from inside an iteration (from a metrics$ subscriber?); its rollout would splice into the running one's`);
    this.runningIteration = true;
    try {
      body();
    } finally {
      this.runningIteration = false;
    }
  }

  /**
   * Runs `train()`'s `loop`; when it throws, later trains are refused and `metrics` completes, so
   * a subscriber waiting for the end is not left hanging (the error is train()'s rejection: an
   * errored stream would also throw it, unhandled, in every subscriber without an error callback).
   */
  async training(metrics: { complete(): void }, loop: () => Promise<void>): Promise<void> {
    this.runningTrain = true;
    try {
      await loop();
    } catch (error) {
      this.failed = true;
      metrics.complete();
      throw error;
    } finally {
      this.runningTrain = false;
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

/**
 * gymnasium.wrappers.RecordEpisodeStatistics: tracks the return and length of the running
 * episode and, when it ends, adds `info.episode = {r, l, t}` (return, length in steps, wall
 * time in seconds) and emits the same record on `episodes$`. Nothing is allocated per step,
 * only once per episode.
 */
import { Subject, type Observable } from 'rxjs';
import type { Env, ResetArgs, ResetResult, StepResult } from '../core/env.ts';
import { GymError } from '../core/errors.ts';
import { Wrapper } from '../core/wrapper.ts';
import { checkBufferLength } from './wrapper-arguments.ts';

/** One finished episode. */
export interface EpisodeStatistics {
  /** Undiscounted return (sum of rewards). */
  readonly r: number;
  /** Length in steps. */
  readonly l: number;
  /** Wall-clock duration in seconds, rounded to 1e-6 s (as Gymnasium). */
  readonly t: number;
}

/**
 * At each episode's end, adds `info.episode = {r, l, t}` (return, length in steps, wall time in s)
 * and emits it on `episodes$` (gymnasium.wrappers.RecordEpisodeStatistics).
 */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  readonly bufferLength: number;
  readonly statsKey: string;
  /** Episodes finished so far. */
  episodeCount = 0;
  /** Return, length and time of the last `bufferLength` episodes, oldest first. */
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  readonly timeQueue: number[] = [];

  private episodeReturn = 0;
  private episodeLength = 0;
  private episodeStart = 0;
  private readonly subject = new Subject<EpisodeStatistics>();
  /**
   * Every finished episode, emitted at the end of the step that finished it; completes on
   * `close()`. A subscriber that throws does not stop the env: rxjs rethrows its error
   * asynchronously, as an uncaughtException that ends Node by default, so catch inside the
   * callback or route errors with operators.
   */
  readonly episodes$: Observable<EpisodeStatistics> = this.subject.asObservable();

  /**
   * @param bufferLength how many recent episodes the queues keep
   * @param statsKey the info key of the record (Gymnasium's `stats_key`)
   */
  constructor(
    env: Env<Obs, Act>,
    bufferLength = 100,
    statsKey = 'episode',
  ) {
    super(env);
    this.bufferLength = bufferLength;
    this.statsKey = statsKey;
    checkBufferLength('RecordEpisodeStatistics', bufferLength);
  }

  override reset(args?: ResetArgs): ResetResult<Obs> {
    const result = this.env.reset(args);
    this.episodeStart = performance.now();
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return result;
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    this.episodeReturn += result[1];
    this.episodeLength += 1;
    if (result[2] || result[3]) {
      if (this.statsKey in result[4]) throw new GymError(`RecordEpisodeStatistics: info already has a "${this.statsKey}" entry; pass another statsKey`);
      const now = performance.now();
      const stats: EpisodeStatistics = { r: this.episodeReturn, l: this.episodeLength, t: Math.round((now - this.episodeStart) * 1e3) / 1e6 };
      // A new info object: the inner env's may be shared or frozen.
      result[4] = { ...result[4], [this.statsKey]: stats };
      pushBounded(this.returnQueue, stats.r, this.bufferLength);
      pushBounded(this.lengthQueue, stats.l, this.bufferLength);
      pushBounded(this.timeQueue, stats.t, this.bufferLength);
      this.episodeCount += 1;
      this.episodeStart = now;
      this.subject.next(stats);
    }
    return result;
  }

  override close(): void {
    this.subject.complete();
    super.close();
  }
}

/** Appends `value` to `queue`, dropping the oldest entries beyond `max`. */
export function pushBounded(queue: number[], value: number, max: number): void {
  queue.push(value);
  if (queue.length > max) queue.shift();
}

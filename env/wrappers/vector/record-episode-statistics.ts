/**
 * gymnasium.wrappers.vector.RecordEpisodeStatistics: tracks each env's running return and
 * length and, on the step an episode ends, adds `infos.episode = {r, l, t, _r, _l, _t}` and the
 * mask `infos._episode` (the layout a `SyncVectorEnv` of per-env `RecordEpisodeStatistics` gives,
 * see `addInfo`); the same records are emitted one by one on `episodes$`, at the end of the step.
 *
 * Every autoreset mode is counted right: under `next-step` the step that resets an ended env
 * (reward 0, action ignored) belongs to no episode; under `same-step` and `disabled` every step
 * does. A partial `reset({ options: { reset_mask } })` restarts the statistics of the marked
 * envs only.
 *
 * @example
 * const envs = new VectorRecordEpisodeStatistics(makeVec('BDT-v0', 8));
 * envs.reset({ seed: 1 });
 * const [, , , , infos] = envs.step(envs.actionSpace.sample());
 * // both entries are there only on a step where an episode ended
 * const ended = infos['_episode'] as Uint8Array | undefined;
 * const episode = infos['episode'] as { r: Float64Array; l: Float64Array } | undefined;
 * for (let i = 0; i < envs.numEnvs; i++) {
 *   if (ended?.[i] === 1) console.log(`env ${i}: return ${episode?.r[i]}, length ${episode?.l[i]}`);
 * }
 */
import { Subject, type Observable } from 'rxjs';
import type { Info } from '../../core/env.ts';
import { GymError } from '../../core/errors.ts';
import { splitResetOptions } from '../../vector/reset-mask.ts';
import type { VectorEnv, VectorResetArgs, VectorResetResult, VectorStepResult } from '../../vector/vector-env.ts';
import { VectorWrapper } from '../../vector/vector-wrapper.ts';
import { pushBounded, type EpisodeStatistics } from '../record-episode-statistics.ts';
import { checkBufferLength } from '../wrapper-arguments.ts';

/** One finished episode of env `env`. */
export interface VectorEpisodeStatistics extends EpisodeStatistics {
  /** Index of the env that ran it. */
  readonly env: number;
}

/** The `infos[statsKey]` entry of a step where episodes ended: per env, with a mask of the envs it holds. */
interface EpisodeInfo {
  r: Float64Array;
  l: Float64Array;
  t: Float64Array;
  _r: Uint8Array;
  _l: Uint8Array;
  _t: Uint8Array;
}

/**
 * Adds each ended episode's return, length and time to the infos (`infos.episode`, masked by
 * `infos._episode`) and emits it on `episodes$`
 * (gymnasium.wrappers.vector.RecordEpisodeStatistics); see the header of
 * env/wrappers/vector/record-episode-statistics.ts for an example.
 */
export class VectorRecordEpisodeStatistics<BObs, BAct> extends VectorWrapper<BObs, BAct> {
  readonly bufferLength: number;
  readonly statsKey: string;
  /** Episodes finished so far, over all envs. */
  episodeCount = 0;
  /** Return, length and time (s) of the last `bufferLength` episodes, oldest first. */
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  readonly timeQueue: number[] = [];

  private readonly episodeReturns: Float64Array;
  private readonly episodeLengths: Int32Array;
  /** performance.now() (ms) at each running episode's start. */
  private readonly episodeStarts: Float64Array;
  /** next-step mode: 1 where the env ended last step, so this step only resets it. */
  private readonly resetting: Uint8Array;
  private readonly subject = new Subject<VectorEpisodeStatistics>();
  /**
   * Every finished episode, emitted at the end of the step that finished it, once all of that
   * step's episodes are counted and its infos built; completes on `close()`. A subscriber that
   * throws does not stop the env: rxjs rethrows its error asynchronously, as an uncaughtException
   * that ends Node by default, so catch inside the callback or route errors with operators.
   */
  readonly episodes$: Observable<VectorEpisodeStatistics> = this.subject.asObservable();

  /**
   * @param bufferLength how many recent episodes the queues keep
   * @param statsKey the info key of the records (Gymnasium's `stats_key`)
   */
  constructor(
    env: VectorEnv<BObs, BAct>,
    bufferLength = 100,
    statsKey = 'episode',
  ) {
    super(env);
    this.bufferLength = bufferLength;
    this.statsKey = statsKey;
    checkBufferLength('VectorRecordEpisodeStatistics', bufferLength);
    const n = env.numEnvs;
    this.episodeReturns = new Float64Array(n);
    this.episodeLengths = new Int32Array(n);
    this.episodeStarts = new Float64Array(n);
    this.resetting = new Uint8Array(n);
  }

  override reset(args: VectorResetArgs = {}): VectorResetResult<BObs> {
    const result = this.env.reset(args);
    // after the inner reset, which has refused a bad mask
    const { mask } = splitResetOptions(args.options, this.numEnvs, 'VectorRecordEpisodeStatistics');
    const now = performance.now();
    for (let i = 0; i < this.numEnvs; i++) if (mask === undefined || mask[i] === 1) this.restart(i, now);
    return result;
  }

  override step(actions: BAct | ArrayLike<number>): VectorStepResult<BObs> {
    const result = this.env.step(actions);
    const [, rewards, terminated, truncated, infos] = result;
    const n = this.numEnvs;
    const now = performance.now();
    let episode: EpisodeInfo | undefined;
    let ended: Uint8Array | undefined;
    /** Emitted last, as the single-env wrapper does: a subscriber that resets the envs would cut the other envs' episodes short. */
    const finished: VectorEpisodeStatistics[] = [];
    // refused before any statistic moves, so the wrapper stays consistent
    if (this.conflicts(infos) && this.anyEpisodeEnds(terminated, truncated)) {
      throw new GymError(`VectorRecordEpisodeStatistics: the infos already have a "${this.statsKey}" entry; pass another statsKey`);
    }
    for (let i = 0; i < n; i++) {
      if (this.resetting[i] === 1) {
        this.restart(i, now);
        continue;
      }
      this.episodeReturns[i]! += rewards[i]!;
      this.episodeLengths[i]! += 1;
      if (terminated[i] === 0 && truncated[i] === 0) continue;
      const record: VectorEpisodeStatistics = { r: this.episodeReturns[i]!, l: this.episodeLengths[i]!, t: Math.round((now - this.episodeStarts[i]!) * 1e3) / 1e6, env: i };
      if (episode === undefined || ended === undefined) {
        episode = this.emptyEpisodeInfo();
        ended = new Uint8Array(n);
      }
      episode.r[i] = record.r;
      episode.l[i] = record.l;
      episode.t[i] = record.t;
      for (const mask of [episode._r, episode._l, episode._t, ended]) mask[i] = 1;
      this.record(record);
      finished.push(record);
      if (this.autoresetMode === 'next-step') this.resetting[i] = 1;
      else this.restart(i, now); // the env is already reset (same-step) or must be reset with reset_mask (disabled)
    }
    // a new infos object: the inner env's may be its own buffer (copy: false)
    if (episode !== undefined) result[4] = { ...infos, [this.statsKey]: episode, [`_${this.statsKey}`]: ended };
    for (const record of finished) this.subject.next(record);
    return result;
  }

  override close(): void {
    this.subject.complete();
    super.close();
  }

  private restart(i: number, now: number): void {
    this.episodeReturns[i] = 0;
    this.episodeLengths[i] = 0;
    this.episodeStarts[i] = now;
    this.resetting[i] = 0;
  }

  private conflicts(infos: Info): boolean {
    return this.statsKey in infos || `_${this.statsKey}` in infos;
  }

  /** Whether a step with these flags ends an episode this wrapper counts (not a next-step reset step). */
  private anyEpisodeEnds(terminated: Uint8Array, truncated: Uint8Array): boolean {
    for (let i = 0; i < this.numEnvs; i++) if (this.resetting[i] === 0 && (terminated[i] === 1 || truncated[i] === 1)) return true;
    return false;
  }

  /** Zeroed `{r, l, t}` with their masks, as `addInfo` lays them out. */
  private emptyEpisodeInfo(): EpisodeInfo {
    const n = this.numEnvs;
    return { r: new Float64Array(n), l: new Float64Array(n), t: new Float64Array(n), _r: new Uint8Array(n), _l: new Uint8Array(n), _t: new Uint8Array(n) };
  }

  private record(record: VectorEpisodeStatistics): void {
    pushBounded(this.returnQueue, record.r, this.bufferLength);
    pushBounded(this.lengthQueue, record.l, this.bufferLength);
    pushBounded(this.timeQueue, record.t, this.bufferLength);
    this.episodeCount += 1;
  }
}

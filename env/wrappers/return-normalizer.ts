/**
 * The reward scaling of Gymnasium's NormalizeReward over a batch of envs, one implementation for
 * `VectorNormalizeReward` and PPO's `normReward`: per env the discounted return
 * `G_i <- gamma * G_i * (1 - terminated_i) + r_i`, its running variance pooled over the envs, and
 * `r_i / sqrt(var(G) + epsilon)`. An env marked `skip` (the next-step autoreset step, which is no
 * transition) keeps its G and adds no sample, as Gymnasium's vector wrapper. Returns in float64
 * (Gymnasium: float32).
 */
import { RunningMeanStd } from './running-mean-std.ts';

export class ReturnNormalizer {
  readonly numEnvs: number;
  readonly gamma: number;
  readonly epsilon: number;
  /** The pooled statistics of the discounted returns. */
  readonly rms = new RunningMeanStd(1);
  /** Whether steps update the statistics (false freezes the scale, for evaluation). */
  updateRunningMean = true;
  private readonly returns: Float64Array;
  /** The returns of the envs that took a real step, gathered for the statistics. */
  private readonly active: Float64Array;

  constructor(
    numEnvs: number,
    gamma: number,
    epsilon: number,
  ) {
    this.numEnvs = numEnvs;
    this.gamma = gamma;
    this.epsilon = epsilon;
    this.returns = new Float64Array(numEnvs);
    this.active = new Float64Array(numEnvs);
  }

  /** Starts env `i`'s return at 0 (a reset). */
  resetEnv(i: number): void {
    this.returns[i] = 0;
  }

  /**
   * One step's `rewards` scaled into `out`; `skip[i] = 1` leaves env i's return and the statistics
   * alone; a reward that is not finite is left out of its return (which goes on without it) and
   * of the statistics, where it would stay for good. Returns how many rewards were not finite.
   */
  scale(rewards: ArrayLike<number>, terminated: ArrayLike<number>, skip: ArrayLike<number>, out: Float32Array | Float64Array): number {
    const returns = this.returns;
    let count = 0;
    let nonFinite = 0;
    for (let i = 0; i < this.numEnvs; i++) {
      if (skip[i] === 1) continue;
      if (!Number.isFinite(rewards[i])) {
        // the return goes on without it; the statistics are not updated with it
        returns[i] = returns[i]! * this.gamma * (terminated[i] === 1 ? 0 : 1);
        nonFinite++;
        continue;
      }
      returns[i] = returns[i]! * this.gamma * (terminated[i] === 1 ? 0 : 1) + rewards[i]!;
      this.active[count++] = returns[i]!;
    }
    if (this.updateRunningMean) this.rms.update(this.active, count);
    const scale = Math.sqrt(this.rms.var[0]! + this.epsilon);
    for (let i = 0; i < this.numEnvs; i++) out[i] = rewards[i]! / scale;
    return nonFinite;
  }
}

/**
 * Where a sampler writes each action dimension's log-probability, as well as the row's joint one:
 * dimension d of row b goes to `values[b * stride + offset + d]`. PPO's per-dimension ratios
 * (`ratio: 'per-dimension'`) keep them from the rollout, as the joint ones.
 */
export interface PerDimensionOut {
  readonly values: Float32Array;
  /** Floats per row (every dimension of the policy). */
  readonly stride: number;
  /** This distribution's first dimension within a row. */
  readonly offset: number;
}

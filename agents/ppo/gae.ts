/**
 * Generalised advantage estimation (Schulman et al. 2016) over a time-major rollout `[T, E]`.
 *
 * Row t holds V(s_t) and the outcome of acting in s_t: reward r_t, `terminated_t`, and
 * `done_t` (terminated or truncated). The next state's value is row t+1's (for t = T-1,
 * `lastValues`). Bootstrapping stops only on termination, so a truncated episode is bootstrapped
 * from V(final observation) — with next-step autoreset that final observation is exactly what row
 * t+1 saw; the advantage recursion is cut on every episode end.
 *
 *   delta_t = r_t + gamma * V_{t+1} * (1 - terminated_t) - V_t
 *   A_t     = delta_t + gamma * lambda * (1 - done_t) * A_{t+1}
 *   R_t     = A_t + V_t
 */

export interface GaeInput {
  readonly steps: number;
  readonly envs: number;
  /** `[T, E]` rewards. */
  readonly rewards: Float32Array;
  /** `[T, E]` V(s_t). */
  readonly values: Float32Array;
  /** `[T, E]` 1 where the step terminated. */
  readonly terminated: Uint8Array;
  /** `[T, E]` 1 where the step ended the episode (terminated or truncated). */
  readonly dones: Uint8Array;
  /** `[E]` V(s_T), the value of the observation after the last step. */
  readonly lastValues: Float32Array;
  readonly gamma: number;
  readonly lambda: number;
}

/** Writes advantages and returns (`[T, E]` each). */
export function computeGae(input: GaeInput, advantages: Float32Array, returns: Float32Array): void {
  const { steps: T, envs: E, rewards, values, terminated, dones, lastValues, gamma, lambda } = input;
  for (let e = 0; e < E; e++) {
    let nextAdvantage = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * E + e;
      const nextValue = t === T - 1 ? lastValues[e]! : values[i + E]!;
      const delta = rewards[i]! + gamma * nextValue * (1 - terminated[i]!) - values[i]!;
      nextAdvantage = delta + gamma * lambda * (1 - dones[i]!) * nextAdvantage;
      advantages[i] = nextAdvantage;
      returns[i] = nextAdvantage + values[i]!;
    }
  }
}

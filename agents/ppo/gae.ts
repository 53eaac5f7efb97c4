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
import { InvalidArgumentError } from '../../env/core/errors.ts';
import { formatValue } from '../../env/core/format.ts';

/**
 * A time-major rollout `[T, E]` (`steps` rows of `envs` columns) for generalised advantage
 * estimation.
 */
export interface GaeInput {
  /** T, rollout steps. */
  readonly steps: number;
  /** E, envs. */
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

/**
 * Writes advantages and returns (`[T, E]` each). Refuses, naming the argument, a shape that does
 * not match `steps` × `envs` (a short array would read undefined as NaN, a long one leave rows
 * unwritten) and a gamma or lambda outside [0, 1].
 */
export function computeGae(input: GaeInput, advantages: Float32Array, returns: Float32Array): void {
  const { steps: T, envs: E, rewards, values, terminated, dones, lastValues, gamma, lambda } = input;
  checkGaeArguments(input, advantages, returns);
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

function checkGaeArguments(input: GaeInput, advantages: Float32Array, returns: Float32Array): void {
  const { steps, envs, gamma, lambda } = input;
  for (const [name, value] of [['steps', steps], ['envs', envs]] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`computeGae: ${name} must be an integer >= 1, got ${formatValue(value)}`);
  }
  for (const [name, value] of [['gamma', gamma], ['lambda', lambda]] as const) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new InvalidArgumentError(`computeGae: ${name} must be a number in [0, 1], got ${formatValue(value)}`);
  }
  const rows = steps * envs;
  const arrays: [string, ArrayLike<number> | undefined, number][] = [
    ['rewards', input.rewards, rows], ['values', input.values, rows], ['terminated', input.terminated, rows], ['dones', input.dones, rows],
    ['lastValues', input.lastValues, envs], ['advantages', advantages, rows], ['returns', returns, rows],
  ];
  for (const [name, array, length] of arrays) {
    if (array?.length !== length) throw new InvalidArgumentError(`computeGae: ${name} must hold ${length === rows ? `steps × envs = ${steps} × ${envs} = ${rows}` : `envs = ${envs}`} elements, got ${array === undefined || array === null ? String(array) : array.length}`);
  }
}

/**
 * Training metrics, named as CleanRL's TensorBoard tags (`charts/episodic_return`,
 * `losses/value_loss`, ...), published by trainers as an rxjs Observable and written by the CLI
 * as JSON lines `{"step": ..., "<tag>": value, ...}`.
 */

/** Values of several tags at one global step (env steps so far). */
export interface MetricRecord {
  readonly step: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The JSON-lines form of a record. */
export function metricRecordToJsonLine(record: MetricRecord): string {
  return JSON.stringify({ step: record.step, ...record.metrics });
}

/** How many of the most recent episode returns a trainer keeps (`recentReturns`, newest last). */
export const RECENT_RETURNS = 100;

/**
 * Appends `episodeReturn` to a trainer's `recentReturns`, dropping the oldest past
 * {@link RECENT_RETURNS}: PPO and DQN keep them alike.
 */
export function keepRecentReturn(recentReturns: number[], episodeReturn: number): void {
  recentReturns.push(episodeReturn);
  if (recentReturns.length > RECENT_RETURNS) recentReturns.shift();
}

/** DQN logs its losses once per this many gradient steps, as CleanRL (besides a record per finished episode). */
export const DQN_LOG_EVERY_GRADIENT_STEPS = 100;

/**
 * Whether training a run to a checkpoint of `algo` with these `counters` must have logged a metric
 * record. PPO logs one per update (a checkpoint past step 0 has one); DQN one per finished episode
 * and one per {@link DQN_LOG_EVERY_GRADIENT_STEPS} gradient steps, so before learning starts it
 * may have logged none: it has once each of its `numEnvs` envs ran past `episodeLimit` steps (the
 * most an episode lasts, when known: every env finished one).
 */
export function trainingMustHaveLogged(algo: 'ppo' | 'dqn', counters: { readonly globalStep: number; readonly gradientSteps?: number | undefined }, numEnvs: number, episodeLimit: number | undefined): boolean {
  if (counters.globalStep === 0) return false;
  if (algo === 'ppo') return true;
  if ((counters.gradientSteps ?? 0) >= DQN_LOG_EVERY_GRADIENT_STEPS) return true;
  return episodeLimit !== undefined && counters.globalStep / numEnvs >= episodeLimit;
}

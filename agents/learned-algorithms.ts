/**
 * The learning algorithms whose checkpoints the built-in learned agents load, apart from the
 * agents' registry (learned-agents.ts), so the checkpoint code can ask about an algorithm id
 * without importing every scripted agent.
 */

/** The learning algorithms, whose checkpoints the learned agents load. */
export const LEARNED_ALGORITHMS = ['ppo', 'dqn'] as const;
/** A learning algorithm whose checkpoints a learned agent loads: `'ppo'` or `'dqn'`. */
export type LearnedAlgorithm = (typeof LEARNED_ALGORITHMS)[number];

/** Whether `algo` (a checkpoint manifest's) is one whose checkpoints the learned agents load. */
export function isLearnedAlgorithm(algo: string): algo is LearnedAlgorithm {
  return (LEARNED_ALGORITHMS as readonly string[]).includes(algo);
}

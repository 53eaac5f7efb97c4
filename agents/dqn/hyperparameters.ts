/**
 * DQN hyperparameters (CleanRL dqn.py `Args`, SB3 DQN names in comments), validated by zod.
 * Defaults are CleanRL's but for doubleQ, maxGradNorm and init (see the schema); presets live in
 * configs/agents/.
 */
import * as z from 'zod';
import { CpuSharesSchema } from '../cpu-shares.ts';
import { MAX_ENVS, MAX_LAYERS, MAX_WIDTH } from '../hyperparameter-limits.ts';

/**
 * The zod schema of DQN's hyperparameters (CleanRL dqn.py's `Args`, camelCased): each field's
 * description gives its meaning and unit. `parse({})` gives CleanRL's defaults but for double
 * Q-learning (`doubleQ: true`), gradient-norm clipping at 10 (SB3's; CleanRL clips none) and the
 * orthogonal init (CleanRL's dqn.py: `init: 'torch'`). An unknown key is refused.
 */
export const DqnHyperparametersSchema = z
  .object({
    totalTimesteps: z.number().int().positive().default(500_000).describe('Total env steps to train for, over all vector envs, counting the autoreset step after each episode end (steps)'),
    learningRate: z.number().positive().max(1).default(2.5e-4).describe('Adam learning rate (1/step)'),
    annealLr: z.boolean().default(false).describe('Decay the learning rate linearly to 0 at totalTimesteps, set before each training phase (SB3 / rl-zoo "lin_" schedule) (bool)'),
    adamEps: z.number().positive().max(1).default(1e-8).describe('Adam epsilon (dimensionless)'),
    numEnvs: z.number().int().positive().max(MAX_ENVS).default(1).describe('Parallel envs in the vector env (envs)'),
    bufferSize: z.number().int().positive().max(10_000_000).default(10_000).describe('Replay buffer capacity (transitions)'),
    gamma: z.number().min(0).max(1).default(0.99).describe('Discount factor (dimensionless)'),
    doubleQ: z.boolean().default(true).describe('Double Q-learning targets (van Hasselt et al. 2016): the online network picks the next action, the target network values it; false uses the target network\'s max as SB3\'s DQN does (bool)'),
    tau: z.number().gt(0).max(1).default(1).describe('Target network update rate; 1 is a hard copy (dimensionless)'),
    targetNetworkFrequency: z.number().int().positive().default(500).describe('Env steps between target network updates (SB3 target_update_interval) (steps)'),
    batchSize: z.number().int().positive().max(65_536).default(128).describe('Transitions per gradient step, at most bufferSize (transitions)'),
    startE: z.number().min(0).max(1).default(1).describe('Initial exploration epsilon (probability)'),
    endE: z.number().min(0).max(1).default(0.05).describe('Final exploration epsilon (SB3 exploration_final_eps) (probability)'),
    explorationPerDimension: z.boolean().default(false).describe('Epsilon-greedy per action dimension: after learningStarts each dimension independently takes a uniform random level with probability epsilon, the others stay greedy (for branching heads, whose off-greedy levels are otherwise only ever tried next to a fully random action); false explores the whole action at once (bool)'),
    explorationFraction: z.number().gt(0).max(1).default(0.5).describe('Fraction of totalTimesteps over which epsilon decays linearly (fraction)'),
    learningStarts: z.number().int().min(0).default(10_000).describe('Env steps of pure exploration before training starts (steps)'),
    trainFrequency: z.number().int().positive().default(10).describe('Env steps (per env) between training phases (SB3 train_freq) (steps)'),
    gradientSteps: z.number().int().positive().max(100_000).default(1).describe('Gradient steps per training phase (count)'),
    maxGradNorm: z.number().positive().default(10).describe('Global gradient-norm clipping threshold (L2 norm)'),
    hidden: z.array(z.number().int().positive().max(MAX_WIDTH)).min(1).max(MAX_LAYERS).default([120, 84]).describe('Hidden layer widths of the Q network trunk (units)'),
    init: z.enum(['orthogonal', 'torch']).default('orthogonal').describe("Q network initialisation: 'orthogonal' (CleanRL layer_init, gain sqrt(2), head gain 1, zero biases) or 'torch' (PyTorch nn.Linear default, U(+-1/sqrt(fan_in)) weights and biases, as SB3's DQN) (scheme)"),
    dueling: z.boolean().default(false).describe('Dueling heads: a state value plus one advantage head per action dimension (Tavakoli et al. 2018) (bool)'),
    cpuShares: CpuSharesSchema,
    actionLevels: z.number().int().min(2).max(1001).default(11).describe('Levels per continuous action element for DiscretizeAction (count)'),
    normObs: z.boolean().default(false).describe('Normalise observations by running mean/std, saved in checkpoints (bool)'),
    clipObs: z.number().positive().default(10).describe('Clip normalised observations to +-clipObs (standard deviations)'),
    rewardScale: z.number().positive().default(1).describe('Constant factor applied to rewards before they enter the replay buffer; reported returns stay raw (dimensionless)'),
  })
  .strict()
  .superRefine((hp, ctx) => {
    // training waits for a minibatch's worth of transitions, which a smaller buffer never holds
    if (hp.batchSize > hp.bufferSize) {
      ctx.addIssue({ code: 'custom', path: ['batchSize'], message: `rule: batchSize <= bufferSize (a minibatch is sampled from the replay buffer, so a larger one never trains); got batchSize ${hp.batchSize} > bufferSize ${hp.bufferSize}`, input: hp.batchSize });
    }
  });

/** DQN's hyperparameters with the defaults filled in (the output of `DqnHyperparametersSchema`). */
export type DqnHyperparameters = z.infer<typeof DqnHyperparametersSchema>;

/**
 * Linear schedule from `start` to `end` over `duration` steps, then constant: CleanRL's
 * linear_schedule, held at `end` from either side as SB3's get_linear_fn (CleanRL's max() holds
 * only a falling one; a rising epsilon grew past `end`, and past 1).
 */
export function linearSchedule(start: number, end: number, duration: number, step: number): number {
  const slope = (end - start) / duration;
  return start >= end ? Math.max(slope * step + start, end) : Math.min(slope * step + start, end);
}

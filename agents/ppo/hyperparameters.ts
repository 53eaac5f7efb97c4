/**
 * PPO hyperparameters (CleanRL ppo.py / ppo_continuous_action.py `Args`), validated by zod.
 * Defaults are CleanRL's discrete-action defaults; presets live in configs/agents/.
 */
import * as z from 'zod';
import { CpuSharesSchema } from '../cpu-shares.ts';
import { MAX_ENVS, MAX_LAYERS, MAX_WIDTH } from '../hyperparameter-limits.ts';

/**
 * The zod schema of PPO's hyperparameters (CleanRL ppo.py's `Args`, camelCased): each field's
 * description gives its meaning and unit, and `parse({})` gives CleanRL's discrete-action defaults.
 * An unknown key is refused.
 */
export const PpoHyperparametersSchema = z
  .object({
    totalTimesteps: z.number().int().positive().default(500_000).describe('Total env steps to train for, over all vector envs, counting the autoreset step after each episode end (steps)'),
    learningRate: z.number().positive().max(1).default(2.5e-4).describe('Adam learning rate at the start of training (1/step)'),
    annealLr: z.boolean().default(true).describe("Anneal the learning rate linearly towards 0 over training: update i of N runs at learningRate (N - i + 1) / N, the last at learningRate / N, as CleanRL's (bool)"),
    adamEps: z.number().positive().max(1).default(1e-5).describe('Adam epsilon (dimensionless)'),
    numEnvs: z.number().int().positive().max(MAX_ENVS).default(4).describe('Parallel envs in the vector env (envs)'),
    numSteps: z.number().int().positive().max(100_000).default(128).describe('Steps per env per rollout (steps)'),
    gamma: z.number().min(0).max(1).default(0.99).describe('Discount factor (dimensionless)'),
    gaeLambda: z.number().min(0).max(1).default(0.95).describe('GAE lambda (dimensionless)'),
    numMinibatches: z.number().int().positive().max(100_000).default(4).describe('Minibatches per epoch, at most; minibatch size = ceil(valid rows / numMinibatches), where the valid rows are the numEnvs * numSteps rollout rows less the autoreset rows, so the last minibatch may be smaller, and there are ceil(valid rows / size) of them, fewer than numMinibatches when the rows are few (100 rows in 64: size 2, 50 minibatches) (count)'),
    updateEpochs: z.number().int().positive().max(1000).default(4).describe('Epochs over each rollout (count)'),
    normAdv: z.boolean().default(true).describe('Standardise advantages per minibatch (bool)'),
    clipCoef: z.number().positive().default(0.2).describe('Surrogate clipping epsilon (dimensionless)'),
    annealClip: z.boolean().default(false).describe("Anneal the policy's clip range linearly from clipCoef to 0 over training, as rl-baselines3-zoo `lin_0.2`; the value clip (clipVloss) keeps clipCoef (bool)"),
    ratio: z
      .enum(['joint', 'per-dimension'])
      .default('joint')
      .describe(
        "The surrogate's probability ratios: 'joint', one per sample for the whole action (CleanRL, SB3); 'per-dimension', one per action dimension (each partition head, each continuous share), each clipped alone and all weighted by the sample's advantage, as MAPPO's per-agent ratios; for actions of many dimensions, whose joint ratio is clipped often (20% of the samples on BDT-large-v0) (name)",
      ),
    cpuShares: CpuSharesSchema,
    clipVloss: z.boolean().default(true).describe('Clip the value update to +-clipCoef around the rollout value, never annealed (bool)'),
    entCoef: z.number().min(0).default(0.01).describe('Entropy bonus coefficient (dimensionless)'),
    vfCoef: z.number().min(0).default(0.5).describe('Value loss coefficient (dimensionless)'),
    maxGradNorm: z.number().positive().default(0.5).describe('Global gradient-norm clipping threshold (L2 norm)'),
    targetKl: z.number().positive().nullable().default(null).describe("Stop an update's epochs early when the approx-KL of an epoch's last minibatch exceeds this (nats), as CleanRL; losses/update_epochs logs the epochs run; null: never"),
    hidden: z.array(z.number().int().positive().max(MAX_WIDTH)).min(1).max(MAX_LAYERS).default([64, 64]).describe('Hidden layer widths of the separate actor and critic MLPs (units)'),
    activation: z.enum(['tanh', 'relu']).default('tanh').describe('Hidden activation (name)'),
    initLogStd: z.number().min(-20).max(2).default(0).describe('Initial log standard deviation of the Gaussian for continuous dims (log of [-1,1]-normalised action units)'),
    normObs: z.boolean().default(false).describe('Normalise observations by running mean/std, saved in checkpoints (bool)'),
    clipObs: z.number().positive().default(10).describe('Clip normalised observations to +-clipObs (standard deviations)'),
    normReward: z.boolean().default(false).describe("Scale training rewards by the running std of the discounted return, as gymnasium's NormalizeReward; reported returns stay raw (bool)"),
  })
  .strict();

/** PPO's hyperparameters with the defaults filled in (the output of `PpoHyperparametersSchema`). */
export type PpoHyperparameters = z.infer<typeof PpoHyperparametersSchema>;

/**
 * Agent presets (configs/agents/*.json): which agent, which env, and hyperparameter overrides,
 * validated against the agent's own schema when the run starts.
 */
import * as z from 'zod';
import { PeriodicEvaluationSchema } from './periodic-evaluation.ts';

export const AgentPresetSchema = z
  .object({
    description: z.string().optional().describe('What the preset is for and where its values come from'),
    agent: z.enum(['ppo', 'dqn']).describe('Learning algorithm'),
    env: z.string().optional().describe('Registered env id the preset was tuned for'),
    hyperparameters: z.record(z.string(), z.unknown()).default({}).describe("Overrides of the agent's hyperparameter defaults (see its schema)"),
    envKwargs: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Keyword arguments of the training env, passed to make(env, envKwargs), e.g. {scenario: {reward: {energyPenalty: 1}}} to shape BDT-v0's reward; the checkpoint still names the plain env id"),
    periodicEvaluation: PeriodicEvaluationSchema.optional().describe('Evaluate deterministically every evalFreq env steps during training and keep the best checkpoint in <out>/best (SB3 EvalCallback); --eval-freq / --periodic-eval-episodes override it'),
  })
  .strict();

export type AgentPreset = z.infer<typeof AgentPresetSchema>;

/**
 * Learned agents on TensorFlow.js: PPO (hybrid discrete/continuous policies) and DQN (with
 * action branching), their checkpoints, and trained policies as `Agent`s.
 *
 * @example
 * import { make } from 'bdt-gym';
 * import { defaultCheckpointDir, loadPolicyAgent } from 'bdt-gym/agents';
 * const env = make('BDT-v0');
 * // starts the fastest TensorFlow.js backend unless one is running (initBackend('cpu') chooses one)
 * const agent = await loadPolicyAgent(defaultCheckpointDir('ppo', 'BDT-v0'), env); // the committed PPO, typed by env
 * const [obs] = env.reset({ seed: 0 });
 * env.step(agent.act(obs));
 */
export { initBackend, isBackendName, BACKENDS } from './backend.ts';
export type { BackendName } from './backend.ts';
export { loadPolicyAgent, PpoAgent, DqnAgent } from './policy-agent.ts';
export { checkpointDirOf } from './checkpoint/checkpoint-dir.ts';
export type { CandidateSearch, DqnActingParts, PolicyAgentOptions, PpoAgentOptions } from './policy-agent.ts';
export { OrderedCandidates } from './nn/ordered-candidates.ts';
export { evaluateAgent } from './evaluate.ts';
export type { EvaluationResult } from './evaluate.ts';
export type { MetricRecord } from './metrics.ts';
export { metricRecordToJsonLine } from './metrics.ts';

export { PpoHyperparametersSchema } from './ppo/hyperparameters.ts';
export type { PpoHyperparameters } from './ppo/hyperparameters.ts';
export { PpoTrainer } from './ppo/ppo-trainer.ts';
export type { PpoTrainerOptions, PpoRestoreState, PpoCounters } from './ppo/ppo-trainer.ts';
export { PpoPolicy } from './ppo/ppo-policy.ts';
export type { PpoPolicyOptions } from './ppo/ppo-policy.ts';
export { savePpoCheckpoint, loadPpoPolicy, loadPpoRun } from './ppo/ppo-checkpoint.ts';
export { computeGae } from './ppo/gae.ts';
export { TrainingDivergedError } from './training-diverged.ts';
export { NonFiniteGradientError } from './nn/flat-adam.ts';
export type { GaeInput } from './ppo/gae.ts';
export type { EnvSource } from './env-batch.ts';

export { DqnHyperparametersSchema } from './dqn/hyperparameters.ts';
export type { DqnHyperparameters } from './dqn/hyperparameters.ts';
export { DqnTrainer } from './dqn/dqn-trainer.ts';
export type { DqnTrainerOptions, DqnRestoreState, DqnCounters } from './dqn/dqn-trainer.ts';
export { BranchingQNetwork } from './dqn/branching-q-network.ts';
export type { TdLoss } from './dqn/branching-q-network.ts';
export { ReplayBuffer } from './dqn/replay-buffer.ts';
export type { ReplayBatch } from './dqn/replay-buffer.ts';
export { saveDqnCheckpoint, loadDqnPolicy, loadDqnRun, discreteActionEnv } from './dqn/dqn-checkpoint.ts';
export type { LoadedDqnPolicy } from './dqn/dqn-checkpoint.ts';

// the networks' parts, as the trainers and policies expose them
export type { DenseStack, DenseLayerVars, HiddenActivation, MlpInit } from './nn/mlp.ts';
export type { ObservationEncoder } from './nn/observation-encoder.ts';
export type { ActionLayout } from './nn/action-layout.ts';
export type { FlatAdam, FlatAdamState } from './nn/flat-adam.ts';
export type { HybridDistribution } from './nn/hybrid-distribution.ts';
export type { MultiCategorical } from './nn/multi-categorical.ts';
export type { DiagonalGaussian } from './nn/diagonal-gaussian.ts';
export type { PerDimensionOut } from './nn/per-dimension-out.ts';

export { saveCheckpoint, loadCheckpoint, readManifest, CheckpointError, CHECKPOINT_FORMAT_VERSION } from './checkpoint/checkpoint.ts';
export type { CheckpointManifest, CheckpointContents, LoadedCheckpoint, RunProvenance } from './checkpoint/checkpoint.ts';
export { ManifestSchema, RunProvenanceSchema } from './checkpoint/manifest.ts';
export { scenarioOf } from './checkpoint/trained-scenario.ts';
export type { TrainedEnv } from './checkpoint/trained-scenario.ts';
export { directoryHandler } from './checkpoint/directory-handler.ts';
export { registerLearnedAgents } from './register-learned-agents.ts';
export { defaultCheckpointDir, hasCommittedCheckpoint, isLearnedAgent, isLearnedAlgorithm, registerLearnedAgentsWith, LEARNED_AGENTS, LEARNED_ALGORITHMS } from './learned-agents.ts';
export type { LearnedAgentName, LearnedAgentOptionValues, LearnedAgentSpec, LearnedAlgorithm, PolicyLoading } from './learned-agents.ts';
export { trainRun, CHECKPOINT_SUBDIR } from './run/train-run.ts';
export type { TrainRunOptions, TrainSummary } from './run/train-run.ts';
export { PeriodicEvaluationSchema } from './run/periodic-evaluation.ts';
export type { PeriodicEvaluation } from './run/periodic-evaluation.ts';
export { AgentPresetSchema } from './run/preset.ts';
export { presetJsonSchema, presetJsonSchemaText } from './run/preset-json-schema.ts';

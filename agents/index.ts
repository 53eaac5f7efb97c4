/**
 * Learned agents on TensorFlow.js: PPO (hybrid discrete/continuous policies) and DQN (with
 * action branching), their checkpoints, and trained policies as `Agent`s.
 *
 * @example
 * import { initBackend, loadPolicyAgent } from 'bdt-gym/agents';
 * await initBackend();
 * const agent = await loadPolicyAgent('models/ppo-bdt-v0', env);
 * const action = agent.act(obs);
 */
export { initBackend, isBackendName, BACKENDS } from './backend.ts';
export type { BackendName } from './backend.ts';
export { loadPolicyAgent, PpoAgent, DqnAgent } from './policy-agent.ts';
export { checkpointDirOf } from './checkpoint/checkpoint-dir.ts';
export type { DqnActingParts } from './policy-agent.ts';
export { evaluateAgent } from './evaluate.ts';
export type { EvaluationResult } from './evaluate.ts';
export type { MetricRecord } from './metrics.ts';
export { metricRecordToJsonLine } from './metrics.ts';

export { PpoHyperparametersSchema } from './ppo/hyperparameters.ts';
export type { PpoHyperparameters } from './ppo/hyperparameters.ts';
export { PpoTrainer } from './ppo/ppo-trainer.ts';
export { PpoPolicy } from './ppo/ppo-policy.ts';
export { savePpoCheckpoint, loadPpoPolicy, loadPpoRun } from './ppo/ppo-checkpoint.ts';
export { computeGae } from './ppo/gae.ts';

export { DqnHyperparametersSchema } from './dqn/hyperparameters.ts';
export type { DqnHyperparameters } from './dqn/hyperparameters.ts';
export { DqnTrainer } from './dqn/dqn-trainer.ts';
export { BranchingQNetwork } from './dqn/branching-q-network.ts';
export { ReplayBuffer } from './dqn/replay-buffer.ts';
export { saveDqnCheckpoint, loadDqnPolicy, loadDqnRun, discreteActionEnv } from './dqn/dqn-checkpoint.ts';

export { saveCheckpoint, loadCheckpoint, readManifest, CheckpointError, CHECKPOINT_FORMAT_VERSION } from './checkpoint/checkpoint.ts';
export type { CheckpointManifest, CheckpointContents, LoadedCheckpoint } from './checkpoint/checkpoint.ts';
export { directoryHandler } from './checkpoint/directory-handler.ts';
export { registerLearnedAgents } from './register-learned-agents.ts';
export { defaultCheckpointDir, hasCommittedCheckpoint, registerLearnedAgentsWith } from './learned-agents.ts';
export type { LearnedAlgorithm, PolicyLoading } from './learned-agents.ts';
export { trainRun, CHECKPOINT_SUBDIR } from './run/train-run.ts';
export type { TrainRunOptions, TrainSummary } from './run/train-run.ts';
export { AgentPresetSchema } from './run/preset.ts';

/**
 * bdt-gym's public API: Gymnasium 1.x conventions in TypeScript.
 *
 * @example
 * import { make } from 'bdt-gym';
 * const env = make('CartPole-v1');
 * let [obs] = env.reset({ seed: 42 });
 * for (let t = 0; t < 100; t++) {
 *   const [next, reward, terminated, truncated] = env.step(env.actionSpace.sample());
 *   obs = next;
 *   if (terminated || truncated) [obs] = env.reset();
 * }
 *
 * @module
 */
import './envs.ts';

// Core
export { checkResetArgs, Env } from './core/env.ts';
export type { Info, ResetArgs, ResetResult, StepResult, RenderMode, EnvMetadata, EnvSpec, EnvFactory, VectorEnvFactory } from './core/env.ts';
export { Wrapper, ObservationWrapper, ActionWrapper, RewardWrapper } from './core/wrapper.ts';
export { makeRng, restoreRng, subSeed, randomSeed } from './core/rng.ts';
export type { Rng } from './core/rng.ts';
export { GymError, InvalidActionError, ResetNeededError, UnregisteredEnvError, InvalidArgumentError, AttributeRefusedError, SpaceError, EnvCheckError, invalidAction, assertAction } from './core/errors.ts';
export { warn, setWarningHandler, captureWarnings } from './core/logger.ts';
export type { WarningHandler } from './core/logger.ts';
export { formatValue } from './core/format.ts';
export { KwargsError, parseKwargs, issueLines } from './core/zod-issues.ts';

// Spaces
export { Space } from './spaces/space.ts';
export type { SpaceJSON, SpaceElement, SpaceSeeds } from './spaces/space.ts';
export { Box } from './spaces/box.ts';
export type { BoxDtype, BoxElement, BoxOptions } from './spaces/box.ts';
export { Discrete } from './spaces/discrete.ts';
export type { DiscreteMask } from './spaces/discrete.ts';
export { MultiDiscrete } from './spaces/multi-discrete.ts';
export type { MultiDiscreteMask, MultiDiscreteProbability } from './spaces/multi-discrete.ts';
export { MultiBinary } from './spaces/multi-binary.ts';
export type { MultiBinaryMask } from './spaces/multi-binary.ts';
export type { Probability } from './spaces/probability.ts';
export { Dict } from './spaces/dict.ts';
export type { DictElement } from './spaces/dict.ts';
export { Tuple } from './spaces/tuple.ts';
export type { TupleElement } from './spaces/tuple.ts';
export { flatten, unflatten, flatdim, flattenSpace } from './spaces/utils.ts';
export { spaceFromJSON } from './spaces/from-json.ts';
export { elementFromJSON } from './spaces/element-from-json.ts';

// Registry
export { register, registerEntryPoint, make, spec, registry, unregister } from './registration.ts';
export type { RegisterArgs, MakeOptions, RegisteredEnvTypes, RegisteredEnv, RegisteredObservation, RegisteredAction, RegisteredKwargs, RegisteredVectorKwargs, NotBuiltIn, MadeEnv } from './registration.ts';

// Wrappers
export { TimeLimit } from './wrappers/time-limit.ts';
export { OrderEnforcing } from './wrappers/order-enforcing.ts';
export { PassiveEnvChecker } from './wrappers/passive-env-checker.ts';

export { RecordEpisodeStatistics } from './wrappers/record-episode-statistics.ts';
export type { EpisodeStatistics } from './wrappers/record-episode-statistics.ts';
export { NormalizeObservation } from './wrappers/normalize-observation.ts';
export { NormalizeReward } from './wrappers/normalize-reward.ts';
export { RunningMeanStd } from './wrappers/running-mean-std.ts';
export type { RunningStats } from './wrappers/running-mean-std.ts';
export { FlattenObservation } from './wrappers/flatten-observation.ts';
export { ClipAction } from './wrappers/clip-action.ts';
export { RescaleAction } from './wrappers/rescale-action.ts';
export { DiscretizeAction } from './wrappers/discretize-action.ts';
export { BoxAction } from './wrappers/box-action.ts';
export { TransformObservation } from './wrappers/transform-observation.ts';
export { TransformAction } from './wrappers/transform-action.ts';
export { TransformReward } from './wrappers/transform-reward.ts';
export { ClipReward } from './wrappers/clip-reward.ts';

// Vector envs
export { SyncVectorEnv } from './vector/sync-vector-env.ts';
export type { SyncVectorEnvOptions } from './vector/sync-vector-env.ts';
export { makeVec, VECTORIZATION_MODES } from './vector/make-vec.ts';
export type { MakeVecKwargs, MakeVecOptions, VectorizationMode } from './vector/make-vec.ts';
export type { VectorEnv, VectorResetArgs, VectorResetResult, VectorStepResult, AutoresetMode } from './vector/vector-env.ts';
export { AUTORESET_MODES, MAX_NUM_ENVS } from './vector/vector-env.ts';
export type { ResetMask } from './vector/reset-mask.ts';
export { batchSpace, createBatch, readBatchItem, writeBatchItem, copyBatch } from './vector/batch.ts';
export type { Batched, BatchedActions } from './vector/batch.ts';
export { addInfo } from './vector/infos.ts';
export { VectorWrapper, VectorObservationWrapper, VectorRewardWrapper } from './vector/vector-wrapper.ts';

// Vector wrappers (gymnasium.wrappers.vector): they wrap any vector env, native ones included
export { VectorRecordEpisodeStatistics } from './wrappers/vector/record-episode-statistics.ts';
export type { VectorEpisodeStatistics } from './wrappers/vector/record-episode-statistics.ts';
export { VectorFlattenObservation } from './wrappers/vector/flatten-observation.ts';
export { VectorNormalizeObservation } from './wrappers/vector/normalize-observation.ts';
export { VectorNormalizeReward } from './wrappers/vector/normalize-reward.ts';

// Checks
export { checkEnv } from './env-checker.ts';
export type { CheckEnvOptions } from './env-checker.ts';
export { dataEquivalence } from './core/data-equivalence.ts';

// Envs
export { CartPoleEnv, CartPoleKwargs } from './classic-control/cartpole.ts';
export { CartPoleVectorEnv, CartPoleVectorEnvKwargs } from './classic-control/cartpole-vector-env.ts';

// The B-DT env: single and native vector, their spaces, kwargs, info and scenario ids
export { BdtEnv, BdtEnvKwargs } from './bdt/bdt-env.ts';
export type { BdtMakeKwargs, BdtResetOptions } from './bdt/bdt-env.ts';
export { BdtVectorEnv, BdtVectorEnvKwargs } from './bdt/bdt-vector-env.ts';
export type { BdtVectorMakeKwargs } from './bdt/bdt-vector-env.ts';
export { actionSpace, decodeAction, encodeDecision } from './bdt/action.ts';
export type { BdtAction, BdtActionSpaces } from './bdt/action.ts';
export { observationSpace } from './bdt/observation.ts';
export type { BdtObservation, BdtObservationSpaces } from './bdt/observation.ts';
export type { BdtInfo, BdtSummaryInfo, BdtFullInfo, BdtFullInfoTerms, BdtResetInfo } from './bdt/info.ts';
export { registerBdtScenario, registeredBdtScenarioIds } from './bdt/register-scenario.ts';
export { EpisodeMetrics } from './bdt/episode-metrics.ts';
export type { EpisodeSummary } from './bdt/episode-metrics.ts';

// The compiled system every model function takes, and its kinds
export { REPUTATION_KINDS, CONSENSUS_MECHANISMS, BLOCK_TIME_MODES } from './bdt/system.ts';
export type { BdtSystem, SlotState, Decision, ReputationParams, ReputationKind, ConsensusMechanism, BlockTimeMode } from './bdt/system.ts';

// The model's equations (docs/MODEL.md), for agents that plan with them as DPRA does
export { apOfDevice, headFlops, tailFlops, totalFlops, cutBits, devicesPerGateway, gatewaysPerAp, partitionSpaceSize } from './bdt/topology.ts';
export { computeTime, uplinkRate, transmitTime } from './bdt/latency.ts';
export { computeEnergy, transmitEnergy, miningEnergy, budgetExcess } from './bdt/energy.ts';
export { reputationOf, workForReputation, offloadedWorkPerAp, reputations } from './bdt/reputation.ts';
export { difficulty, difficulties, miningRate, blockTime, raceWinner } from './bdt/consensus.ts';
export { createQueues, updateQueues, lyapunov, driftTerm, backlog } from './bdt/queues.ts';
export type { VirtualQueues } from './bdt/queues.ts';
export { createDecision, explainDecision } from './bdt/decision.ts';
export { createSlotOutcome, gatewaySide, apSide, slotObjective, evaluateSlot } from './bdt/slot.ts';
export type { GatewaySideOutcome, SlotOutcome } from './bdt/slot.ts';

// Exogenous traces: drawn once, replayed by reset({ options: { trace } })
export { drawTrace } from './bdt/exogenous.ts';
export type { ExogenousTrace } from './bdt/exogenous.ts';

// Scenarios: schema, parsing and overrides, compilation
export { scenarioSchema, REWARD_MODES } from './bdt/scenario/schema.ts';
export type { Scenario, ScenarioInput } from './bdt/scenario/schema.ts';
export { ScenarioError, parseScenario, mergeDeep } from './bdt/scenario/parse.ts';
export type { ScenarioOverride, PartialFields } from './bdt/scenario/parse.ts';
export { compileScenario } from './bdt/scenario/compile.ts';
export type { CompiledScenario, ExogenousModel, PerNodeProcess, RewardMode, RewardSettings } from './bdt/scenario/compile.ts';
export { scenarioJsonSchema, scenarioJsonSchemaText } from './bdt/scenario/json-schema.ts';

// DNN profiles (docs/DNN-PROFILES.md): specs, profiling, the built-in zoo
export { dnnSpecSchema, scenarioDnnSpecSchema, layerSchema, primitiveLayerSchema, activationFunctions } from './bdt/dnn/index.ts';
export type { DnnSpec, DnnSpecInput, ScenarioDnnSpecInput, LayerSpec, LayerSpecInput, PrimitiveLayerSpec, ActivationFunction, Padding } from './bdt/dnn/index.ts';
export { profileFromSpec, packProfiles, profileFromLayersModel, resolveDnnProfile } from './bdt/dnn/index.ts';
export type { DnnProfile, DnnUnitProfile, FlopsConvention, ProfileOptions, PackedProfiles, LayersModelProfileOptions, DnnReference } from './bdt/dnn/index.ts';
export { builtinDnnNames, getBuiltinDnn, isBuiltinDnnName } from './bdt/dnn/index.ts';
export type { BuiltinDnnName } from './bdt/dnn/index.ts';
export { DnnShapeError, DnnSpecError } from './bdt/dnn/index.ts';
export type { SpecPath } from './bdt/dnn/index.ts';

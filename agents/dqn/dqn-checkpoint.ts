/** Saving and restoring DQN runs and policies (see checkpoint/checkpoint.ts for the layout). */
import type { ActContext } from '../../baselines/agent.ts';
import type { Env } from '../../env/core/env.ts';
import { GymError } from '../../env/core/errors.ts';
import { DiscretizeAction } from '../../env/wrappers/discretize-action.ts';
import { assertAlgo, assertSameSpaces, buildFromCheckpoint, CheckpointError, checkpointHyperparameters, loadCheckpoint, requireAdamState, restoreObservationStats, saveCheckpoint, takeNetwork, type LoadedCheckpoint, type RunProvenance } from '../checkpoint/checkpoint.ts';
import { checkpointDirOf } from '../checkpoint/checkpoint-dir.ts';
import { assertNetworkArchitecture } from '../checkpoint/network-architecture.ts';
import type { TrainedEnv } from '../checkpoint/trained-scenario.ts';
import { cpuSharesActionSpace, solvedSharesAction } from '../cpu-shares.ts';
import { ActionLayout } from '../nn/action-layout.ts';
import { DenseStack } from '../nn/mlp.ts';
import { ObservationEncoder } from '../nn/observation-encoder.ts';
import { BranchingQNetwork } from './branching-q-network.ts';
import type { DqnRestoreState, DqnTrainer } from './dqn-trainer.ts';
import { DqnHyperparametersSchema, type DqnHyperparameters } from './hyperparameters.ts';

/** `env`, wrapped in DiscretizeAction when its action space has continuous parts. */
export function discreteActionEnv(env: Env<unknown, unknown>, levels: number): Env<unknown, unknown> {
  return new ActionLayout(env.actionSpace).continuousDims > 0 ? new DiscretizeAction(env, levels) : env;
}

/** Save the trainer's full state to `dir`; `provenance` (what saves it), when given, goes in the manifest as is. */
export async function saveDqnCheckpoint(dir: string, trainer: DqnTrainer, trainedOn: TrainedEnv, seed: number, provenance?: RunProvenance): Promise<void> {
  if (trainer.qNetwork.isDisposed || trainer.targetNetwork.isDisposed) throw new GymError('saveDqnCheckpoint: the trainer was disposed (its networks were freed); save before dispose()');
  const adam = trainer.optimizer.getState();
  await saveCheckpoint(dir, {
    algo: 'dqn',
    envId: trainedOn.id,
    scenario: trainedOn.scenario,
    observationSpace: trainer.encoder.space.toJSON(),
    actionSpace: trainedOn.actionSpace.toJSON(),
    hyperparameters: trainer.hp,
    counters: { ...trainer.counters, adamStep: adam.step },
    seed,
    rngState: trainer.rng.state(),
    observationStats: trainer.encoder.stats() ?? null,
    networks: { q_network: trainer.qNetwork.net.model, target_network: trainer.targetNetwork.net.model },
    arrays: { 'adam.m': adam.m, 'adam.v': adam.v },
    provenance,
  });
}

/**
 * Network `name` of `checkpoint`, taken from it, for an action space of branch sizes `nvec`;
 * a CheckpointError when it lacks the network or its layers contradict `hp` (while the checkpoint
 * still owns it, so buildFromCheckpoint disposes it).
 */
function networkFrom(checkpoint: LoadedCheckpoint, name: string, nvec: Int32Array, hp: DqnHyperparameters): BranchingQNetwork {
  const loaded = checkpoint.networks[name];
  if (loaded === undefined) throw new CheckpointError(`checkpoint ${checkpoint.dir} lacks the ${name} network`);
  // BranchingQNetwork.create builds every trunk with ReLU; DQN has no activation hyperparameter.
  assertNetworkArchitecture(checkpoint.dir, name, loaded, { hidden: hp.hidden, activation: { value: 'relu', rule: "DQN Q networks use 'relu'" } });
  const model = takeNetwork(checkpoint, name)!;
  try {
    return new BranchingQNetwork(new DenseStack(model), nvec, hp.dueling);
  } catch (error) {
    model.dispose();
    throw new CheckpointError(`checkpoint ${checkpoint.dir} does not fit this env: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The acting parts of a DQN checkpoint for `env` (raw action space), plus how to map actions back. */
export interface LoadedDqnPolicy {
  readonly hp: DqnHyperparameters;
  readonly qNetwork: BranchingQNetwork;
  readonly encoder: ObservationEncoder;
  /** Layout of the discrete (possibly discretised) action space. */
  readonly layout: ActionLayout;
  /**
   * Maps a discrete action to the action of the env acted in (`context.env` when given): undone
   * discretisation, or with cpuShares 'solved' DPRA's shares for the partition; identity otherwise.
   */
  readonly toEnvAction: (action: unknown, context?: ActContext) => unknown;
  readonly checkpoint: LoadedCheckpoint;
}

/**
 * Load the Q network of `runOrCheckpointDir` (a checkpoint directory, or a `train` run directory
 * holding one in `checkpoint/`) for `env`, to act: the checkpoint's target network, needed only
 * to train, is freed, so the returned parts are all there is to dispose (`qNetwork`).
 */
export async function loadDqnPolicy(runOrCheckpointDir: string, env: Env<unknown, unknown>): Promise<LoadedDqnPolicy> {
  const policy = await loadDqnParts(runOrCheckpointDir, env);
  takeNetwork(policy.checkpoint, 'target_network')?.dispose();
  return policy;
}

/** The acting parts of the run or checkpoint directory `runOrCheckpointDir` for `env`, its target network left in the checkpoint (for {@link loadDqnRun}). */
async function loadDqnParts(runOrCheckpointDir: string, env: Env<unknown, unknown>): Promise<LoadedDqnPolicy> {
  const checkpoint = await loadCheckpoint(checkpointDirOf(runOrCheckpointDir));
  return buildFromCheckpoint(checkpoint, () => dqnPolicyFrom(checkpoint, env));
}

/** The layout of the actions a DQN policy of `hp` picks in `env`, and how they map to `env`'s. */
function dqnActionMap(checkpoint: LoadedCheckpoint, env: Env<unknown, unknown>, hp: DqnHyperparameters): Pick<LoadedDqnPolicy, 'layout' | 'toEnvAction'> {
  if (hp.cpuShares === 'solved') {
    // the policy acts in the partition alone: nothing to discretise
    try {
      return { layout: new ActionLayout(cpuSharesActionSpace(env.actionSpace, hp.cpuShares)), toEnvAction: solvedSharesAction(`checkpoint ${checkpoint.dir}`, env) };
    } catch (error) {
      throw new CheckpointError(`checkpoint ${checkpoint.dir} does not fit this env: ${(error as Error).message}`);
    }
  }
  const discrete = discreteActionEnv(env, hp.actionLevels);
  return { layout: new ActionLayout(discrete.actionSpace), toEnvAction: discrete instanceof DiscretizeAction ? (a: unknown) => discrete.action(a) : (a: unknown) => a };
}

/** The acting parts of `checkpoint` for `env`; its Q network is taken (the target network stays in the checkpoint). */
function dqnPolicyFrom(checkpoint: LoadedCheckpoint, env: Env<unknown, unknown>): LoadedDqnPolicy {
  const dir = checkpoint.dir;
  assertAlgo(checkpoint, 'dqn');
  assertSameSpaces(checkpoint, env.observationSpace, env.actionSpace);
  const hp = checkpointHyperparameters(checkpoint, DqnHyperparametersSchema);
  const { layout, toEnvAction } = dqnActionMap(checkpoint, env, hp);
  const encoder = new ObservationEncoder(env.observationSpace, hp.normObs, hp.clipObs);
  restoreObservationStats(checkpoint, encoder);
  const qNetwork = networkFrom(checkpoint, 'q_network', layout.nvec, hp);
  if (qNetwork.net.inputDim !== encoder.dim) {
    qNetwork.dispose();
    throw new CheckpointError(`checkpoint ${dir}: Q network takes ${qNetwork.net.inputDim} inputs, the observation space flattens to ${encoder.dim}`);
  }
  return { hp, qNetwork, encoder, layout, toEnvAction, checkpoint };
}

/** Everything needed to resume the DQN run saved in `runOrCheckpointDir` (a checkpoint directory, or a `train` run directory's) for `env` (raw action space). */
export async function loadDqnRun(runOrCheckpointDir: string, env: Env<unknown, unknown>): Promise<{ hp: DqnHyperparameters; restore: DqnRestoreState; seed: number }> {
  const policy = await loadDqnParts(runOrCheckpointDir, env);
  const { checkpoint, hp, layout, qNetwork, encoder } = policy;
  const dir = checkpoint.dir;
  const taken: BranchingQNetwork[] = [qNetwork];
  try {
    return buildFromCheckpoint(checkpoint, () => {
      const targetNetwork = networkFrom(checkpoint, 'target_network', layout.nvec, hp);
      taken.push(targetNetwork);
      const size = qNetwork.net.variables.reduce((sum, v) => sum + v.size, 0);
      const c = checkpoint.manifest.counters;
      for (const key of ['gradientSteps', 'resumes']) {
        if (c[key] === undefined) throw new CheckpointError(`checkpoint ${dir}: counters.${key} is missing`);
      }
      return {
        hp,
        seed: checkpoint.manifest.seed,
        restore: {
          qNetwork,
          targetNetwork,
          encoder,
          counters: { globalStep: c.globalStep, gradientSteps: c['gradientSteps']!, resumes: c['resumes']! },
          rngState: checkpoint.manifest.rngState,
          optimizerState: requireAdamState(checkpoint, size),
        },
      };
    });
  } catch (error) {
    for (const network of taken) network.dispose(); // those left in the checkpoint are disposed by buildFromCheckpoint
    throw error;
  }
}

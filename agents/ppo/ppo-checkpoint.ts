/** Saving and restoring PPO runs and policies (see checkpoint/checkpoint.ts for the layout). */
import { join } from 'node:path';
import { GymError } from '../../env/core/errors.ts';
import type { Space } from '../../env/spaces/space.ts';
import type { RunningStats } from '../../env/wrappers/running-mean-std.ts';
import { assertAlgo, assertSameSpaces, buildFromCheckpoint, CheckpointError, disposingOnError, checkpointHyperparameters, loadCheckpoint, MANIFEST_FILE, requireAdamState, restoreObservationStats, saveCheckpoint, STATE_FILE, takeNetwork, type LoadedCheckpoint, type RunProvenance } from '../checkpoint/checkpoint.ts';
import { checkpointDirOf } from '../checkpoint/checkpoint-dir.ts';
import { assertNetworkArchitecture } from '../checkpoint/network-architecture.ts';
import type { TrainedEnv } from '../checkpoint/trained-scenario.ts';
import { cpuSharesActionSpace } from '../cpu-shares.ts';
import { PpoHyperparametersSchema, type PpoHyperparameters } from './hyperparameters.ts';
import { PpoPolicy } from './ppo-policy.ts';
import type { PpoRestoreState, PpoTrainer } from './ppo-trainer.ts';
import { stepsPerCall } from '../steps-per-call.ts';

/** Save the trainer's full state to `dir`; `provenance` (what saves it), when given, goes in the manifest as is. */
export async function savePpoCheckpoint(dir: string, trainer: PpoTrainer, trainedOn: TrainedEnv, seed: number, provenance?: RunProvenance): Promise<void> {
  const policy = trainer.policy;
  if (policy.isDisposed) throw new GymError('savePpoCheckpoint: the trainer was disposed (its networks were freed); save before dispose()');
  const adam = trainer.optimizer.getState();
  await saveCheckpoint(dir, {
    algo: 'ppo',
    envId: trainedOn.id,
    scenario: trainedOn.scenario,
    observationSpace: policy.encoder.space.toJSON(),
    actionSpace: trainedOn.actionSpace.toJSON(),
    hyperparameters: trainer.hp,
    counters: { ...trainer.counters, adamStep: adam.step },
    seed,
    rngState: trainer.rng.state(),
    observationStats: policy.encoder.stats() ?? null,
    rewardStats: trainer.rewardStats() ?? null,
    networks: { actor: policy.actor.model, critic: policy.critic.model },
    arrays: { logStd: policy.logStdValues(), 'adam.m': adam.m, 'adam.v': adam.v },
    provenance,
  });
}

/**
 * Bound of |logStd|: a standard deviation from e^-30 to e^30 (1e-13 to 1e13 times the [-1, 1]
 * action range). Training starts it in [-20, 2] (initLogStd); far beyond, exp(logStd) overflows
 * and the policy's actions are NaN.
 */
const LOG_STD_LIMIT = 30;

/** A CheckpointError naming the value and index of a logStd beyond {@link LOG_STD_LIMIT}. */
function checkLogStd(checkpoint: LoadedCheckpoint): void {
  const logStd = checkpoint.arrays['logStd'] ?? new Float32Array(0);
  const bad = logStd.findIndex((x) => Math.abs(x) > LOG_STD_LIMIT);
  if (bad >= 0) throw new CheckpointError(`checkpoint file ${join(checkpoint.dir, STATE_FILE)}: array 'logStd' has value ${logStd[bad]} at index ${bad} (must be within [-${LOG_STD_LIMIT}, ${LOG_STD_LIMIT}]; training starts it in [-20, 2])`);
}

/** The policy stored in a loaded PPO checkpoint, for an env with the given spaces (the env's own, also with cpuShares 'solved'). */
function policyFrom(checkpoint: LoadedCheckpoint, hp: PpoHyperparameters, observationSpace: Space<unknown>, actionSpace: Space<unknown>): PpoPolicy {
  assertSameSpaces(checkpoint, observationSpace, actionSpace);
  if (checkpoint.networks['actor'] === undefined || checkpoint.networks['critic'] === undefined) throw new CheckpointError(`checkpoint ${checkpoint.dir} lacks the actor or critic network`);
  checkLogStd(checkpoint);
  // Checked while the checkpoint still owns the networks: buildFromCheckpoint disposes them on a throw.
  for (const name of ['actor', 'critic']) {
    assertNetworkArchitecture(checkpoint.dir, name, checkpoint.networks[name]!, { hidden: hp.hidden, activation: { value: hp.activation, field: 'hyperparameters.activation' } });
  }
  const actor = takeNetwork(checkpoint, 'actor')!;
  const critic = takeNetwork(checkpoint, 'critic')!;
  let policy: PpoPolicy;
  try {
    const logStd = checkpoint.arrays['logStd'];
    policy = PpoPolicy.fromNetworks(observationSpace, cpuSharesActionSpace(actionSpace, hp.cpuShares), hp, actor, critic, logStd);
  } catch (error) {
    actor.dispose();
    critic.dispose();
    throw new CheckpointError(`checkpoint ${checkpoint.dir} does not fit this env: ${error instanceof Error ? error.message : String(error)}`);
  }
  disposingOnError([policy], () => restoreObservationStats(checkpoint, policy.encoder));
  return policy;
}

/**
 * The saved reward statistics to resume with, checked against `normReward`; undefined when not
 * normalising rewards.
 */
function rewardStatsOf(checkpoint: LoadedCheckpoint, normReward: boolean): RunningStats | undefined {
  const stats = checkpoint.manifest.rewardStats;
  // Checkpoints saved before the statistics were kept lack the field: they restart fresh, as every
  // resume did then (train notes it on stderr).
  if (stats === undefined) return undefined;
  const where = `checkpoint manifest ${join(checkpoint.dir, MANIFEST_FILE)}`;
  if (stats === null) {
    if (normReward) throw new CheckpointError(`${where}: rewardStats is null, but hyperparameters.normReward is true`);
    return undefined;
  }
  if (!normReward) throw new CheckpointError(`${where}: rewardStats is given, but hyperparameters.normReward is false`);
  return stats;
}

/** The hyperparameters of a PPO checkpoint; a CheckpointError for another algorithm's. */
function ppoHyperparameters(checkpoint: LoadedCheckpoint): PpoHyperparameters {
  assertAlgo(checkpoint, 'ppo');
  return checkpointHyperparameters(checkpoint, PpoHyperparametersSchema);
}

/**
 * A deterministic-use policy from `runOrCheckpointDir` (a checkpoint directory, or a `train` run
 * directory holding one in `checkpoint/`) for an env with these spaces.
 */
export async function loadPpoPolicy(runOrCheckpointDir: string, observationSpace: Space<unknown>, actionSpace: Space<unknown>): Promise<PpoPolicy> {
  const checkpoint = await loadCheckpoint(checkpointDirOf(runOrCheckpointDir));
  return buildFromCheckpoint(checkpoint, () => policyFrom(checkpoint, ppoHyperparameters(checkpoint), observationSpace, actionSpace));
}

/** Everything needed to resume the run saved in `runOrCheckpointDir` (a checkpoint directory, or a `train` run directory's), plus its hyperparameters. */
export async function loadPpoRun(runOrCheckpointDir: string, observationSpace: Space<unknown>, actionSpace: Space<unknown>): Promise<{ hp: PpoHyperparameters; restore: PpoRestoreState; seed: number }> {
  const checkpoint = await loadCheckpoint(checkpointDirOf(runOrCheckpointDir));
  const dir = checkpoint.dir;
  const hp = buildFromCheckpoint(checkpoint, () => ppoHyperparameters(checkpoint));
  const policy = buildFromCheckpoint(checkpoint, () => policyFrom(checkpoint, hp, observationSpace, actionSpace));
  const size = policy.variables.reduce((sum, v) => sum + v.size, 0);
  const c = checkpoint.manifest.counters;
  const optimizerState = disposingOnError([policy], () => {
    for (const key of ['iteration', 'resumes']) {
      if (c[key] === undefined) throw new CheckpointError(`checkpoint ${dir}: counters.${key} is missing`);
    }
    // every iteration trains one rollout: a globalStep edited apart from it (1000 at iteration 4 of 512
    // steps) resumed past the learning-rate schedule's end, at learning rate 0 throughout, unsaid
    const rollout = stepsPerCall('ppo', hp);
    if (c.globalStep !== c['iteration']! * rollout) {
      throw new CheckpointError(`checkpoint ${dir}: counters.globalStep ${c.globalStep} is not counters.iteration ${c['iteration']} times the rollout of hyperparameters.numEnvs x numSteps = ${hp.numEnvs} x ${hp.numSteps} = ${rollout} env steps (${c['iteration']! * rollout}); the manifest was edited`);
    }
    return requireAdamState(checkpoint, size);
  });
  const rewardStats = disposingOnError([policy], () => rewardStatsOf(checkpoint, hp.normReward));
  return {
    hp,
    seed: checkpoint.manifest.seed,
    restore: {
      policy,
      counters: { globalStep: c.globalStep, iteration: c['iteration']!, resumes: c['resumes']! },
      rngState: checkpoint.manifest.rngState,
      optimizerState,
      rewardStats,
    },
  };
}

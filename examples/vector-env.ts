/**
 * Vector envs: several copies of an env stepped together, with batched observations, rewards and
 * infos, and Gymnasium 1.x's next-step autoreset (the default; `autoresetMode: 'same-step'` and
 * `'disabled'` are the other two). First CartPole-v1 (episodes end at different
 * times, so autoreset is visible), then BDT-v0 (Dict observations and the mixed action space),
 * then BDT-v0 as a learner sees it, through vector wrappers.
 *
 * Run: npx tsx examples/vector-env.ts [--envs 4] [--steps 300] [--seed 0]
 */
import { exampleArgs, integerArg } from './args.ts';
import { makeVec, RecordEpisodeStatistics, VectorFlattenObservation, VectorNormalizeObservation, VectorRecordEpisodeStatistics } from 'bdt-gym';

const args = exampleArgs('usage: npx tsx examples/vector-env.ts [--envs 4] [--steps 300] [--seed 0]', { envs: '4', steps: '300', seed: '0' });
const numEnvs = integerArg('envs', args.envs, 1);
const steps = integerArg('steps', args.steps, 1);
const seed = integerArg('seed', args.seed, 0);

// 1. makeVec (gymnasium.make_vec) in sync mode: numEnvs copies, each made by make() and then
//    wrapped, here by RecordEpisodeStatistics, which adds info.episode = {r, l, t} when an
//    episode ends. reset({seed}) seeds env i with seed + i. (Without vectorizationMode: 'sync',
//    makeVec builds CartPoleVectorEnv, CartPole's native vector env, as Gymnasium's make_vec
//    does; it takes no per-env wrappers.)
const cartpoles = makeVec('CartPole-v1', numEnvs, { vectorizationMode: 'sync', wrappers: [(env) => new RecordEpisodeStatistics(env)] });
cartpoles.actionSpace.seed(seed);
let [obs] = cartpoles.reset({ seed });
// Batched Box observations are one flat typed array, env-major: env i's state is
// obs.subarray(4 i, 4 i + 4); the batched space carries the shape [numEnvs, 4].
console.log(`CartPole-v1 x ${numEnvs}: observation ${obs.constructor.name}(${obs.length}), batched space shape [${cartpoles.observationSpace.shape.join(', ')}]`);

// 2. Next-step autoreset. When env i ends on step t (terminated or truncated), step t returns
//    its last observation and the episode's info. It is NOT reset yet: on step t + 1 its action
//    is ignored, it is reset, and that step reports reward 0, terminated = truncated = 0 and the
//    first observation of the new episode. So a learner must not bootstrap across the step
//    after a done, and must not treat that reset step as a transition (CleanRL's PPO masks it).
const endedLastStep = new Uint8Array(numEnvs);
let autoresetSteps = 0;
let autoresetRewardSum = 0;
const returns: number[] = [];
for (let t = 0; t < steps; t++) {
  const actions = cartpoles.actionSpace.sample(); // Int32Array(numEnvs): one Discrete action per env
  const [next, rewards, terminated, truncated, infos] = cartpoles.step(actions);
  for (let i = 0; i < numEnvs; i++) {
    if (endedLastStep[i]) {
      autoresetSteps++;
      autoresetRewardSum += rewards[i]!;
    }
    endedLastStep[i] = terminated[i]! | truncated[i]!;
  }
  // Vector infos: each key holds an array over envs and a mask `_key` saying which envs set it.
  const episode = infos['episode'] as { r: Float64Array; l: Float64Array; _r: Uint8Array } | undefined;
  if (episode) for (let i = 0; i < numEnvs; i++) if (episode._r[i]) returns.push(episode.r[i]!);
  obs = next;
}
cartpoles.close();
console.log(`${returns.length} episodes finished, mean return ${(returns.reduce((a, b) => a + b, 0) / Math.max(returns.length, 1)).toFixed(1)} (random policy)`);
console.log(`autoreset steps: ${autoresetSteps}, their reward sum: ${autoresetRewardSum}`);

// 3. BDT-v0 in a vector env. The B-DT ids register a native vector form (Gymnasium's
//    vector_entry_point), so makeVec builds a BdtVectorEnv: the same episodes as a SyncVectorEnv
//    of BdtEnvs, stepped in one call on batched arrays (pass vectorizationMode: 'sync' for the
//    SyncVectorEnv and its per-env wrappers). Dict observations batch per key: obs.H is
//    Float32Array(numEnvs * J), env i's queues at [i J, (i + 1) J). Actions batch the same way:
//    partition is Int32Array(numEnvs * N), inferenceShare Float64Array(numEnvs * M), miningShare
//    Float64Array(numEnvs * J). The env ends by truncation after T slots, like a TimeLimit.
const bdts = makeVec('BDT-v0', numEnvs, { kwargs: { scenario: { slots: 20 } } });
bdts.actionSpace.seed(seed);
const [bdtObs] = bdts.reset({ seed });
const J = bdtObs.H.length / numEnvs;
console.log(`\nBDT-v0 x ${numEnvs}: obs.H Float32Array(${bdtObs.H.length}) = ${numEnvs} envs x ${J} APs, obs.arrivals Float32Array(${bdtObs.arrivals.length})`);
let truncations = 0;
const meanLatency = new Float64Array(numEnvs);
for (let t = 0; t < 20; t++) {
  const [, , , truncated, infos] = bdts.step(bdts.actionSpace.sample());
  const latency = infos['chargedLatency'] as Float64Array; // numeric info keys batch to Float64Array
  for (let i = 0; i < numEnvs; i++) meanLatency[i]! += latency[i]! / 20;
  truncations += truncated.reduce((a, b) => a + b, 0);
}
bdts.close();
// Each env has its own seed (seed + i), hence its own arrivals and fades: different latencies.
console.log(`mean latency per env (s): [${Array.from(meanLatency, (x) => x.toFixed(4)).join(', ')}]; truncations after 20 slots: ${truncations}`);

// 4. What a learner wants: flat, normalised rows and episode returns. Per-env wrappers cannot go
//    inside the native BdtVectorEnv, so wrap the vector env itself (gymnasium.wrappers.vector):
//    VectorFlattenObservation gives a [numEnvs, flatdim] Box batch (row i = flatten(obs_i)),
//    VectorNormalizeObservation running-normalises it, VectorRecordEpisodeStatistics adds
//    infos.episode = {r, l, t} where infos._episode marks the envs that ended, and emits each
//    episode on the rxjs stream episodes$.
const learnerView = new VectorRecordEpisodeStatistics(
  new VectorNormalizeObservation(new VectorFlattenObservation(makeVec('BDT-v0', numEnvs, { kwargs: { scenario: { slots: 10 } } }))),
);
const episodeReturns: number[] = [];
learnerView.episodes$.subscribe((episode) => episodeReturns.push(episode.r));
learnerView.actionSpace.seed(seed);
const [rows] = learnerView.reset({ seed });
console.log(`\nBDT-v0 x ${numEnvs} through vector wrappers: rows Float32Array(${rows.length}) = ${numEnvs} envs x ${rows.length / numEnvs} numbers`);
// 2 episodes of 10 slots, plus the next-step autoreset step between them
for (let t = 0; t < 21; t++) learnerView.step(learnerView.actionSpace.sample());
learnerView.close();
console.log(`episodes recorded: ${episodeReturns.length}, mean return ${(episodeReturns.reduce((a, b) => a + b, 0) / episodeReturns.length).toFixed(2)} (random policy, 10 slots)`);

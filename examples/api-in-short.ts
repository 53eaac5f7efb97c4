import { make, makeVec } from 'bdt-gym';
import { createAgent, runEpisode } from 'bdt-gym/baselines';

const env = make('BDT-v0'); // checker -> order enforcing, as gymnasium.make (the env truncates at T itself)
let [obs, info] = env.reset({ seed: 42 });
let episodeReturn = 0;
for (let t = 0; t < 100; t++) {
  const action = env.actionSpace.sample(); // { partition: Int32Array, inferenceShare, miningShare }
  const [next, reward, terminated, truncated, stepInfo] = env.step(action);
  episodeReturn += reward; // -Psi(t); stepInfo.latency is tau(t) (s), stepInfo.reputation U_j(t)
  [obs, info] = [next, stepInfo];
  if (terminated || truncated) [obs, info] = env.reset();
}
console.log(`return ${episodeReturn.toFixed(1)} over slots 0-${info['slot']}; queues H now ${obs.H.join(', ')}`);
env.close();

// one whole episode of an agent, summarised as `run` and `compare` summarise it (EpisodeSummary:
// meanLatency, meanReward, avgReputation, c6Violation, energyViolations, meanBacklog, ...; in a
// loop of your own, EpisodeMetrics gives the same: add(reward, info) each step, then summary())
const tuned = make('BDT-v0', { scenario: { lyapunov: { V: 50 } } }); // a partial scenario, merged into BDT-v0's
const summary = runEpisode(tuned, await createAgent('dpra', tuned), 1); // seed 1: the trace of compare --seeds 1
console.log(`DPRA at V = 50: mean latency ${summary.meanLatency.toFixed(4)} s, C6 violation ${summary.c6Violation.toFixed(4)}`);
tuned.close();

// gymnasium.make_vec: the B-DT ids register a native vector form (BdtVectorEnv), 16 copies
// stepped in one call on batched typed arrays, env i seeded with 42 + i
const envs = makeVec('BDT-v0', 16);
const [batch] = envs.reset({ seed: 42 }); // batch.arrivals: Float32Array(16 * N), env-major
console.log(`16 envs, ${batch.arrivals.length / 16} devices each`);

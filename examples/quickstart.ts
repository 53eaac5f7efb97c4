/**
 * Quickstart: one episode of the B-DT environment with random actions, then the same episode
 * (same seed, hence the same arrivals, fades and energy budgets) with the DPRA agent.
 *
 * Run: npx tsx examples/quickstart.ts [--slots 200] [--seed 42]
 */
import { exampleArgs, integerArg } from './args.ts';
import { make, type BdtAction, type BdtEnv, type BdtObservation, type Env, type Info } from 'bdt-gym';
import { createAgent } from 'bdt-gym/baselines';

const args = exampleArgs('usage: npx tsx examples/quickstart.ts [--slots 200] [--seed 42]', { slots: '200', seed: '42' });
const slots = integerArg('slots', args.slots, 1);
const seed = integerArg('seed', args.seed, 0);

// 1. make() builds the env as gymnasium.make does: BdtEnv inside PassiveEnvChecker, then
//    OrderEnforcing (step before reset is an error). The second argument holds the env's keyword
//    arguments; `scenario` is a partial override deep-merged into configs/default.json.
const env: Env<BdtObservation, BdtAction> = make('BDT-v0', { scenario: { slots } });
console.log(`observation space: ${env.observationSpace.toString()}`);
console.log(`action space:      ${env.actionSpace.toString()}`);
// env.unwrapped is the BdtEnv itself: its compiled `system` holds every model parameter.
const { V, N, M, J } = (env.unwrapped as BdtEnv).system;
console.log(`${N} devices, ${M} gateways, ${J} APs, V = ${V}`);

// 2. reset returns [observation, info]. The observation is a Dict of float32 Boxes: the virtual
//    queues H and G, received SNR per gateway, arrivals per device, energy budgets, last
//    reputations, and progress t / T. The seed fixes every exogenous random stream.
let [obs, info] = env.reset({ seed });
console.log(`\nslot 0: arrivals D_n = [${Array.from(obs.arrivals).join(', ')}] data points, SNR = [${Array.from(obs.gain, (g) => g.toFixed(1)).join(', ')}] dB`);

// 3. A loop with random actions. An action is {partition: Int32Array (k means the bottom k + 1
//    units run on the gateway), inferenceShare: Float64Array per gateway, miningShare:
//    Float64Array per AP} (shares of the AP's CPU clock). Seeding the action space makes the
//    sample reproducible. step returns [obs, reward, terminated, truncated, info] like Gymnasium.
env.actionSpace.seed(seed);
let randomLatency = 0;
let steps = 0;
let worstIdentityError = 0; // |reward - (-Psi)|: in the default 'dpp' mode the reward is -Psi(t)
for (;;) {
  const [next, reward, terminated, truncated, stepInfo] = env.step(env.actionSpace.sample());
  if (steps < 3) describeSlot(reward, stepInfo);
  randomLatency += stepInfo['chargedLatency'] as number; // tau, capped at reward.latencyCap as in the reward
  steps++;
  // Psi(t) = V tau(t) + drift: the penalty V tau (tau capped at reward.latencyCap) plus the
  // queue-weighted reputation terms sum_j [H_j (U_j - U^max) + G_j (U^min - U_j)].
  worstIdentityError = Math.max(worstIdentityError, Math.abs(reward + V * (stepInfo['chargedLatency'] as number) + (stepInfo['drift'] as number)));
  // The env never terminates; it truncates after T slots. Gymnasium's rule: stop (or reset) on either.
  if (terminated || truncated) break;
  obs = next;
}
console.log(`\nrandom: ${steps} slots, mean latency ${(randomLatency / steps).toFixed(4)} s`);
console.log(`max |reward + V*chargedLatency + drift| = ${worstIdentityError.toExponential(2)}`);

/** What one step's info holds: every term of the slot (docs/MODEL.md names them). */
function describeSlot(reward: number, stepInfo: Info): void {
  const reputation = Array.from(stepInfo['reputation'] as Float64Array, (u) => u.toFixed(3)).join(', ');
  console.log(
    `slot ${stepInfo['slot']}: reward ${reward.toFixed(3)} = -Psi; latency tau ${(stepInfo['latency'] as number).toFixed(3)} s ` +
      `(inference ${(stepInfo['inferenceLatency'] as number).toFixed(3)} s + block ${(stepInfo['blockTime'] as number).toFixed(3)} s); ` +
      `penalty V tau ${(stepInfo['penalty'] as number).toFixed(3)}, drift ${(stepInfo['drift'] as number).toFixed(3)}; U_j = [${reputation}]; ` +
      `energy over budget: ${stepInfo['gatewayViolations']} gateway(s), ${stepInfo['apViolations']} AP(s)`,
  );
}

// 4. The same episode with DPRA. createAgent(name, env) builds any registered agent; act() takes
//    the observation and a context with the info and the env (scripted optimisers read the
//    system model and the queues from env.unwrapped). Resetting the env with the same seed
//    replays the same trace: the comparison is paired, the difference is the policy's.
const dpra = await createAgent('dpra', env);
dpra.reset(seed);
[obs, info] = env.reset({ seed });
let dpraLatency = 0;
steps = 0;
for (;;) {
  const action = dpra.act(obs, { info, env }) as BdtAction;
  const [next, reward, terminated, truncated, stepInfo] = env.step(action);
  if (steps === 0) {
    console.log(`\nDPRA's first action: partition l_n - 1 = [${Array.from(action.partition).join(', ')}], inference shares [${Array.from(action.inferenceShare, (s) => s.toFixed(2)).join(', ')}], mining shares [${Array.from(action.miningShare, (s) => s.toFixed(2)).join(', ')}]`);
    describeSlot(reward, stepInfo);
  }
  dpraLatency += stepInfo['chargedLatency'] as number;
  steps++;
  if (terminated || truncated) break;
  [obs, info] = [next, stepInfo];
}
console.log(`\ndpra: ${steps} slots, mean latency ${(dpraLatency / steps).toFixed(4)} s`);
dpra.dispose?.();
env.close();

/**
 * Tutorial exercise 3 (docs/TUTORIAL.md §8, answered in docs/TUTORIAL-ANSWERS.md): tighten C6 to
 * U^min = 0.35 on examples/custom-scenario.ts's plant and ask, per AP, whether any policy can meet
 * it. Two episodes on the same trace:
 * - DPRA, printing G_j as the episode goes (a queue that grows linearly is a bound DPRA cannot meet);
 * - the reputation ceiling: WDPO with every DT offloading all but its first unit (l_n = 1), which
 *   gives every AP its largest O_j, hence its largest U_j = g(O_j), in every slot at once. Where
 *   that episode's average U_j is below U^min, no policy meets the bound on this trace.
 *
 * Run: npx tsx examples/solutions/exercise-3-reputation-ceiling.ts [--slots 100] [--seed 7] [--u-min 0.35]
 */
import { exampleArgs, integerArg, numberArg } from '../args.ts';
import { make, type BdtAction, type BdtEnv, type BdtInfo, type BdtObservation, type DnnSpecInput, type Env } from 'bdt-gym';
import { createAgent } from 'bdt-gym/baselines';

const usage = 'usage: npx tsx examples/solutions/exercise-3-reputation-ceiling.ts [--slots 100] [--seed 7] [--u-min 0.35]';
const args = exampleArgs(usage, { slots: '100', seed: '7', 'u-min': '0.35' });
const slots = integerArg('slots', args.slots, 1);
const seed = integerArg('seed', args.seed, 0);
const uMinAsked = numberArg('u-min', args['u-min'], { positive: true });

// examples/custom-scenario.ts's plant, word for word (that example runs when imported), with the
// exercise's tighter lower bound: devices 3, 4 and 11 run the small vibration CNN, U^max = 0.6.
const vibrationCnn: DnnSpecInput = {
  name: 'vibration-cnn',
  description: 'Bearing-fault classifier over 1024 x 3 accelerometer windows (4 classes)',
  inputShape: [1024, 3],
  units: [
    { name: 'conv1', layers: [{ kind: 'conv1d', filters: 16, kernel: 9, stride: 2, padding: 'same' }, { kind: 'relu' }, { kind: 'maxPool1d', pool: 2 }] },
    { name: 'conv2', layers: [{ kind: 'conv1d', filters: 32, kernel: 7, padding: 'same' }, { kind: 'relu' }, { kind: 'maxPool1d', pool: 4 }] },
    { name: 'conv3', layers: [{ kind: 'conv1d', filters: 64, kernel: 5, padding: 'same' }, { kind: 'relu' }, { kind: 'maxPool1d', pool: 4 }] },
    { name: 'head', layers: [{ kind: 'globalAvgPool' }, { kind: 'dense', units: 4 }] },
  ],
};
const override = {
  name: 'vibration-plant',
  slots,
  dnns: { 'vibration-cnn': vibrationCnn },
  devices: { dnn: ['alexnet', 'resnet18', 'mobilenetv2', 'vibration-cnn', 'vibration-cnn', 'alexnet', 'resnet18', 'mobilenetv2', 'alexnet', 'alexnet', 'mobilenetv2', 'vibration-cnn'] },
  lyapunov: { uMax: 0.6, uMin: uMinAsked },
};
// make('BDT-v0', { scenario: override }) merges it into BDT-v0 and validates it (a bad --u-min,
// e.g. above U^max, is refused there with the field named).
const probe = make('BDT-v0', { scenario: override });
const { N, J, uMin, uMax, apOf } = (probe.unwrapped as BdtEnv).system;
probe.close();

interface Episode {
  avgU: number[];
  /** Per AP, the slots in which it broke its energy budget (C5). */
  apBreaches: number[];
  /** Per AP, the (gateway, slot) pairs over budget (C4) among its gateways. */
  gatewayBreaches: number[];
  meanLatency: number;
  finalG: number[];
  /** G_j every `every` slots. */
  gTrace: Array<{ t: number; G: number[] }>;
}

/** One episode of `agentName` on the plant's trace `seed`; full infos for the per-AP energy. */
async function episode(agentName: string, options: Record<string, unknown> = {}): Promise<Episode> {
  const env: Env<BdtObservation, BdtAction> = make('BDT-v0', { scenario: override }); // infoLevel 'full': info.aps
  const bdt = env.unwrapped as BdtEnv;
  const agent = await createAgent(agentName, env, options);
  agent.reset(seed);
  let [obs, info] = env.reset({ seed });
  const every = Math.max(1, Math.floor(slots / 5));
  const result: Episode = { avgU: new Array<number>(J).fill(0), apBreaches: new Array<number>(J).fill(0), gatewayBreaches: new Array<number>(J).fill(0), meanLatency: 0, finalG: [], gTrace: [] };
  for (let t = 0; ; t++) {
    if (t % every === 0) result.gTrace.push({ t, G: Array.from(obs.G) }); // the queue the agent sees
    const [next, , terminated, truncated, stepInfo] = env.step(agent.act(obs, { info, env }));
    const slot = stepInfo as BdtInfo;
    slot.reputation.forEach((u, j) => (result.avgU[j]! += u / slots));
    slot.aps!.energyExcess.forEach((excess, j) => (result.apBreaches[j]! += excess > 0 ? 1 : 0));
    slot.gateways!.energyExcess.forEach((excess, m) => (result.gatewayBreaches[apOf[m]!]! += excess > 0 ? 1 : 0));
    result.meanLatency += slot.chargedLatency / slots;
    if (terminated || truncated) break;
    [obs, info] = [next, slot];
  }
  result.finalG = Array.from(bdt.queues.G);
  agent.dispose?.();
  env.close();
  return result;
}

const list = (xs: readonly number[], digits = 4) => `[${xs.map((x) => x.toFixed(digits)).join(', ')}]`;
console.log(`"${override.name}", seed ${seed}, T = ${slots}, C6 band [U^min, U^max] = [${uMin}, ${uMax}]`);

const dpra = await episode('dpra');
console.log(`\ndpra: mean latency ${dpra.meanLatency.toFixed(4)} s, avg U ${list(dpra.avgU)}, C5 breaches per AP ${JSON.stringify(dpra.apBreaches)}`);
for (const { t, G } of dpra.gTrace) console.log(`  t=${String(t).padStart(5)}  G=${list(G, 3)}`);
console.log(`  G(T)/T ${list(dpra.finalG.map((g) => g / slots))}  (U^min - avg U_j <= G_j(T)/T for any policy)`);

const ceiling = await episode('wdpo', { partition: new Array<number>(N).fill(1) });
console.log(`\nall offloaded (wdpo, l_n = 1): mean latency ${ceiling.meanLatency.toFixed(4)} s, avg U ${list(ceiling.avgU)}, C5 breaches per AP ${JSON.stringify(ceiling.apBreaches)}, C4 breaches of each AP's gateways ${JSON.stringify(ceiling.gatewayBreaches)}`);

console.log('\nper AP: ceiling avg U_j vs U^min, and DPRA');
for (let j = 0; j < J; j++) {
  const verdict =
    ceiling.avgU[j]! < uMin
      ? 'infeasible on this trace: no policy reaches U^min'
      : ceiling.apBreaches[j]! + ceiling.gatewayBreaches[j]! > 0
        ? `above U^min, but offloading that much broke C5 or C4 in ${ceiling.apBreaches[j]! + ceiling.gatewayBreaches[j]!} slot(s)`
        : 'above U^min, within the energy budgets';
  console.log(`  AP ${j}: ceiling ${ceiling.avgU[j]!.toFixed(4)}, dpra ${dpra.avgU[j]!.toFixed(4)}, G_j(T) ${dpra.finalG[j]!.toFixed(3)}: ${verdict}`);
}
// Reading it: U_j = g(O_j) depends only on the cuts of AP j's own DTs and the arrivals, not on
// any frequency, so the all-offloaded episode is an upper bound on every policy's U_j, slot by
// slot, on this trace. An AP whose ceiling is below U^min fails C6 whatever the policy (and its
// G_j grows by at least U^min - ceiling per slot on average); one above it may still be out of
// reach if the energy budgets forbid offloading that much, or because DPRA trades it for latency
// (a larger V lets G_j grow longer before it wins).

/**
 * The default scenario is not trivial (issue 3; values and reasons in docs/MODEL.md, "Default
 * scenario"): the channel moves the best partition, neither all-local nor all-offloaded is best,
 * and the latency-greedy policy breaks C6 where a drift-plus-penalty policy meets it. The large
 * scenario's C6 can be met at all under C4 (a lower bound on each AP's reputation), and DPRA meets
 * it where latency-greedy does not.
 */
import { strict as assert } from 'node:assert';
import { copySlotState, createSlotState } from '../../env/bdt/slot-state.ts';
import { readTrace } from '../../env/bdt/exogenous.ts';
import {
  computeEnergy,
  createDecision,
  createQueues,
  drawTrace,
  EpisodeMetrics,
  make,
  reputationOf,
  transmitEnergy,
  transmitTime,
  uplinkRate,
  type BdtEnv,
  type CompiledScenario,
  type Decision,
  type EpisodeSummary,
  type SlotState,
  type VirtualQueues,
} from '../../env/index.ts';
import { createAgent } from '../../baselines/index.ts';
import { runEpisode } from '../../baselines/harness/run-episode.ts';
import { CoordinateDescentPolicy, fixedPolicy } from './simple-policies.ts';

type Policy = (state: SlotState, queues: VirtualQueues, decision: Decision) => void;
const SEED = 1;

function episode(makePolicy: (env: BdtEnv) => Policy): { summary: EpisodeSummary; partitions: Int32Array[]; states: SlotState[] } {
  const env = make('BDT-v0', { infoLevel: 'summary' }).unwrapped as BdtEnv;
  const policy = makePolicy(env);
  const decision = createDecision(env.system);
  const metrics = new EpisodeMetrics(env.system);
  const partitions: Int32Array[] = [];
  const states: SlotState[] = [];
  env.reset({ seed: SEED });
  for (let truncated = false; !truncated; ) {
    states.push(copySlotState(env.slotState, createSlotState(env.system)));
    policy(env.slotState, env.queues, decision);
    partitions.push(Int32Array.from(decision.partition));
    const [, reward, , end, info] = env.step(env.encodeDecision(decision));
    metrics.add(reward, info);
    truncated = end;
  }
  return { summary: metrics.summary(), partitions, states };
}

const descent = (objective: 'latency' | 'dpp') => (env: BdtEnv) => {
  const policy = new CoordinateDescentPolicy(env.system, objective);
  return (state: SlotState, queues: VirtualQueues, decision: Decision) => policy.decide(state, queues, decision);
};

describe('default scenario calibration', function () {
  this.timeout(120_000);
  type Run = ReturnType<typeof episode>;
  let local: Run, offloaded: Run, greedy: Run, dpp: Run;
  before(() => {
    local = episode((env) => fixedPolicy(env.system, 'local'));
    offloaded = episode((env) => fixedPolicy(env.system, 'offloaded'));
    greedy = episode(descent('latency'));
    dpp = episode(descent('dpp'));
  });

  it('neither all-local nor all-offloaded is best on average', () => {
    const best = Math.min(local.summary.meanLatency, offloaded.summary.meanLatency);
    assert.ok(greedy.summary.meanLatency < 0.75 * best, `mixed partitions ${greedy.summary.meanLatency} s vs best fixed ${best} s`);
  });

  it('the best partition point of some DT changes with the channel', () => {
    const env = make('BDT-v0').unwrapped as BdtEnv;
    const policy = new CoordinateDescentPolicy(env.system, 'latency');
    const noFading = createSlotState(env.system);
    const decision = createDecision(env.system);
    const queues = createQueues(env.system);
    let moved = 0;
    const slots = 40;
    for (let t = 0; t < slots; t++) {
      copySlotState(greedy.states[t]!, noFading).gain.set(env.system.meanGain);
      policy.decide(noFading, queues, decision);
      if (decision.partition.some((l, n) => l !== greedy.partitions[t]![n])) moved++;
    }
    assert.ok(moved >= slots / 4, `fading changed the latency-optimal partition in ${moved} of ${slots} slots`);
    const varying = greedy.partitions[0]!.filter((_, n) => new Set(greedy.partitions.map((p) => p[n])).size > 1).length;
    assert.ok(varying >= 3, `${varying} DTs change partition point during the episode`);
  });

  it('latency-greedy breaks C6 for at least one AP; drift-plus-penalty meets it at little latency cost', () => {
    assert.ok(greedy.summary.c6Violation > 0.03, `greedy C6 violation ${greedy.summary.c6Violation}`);
    assert.ok(dpp.summary.c6Violation < 0.01, `drift-plus-penalty C6 violation ${dpp.summary.c6Violation}`);
    assert.ok(dpp.summary.meanLatency < 1.05 * greedy.summary.meanLatency);
  });
});

/**
 * A lower bound on each AP's time-average reputation (1/T) sum_t U_j(t) under C4: per slot and
 * gateway, the least work its DTs can offload with their gateway energy within budget (a knapsack
 * over cuts, energies rounded down to `resolution` so the bound stays a bound); a gateway that
 * cannot meet C4 at all counts as offloading nothing. No policy that meets C4 gets below it.
 */
function reputationLowerBound(system: CompiledScenario, seed: number, slots: number, resolution = 0.01): number[] {
  const { N, M, J, gatewayOf, unitOffset, unitCount, cumFlops, outputBits } = system;
  const trace = drawTrace(system, seed, slots);
  const state = createSlotState(system);
  const sum = new Array<number>(J).fill(0);
  for (let t = 0; t < slots; t++) {
    readTrace(trace, t, state);
    const offloaded = new Array<number>(J).fill(0);
    for (let m = 0; m < M; m++) {
      const rate = uplinkRate(system.bandwidth[m]!, system.txPower[m]!, state.gain[m]!, system.noisePsd);
      const bins = Math.floor(state.gatewayBudget[m]! / resolution);
      let least = new Float64Array(bins + 1).fill(Infinity); // least offloaded work by energy bin
      least[0] = 0;
      for (let n = 0; n < N; n++) {
        if (gatewayOf[n] !== m) continue;
        const d = state.arrivals[n]!;
        const base = unitOffset[n]!;
        const next = new Float64Array(bins + 1).fill(Infinity);
        for (let l = 1; l <= unitCount[n]!; l++) {
          const energy = computeEnergy(system.gatewayKappa[m]!, d * cumFlops[base + l]!, system.gatewayFlopsPerCycle[m]!, system.gatewayFreq[m]!) + transmitEnergy(system.txPower[m]!, transmitTime(d * outputBits[base + l]!, rate));
          const cost = Math.floor(energy / resolution);
          const work = d * (cumFlops[base + unitCount[n]!]! - cumFlops[base + l]!);
          for (let e = 0; e + cost <= bins; e++) if (least[e]! + work < next[e + cost]!) next[e + cost] = least[e]! + work;
        }
        least = next;
      }
      const work = Math.min(...least);
      if (Number.isFinite(work)) offloaded[system.apOf[m]!]! += work;
    }
    for (let j = 0; j < J; j++) sum[j]! += reputationOf(system.reputation, offloaded[j]!);
  }
  return sum.map((x) => x / slots);
}

describe('large scenario calibration', function () {
  this.timeout(300_000);
  const env = make('BDT-large-v0', { infoLevel: 'summary' });
  const system = (env.unwrapped as BdtEnv).system;

  it('C6 can be met under C4: every AP can stay below U^max with margin (seeds 1-3)', () => {
    for (const seed of [1, 2, 3]) {
      const bound = reputationLowerBound(system, seed, system.slots);
      for (let j = 0; j < system.J; j++) assert.ok(bound[j]! < system.uMax - 0.05, `seed ${seed}: AP ${j} cannot get below a time-average reputation of ${bound[j]} (U^max ${system.uMax})`);
    }
  });

  it('DPRA meets C6 where latency-greedy breaks it; neither all-local nor all-offloaded is best', async () => {
    const run = async (name: string, options?: Record<string, unknown>) => runEpisode(env, await createAgent(name, env, options), 1);
    const dpra = await run('dpra');
    const greedy = await run('latency-greedy');
    const local = await run('all-local');
    const offloaded = await run('wdpo', { partition: new Array<number>(system.N).fill(1) });
    assert.ok(dpra.c6Violation < 0.01, `DPRA C6 violation ${dpra.c6Violation}`);
    assert.ok(greedy.c6Violation > 0.05, `latency-greedy C6 violation ${greedy.c6Violation}`);
    const best = Math.min(local.meanLatency, offloaded.meanLatency);
    assert.ok(dpra.meanLatency < 0.75 * best, `DPRA ${dpra.meanLatency} s vs best fixed ${best} s`);
  });
});

/**
 * A scripted agent of your own: a threshold policy on the channel that picks each DT's partition
 * point, registered by name and compared with DPRA and random on identical traces.
 *
 * Run: npx tsx examples/custom-agent.ts [--slots 100] [--seeds 1,2,3] [--threshold 25]
 */
import { exampleArgs, integerArg, integerListArg, numberArg } from './args.ts';
import { lastValueFrom, toArray } from 'rxjs';
import * as z from 'zod';
// Importing the barrel registers the built-in env ids (BDT-v0, ...) that compareAgents makes.
import { KwargsError, make, type BdtAction, type BdtObservation } from 'bdt-gym';
import { aggregate, bdtEnvOf, compareAgents, createAgent, formatMeanInterval, parseAgentOptions, registerAgent, type ActContext, type Agent, type MeanInterval } from 'bdt-gym/baselines';

const args = exampleArgs('usage: npx tsx examples/custom-agent.ts [--slots 100] [--seeds 1,2,3] [--threshold 25]', { slots: '100', seeds: '1,2,3', threshold: '25' });

/** Options of the threshold agent; like every hyperparameter in bdt-gym, a described zod schema. */
const SnrThresholdOptions = z
  .object({
    thresholdDb: z.number().default(25).describe('Received SNR at or above which a gateway offloads early (dB)'),
  })
  .strict();

/**
 * Each slot, for each DT n on gateway m:
 * - if gateway m's SNR (obs.gain, dB) is at or above the threshold, the link is cheap: run only
 *   the first unit on the gateway (l_n = 1) and offload the rest to the faster AP;
 * - otherwise, cut where the DNN's output is smallest (the fewest bits to send), so little
 *   crosses the weak link.
 * Every AP splits its clock evenly among its gateways and mines at full speed. No queue is
 * looked at: this policy knows nothing of C6, which is what the comparison will show.
 */
class SnrThresholdAgent implements Agent<BdtObservation, BdtAction> {
  readonly name = 'snr-threshold';
  private readonly thresholdDb: number;

  constructor(options: z.output<typeof SnrThresholdOptions>) {
    this.thresholdDb = options.thresholdDb;
  }

  reset(): void {} // deterministic: no state, nothing to seed

  act(obs: BdtObservation, context?: ActContext<BdtObservation, BdtAction>): BdtAction {
    // Scripted agents read the system model from the env (bdtEnvOf explains what is missing).
    // An agent that needs only the sizes can read the spaces instead: they are typed by their
    // elements (Space<BdtAction>), so cast to the Dict of the B-DT parts, both types from
    // 'bdt-gym', to reach a part: `(env.actionSpace as Dict<BdtActionSpaces>).spaces.partition.nvec`
    // (L_n per DT), `(env.observationSpace as Dict<BdtObservationSpaces>).spaces.H.shape`; a bare
    // `as Dict` is refused (TS2352: a Dict of any parts is no Space<BdtAction>).
    const { system } = bdtEnvOf(this.name, context);
    const { N, M, J, gatewayOf, apOf, unitCount, unitOffset, outputBits } = system;
    const partition = new Int32Array(N); // index k means l_n = k + 1 units on the gateway
    for (let n = 0; n < N; n++) {
      if (obs.gain[gatewayOf[n]!]! >= this.thresholdDb) {
        partition[n] = 0;
      } else {
        let best = unitCount[n]!; // l_n in 1..L_n with the least s_n^l
        for (let l = 1; l <= unitCount[n]!; l++) if (outputBits[unitOffset[n]! + l]! < outputBits[unitOffset[n]! + best]!) best = l;
        partition[n] = best - 1;
      }
    }
    const gatewaysPerAp = new Float64Array(J);
    for (let m = 0; m < M; m++) gatewaysPerAp[apOf[m]!]! += 1;
    const inferenceShare = Float64Array.from({ length: M }, (_, m) => 1 / gatewaysPerAp[apOf[m]!]!);
    const miningShare = new Float64Array(J).fill(1);
    return { partition, inferenceShare, miningShare };
  }
}

// Registering makes the agent a peer of the built-in ones: createAgent, compareAgents (and any
// tool built on the registry) find it by name. The factory validates its own options with
// parseAgentOptions, whose KwargsError names the agent and each bad field, as the built-in
// agents' do (bdt-gym --import reports it naming --agent-options).
registerAgent('snr-threshold', {
  description: 'snr-threshold: l_n = 1 above an SNR threshold, else the smallest cut (example)',
  create: (_env, options) => new SnrThresholdAgent(parseAgentOptions(SnrThresholdOptions, options, 'snr-threshold')),
});

// What a mistake looks like: a threshold given as a string.
const env = make('BDT-v0');
try {
  await createAgent('snr-threshold', env, { thresholdDb: 'high' });
} catch (error) {
  if (!(error instanceof KwargsError)) throw error;
  console.log(`options refused, as expected:\n${error.message}\n`);
} finally {
  env.close();
}

// compareAgents runs every agent on the same env and seeds, i.e. the same arrivals, fades and
// budgets (common random numbers), and emits each finished episode (an rxjs Observable: a
// progress bar can tap() into the one subscription below; every subscription runs the whole
// comparison again). aggregate() gives means with 95% CIs over seeds, and every metric's paired
// difference to the first agent listed (latencyVsFirst, rewardVsFirst, ...).
const seeds = integerListArg('seeds', args.seeds, 0);
const episodes = await lastValueFrom(
  compareAgents({
    envId: 'BDT-v0',
    agents: ['dpra', 'snr-threshold', 'random'],
    seeds,
    scenario: { slots: integerArg('slots', args.slots, 1) },
    agentOptions: { 'snr-threshold': { thresholdDb: numberArg('threshold', args.threshold) } },
  }).pipe(toArray()),
);

const ci = (x: MeanInterval) => formatMeanInterval(x, 4); // the mean alone for one seed
console.log(`BDT-v0, ${seeds.length} seed(s) x ${args.slots} slots (mean ± 95% CI half-width over seeds)`);
console.log('agent          latency(s)          vs dpra(s)          C6-violation        energy-violations');
for (const a of aggregate(episodes)) {
  console.log(`${a.agent.padEnd(15)}${ci(a.meanLatency).padEnd(20)}${ci(a.latencyVsFirst).padEnd(20)}${ci(a.c6Violation).padEnd(20)}${a.energyViolations.mean.toFixed(1)}`);
}
// Reading the table: the threshold rule ignores the queues and the AP load. On weak links its
// smallest cut is often the DNN's last unit (a few class scores are the smallest output), i.e.
// all-local: the AP behind the far gateway then gets no work, its reputation stays 0 and misses
// U^min by the whole 0.3 (C6), and whole DNNs on the gateways overrun their energy budgets (C4).
// DPRA optimises the partition and the AP split against Psi(t) under C1-C5: it is faster, and
// the virtual queues keep every AP's reputation near [U^min, U^max].

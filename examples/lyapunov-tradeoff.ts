/**
 * The [O(1/V), O(V)] trade-off of drift-plus-penalty, measured.
 *
 * Problem P0 asks for the least time-average latency subject to the long-term reputation bounds
 * C6: U^min <= (1/T) sum_t U_j(t) <= U^max for every AP j. A long-term constraint cannot be
 * checked slot by slot, so the Lyapunov method turns it into two virtual queues per AP,
 *
 *   H_j(t+1) = max(H_j(t) + U_j(t) - U^max, 0)     (grows while AP j is too reputable)
 *   G_j(t+1) = max(G_j(t) + U^min - U_j(t), 0)     (grows while AP j is not reputable enough)
 *
 * and DPRA, every slot, minimises the drift-plus-penalty bound
 *
 *   Psi(t) = V tau(t) + sum_j [ H_j(t) (U_j(t) - U^max) + G_j(t) (U^min - U_j(t)) ].
 *
 * Why the trade-off (Neely, "Stochastic Network Optimization", 2010, ch. 3-4): with B the bound
 * on L(t+1) - L(t) minus the drift term of Psi, L = 1/2 sum (H^2 + G^2) (B = (J/2) max over U of
 * [(U - U^max)^2 + (U^min - U)^2] = 0.92 here), and tau* the optimal latency of P0 (as a limit
 * of expected time averages), a policy that minimises Psi(t) exactly every slot gets, in expected
 * time averages over any T (L(0) = 0),
 *   time-average latency  <= tau* + B / V          -> the gap to the optimum shrinks as O(1/V),
 *   time-average backlog  <= (B + V (tau_max - tau_min)) / epsilon   -> the queues grow as O(V),
 * provided the arrivals, fades and budgets are i.i.d. across slots (BDT-v0's are; BDT-large-v0's
 * Gauss-Markov fading is not), tau and U_j have bounded second moments (tau does only as
 * capped at reward.latencyCap: under Rayleigh fading E[tau] is infinite, docs/TUTORIAL.md §4),
 * an action meets C1-C5 every slot, and, for the backlog, some stationary policy keeps every
 * AP epsilon > 0 inside both ends of the C6 band. DPRA's partition search on BDT-v0 is local,
 * with no proven gap, so the bound does not cover DPRA there: docs/TUTORIAL.md §4-5.
 * A large V weighs latency more, so DPRA lets the queues build up before they pull U_j back into
 * [U^min, U^max]; a small V reacts to every bit of backlog at the cost of latency.
 *
 * Run: npx tsx examples/lyapunov-tradeoff.ts [--slots 200] [--seeds 1,2] [--v 0.1,1,10,100,1000]
 * (defaults take a few seconds; e.g. --slots 2000 --seeds 1,2,3,4,5 for the letter-sized run).
 * The CLI does the same sweep: npx bdt-gym sweep-v --v 0.1,1,10,100,1000 --seeds 1,2 --slots 200 --plot v.svg
 * (same latency and backlog; its C6 column averages each episode's violation, where this one
 * pools the seeds into one long run, whose time-average reputations sit closer to the band).
 */
import { exampleArgs, integerArg, integerListArg, numberArg } from './args.ts';
import { make, EpisodeMetrics, type BdtAction, type BdtEnv, type BdtObservation, type EpisodeSummary, type Env } from 'bdt-gym';
import { createAgent } from 'bdt-gym/baselines';

const args = exampleArgs('usage: npx tsx examples/lyapunov-tradeoff.ts [--slots 200] [--seeds 1,2] [--v 0.1,1,10,100,1000]', { slots: '200', seeds: '1,2', v: '0.1,1,10,100,1000' });
const slots = integerArg('slots', args.slots, 1);
const seeds = integerListArg('seeds', args.seeds, 0);
const vs = args.v.split(',').map((text) => numberArg('v', text, { nonNegative: true }));

/** Time-averages over every seed, plus the queues at the end of the last episode. */
interface Run {
  summary: EpisodeSummary;
  /** The last seed's episode alone. */
  lastEpisode: EpisodeSummary;
  /** H_j(T), G_j(T) of the last seed's episode. */
  finalH: Float64Array;
  finalG: Float64Array;
  /** H_j, G_j of the first seed every `every` slots (for the queue trace). */
  trace: Array<{ t: number; H: number[]; G: number[] }>;
}

/**
 * Runs `agentName` for every seed on BDT-v0 with weight V. The same seeds give every agent and
 * every V the same arrivals, fades and budgets (common random numbers), so differences between
 * rows are due to the policy alone.
 */
async function run(agentName: string, V: number, every = Math.max(1, Math.floor(slots / 5))): Promise<Run> {
  // A partial scenario override: only lyapunov.V and T change, the rest is configs/default.json.
  const env: Env<BdtObservation, BdtAction> = make('BDT-v0', { scenario: { slots, lyapunov: { V } }, infoLevel: 'summary' });
  const bdt = env.unwrapped as BdtEnv;
  const agent = await createAgent(agentName, env);
  const metrics = new EpisodeMetrics(bdt.system); // averages across all seeds: one long "episode"
  const episode = new EpisodeMetrics(bdt.system); // reset per seed
  const trace: Run['trace'] = [];
  for (const seed of seeds) {
    agent.reset(seed);
    episode.reset();
    let [obs, info] = env.reset({ seed });
    for (let t = 0; ; t++) {
      if (seed === seeds[0] && t % every === 0) trace.push({ t, H: Array.from(bdt.queues.H), G: Array.from(bdt.queues.G) });
      const [next, reward, , truncated, stepInfo] = env.step(agent.act(obs, { info, env }));
      metrics.add(reward, stepInfo);
      episode.add(reward, stepInfo);
      if (truncated) break;
      [obs, info] = [next, stepInfo];
    }
  }
  const result = { summary: metrics.summary(), lastEpisode: episode.summary(), finalH: new Float64Array(bdt.queues.H), finalG: new Float64Array(bdt.queues.G), trace };
  agent.dispose?.();
  env.close();
  return result;
}

const fmt = (x: number, digits = 4) => x.toFixed(digits).padStart(10);
const defaults = make('BDT-v0');
const { uMin, uMax } = (defaults.unwrapped as BdtEnv).system;
defaults.close();

// 1. The sweep: DPRA for each V on the same traces.
console.log(`DPRA on BDT-v0, ${seeds.length} seed(s) x ${slots} slots, C6 bounds [U^min, U^max] = [${uMin}, ${uMax}]`);
console.log('         V  latency(s)   backlog  C6-violation');
const rows: Array<{ V: number; run: Run }> = [];
for (const V of vs) {
  const r = await run('dpra', V);
  rows.push({ V, run: r });
  console.log(`${fmt(V, 2)}${fmt(r.summary.meanLatency)}${fmt(r.summary.meanBacklog)}${fmt(r.summary.c6Violation)}`);
}
// Reading the table: latency falls as V grows, while the backlog grows. Latency approaches tau*,
// which is unknown and at or above latency-greedy's (latency-greedy breaks C6), so its gap to
// latency-greedy levels off instead of closing as B/V; over a short episode a large V even reaches
// latency-greedy's, as the queues never grow enough to matter. O(V) is only an upper bound on the
// backlog (the queues may have to reach O(V) before their drift terms outweigh V tau(t) in Psi),
// and the episode caps it: a queue that never empties ends the T slots at T times its violation
// per slot and averages about half that, whatever V. So once V is large the backlog hardly moves
// with V (at the default 200 slots V = 100 and 1000 give about the same); docs/TUTORIAL.md §4
// works this out.

// 2. The queues at work, at the middle V: H of a too-reputable AP rises, then holds.
const middle = rows[Math.floor(rows.length / 2)]!;
console.log(`\nDPRA queues H_j, G_j during the first episode at V = ${middle.V}`);
for (const { t, H, G } of middle.run.trace) console.log(`  t=${String(t).padStart(5)}  H=[${H.map((h) => h.toFixed(3)).join(', ')}]  G=[${G.map((g) => g.toFixed(3)).join(', ')}]`);

// 3. Why the queues enforce C6: since H_j(t+1) >= H_j(t) + U_j(t) - U^max and H_j(0) = 0,
//    summing over the episode gives (1/T) sum_t U_j(t) - U^max <= H_j(T) / T, and likewise
//    U^min - (1/T) sum_t U_j(t) <= G_j(T) / T. Queues that grow slower than T (H_j(T) / T -> 0:
//    rate stability; E[H_j(T)] / T -> 0 is Neely's mean rate stability) mean C6 holds in the
//    limit, and to within H_j(T) / T at a finite T: that is the whole trick. The bound holds
//    for any policy; only DPRA keeps the queues small. Checked here on the last episode of each
//    policy.
const greedy = await run('latency-greedy', middle.V);
console.log(`\nC6 per AP in the episode of seed ${seeds.at(-1)}: time-average U_j, its distance outside [U^min, U^max], and the bound max(H_j(T), G_j(T)) / T`);
for (const [name, r] of [['dpra', middle.run], ['latency-greedy', greedy]] as const) {
  const e = r.lastEpisode;
  const list = (xs: ArrayLike<number>) => Array.from(xs, (x) => x.toFixed(4)).join(', ');
  const outside = e.avgReputation.map((u) => Math.max(u - uMax, uMin - u, 0));
  const bound = Array.from(r.finalH, (h, j) => Math.max(h, r.finalG[j]!) / slots);
  console.log(`${name}: latency ${e.meanLatency.toFixed(4)} s, C6-violation ${e.c6Violation.toFixed(4)}`);
  console.log(`  avg U       [${list(e.avgReputation)}]\n  outside     [${list(outside)}]\n  queue bound [${list(bound)}]`);
}
// latency-greedy ignores H and G (V -> infinity): it offloads as much as pays off, the busiest
// AP's reputation settles above U^max (reputation also speeds up mining, so greed pushes it
// up), and its H_j grows linearly, by the violation every slot. DPRA pays a little latency to
// keep every H_j, G_j bounded and C6 met.

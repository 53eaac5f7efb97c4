/**
 * The browser demo's model side (no DOM, so it also runs, and is tested, under Node): DPRA and
 * latency-greedy on one BDT-v0 trace with a chosen V, slot by slot, and the Vega-Lite figure of
 * what the virtual queues do. latency-greedy is DPRA with the queues ignored (V -> infinity), so
 * side by side they show what the queues buy: the long-term reputation bounds C6.
 */
import type { TopLevelSpec } from 'vega-lite';
import { EpisodeMetrics, make, type BdtAction, type BdtEnv, type EpisodeSummary } from 'bdt-gym';
import { createAgent } from 'bdt-gym/baselines';

export interface DemoSettings {
  /** Lyapunov weight V of latency against the queues. */
  readonly V: number;
  /** Seed of the exogenous trace (arrivals, fades, budgets): the same for both agents. */
  readonly seed: number;
  /** Episode length T in slots. */
  readonly slots: number;
}

export interface AgentRun {
  readonly agent: string;
  readonly summary: EpisodeSummary;
  /** Per slot: the latency charged (s) and the backlog sum_j (H_j + G_j) after the slot. */
  readonly latency: Float64Array;
  readonly backlog: Float64Array;
  /** Per slot and AP (slot-major, J per slot): the running time-average of U_j, what C6 bounds. */
  readonly averageReputation: Float64Array;
}

export interface DemoResult {
  readonly settings: DemoSettings;
  readonly J: number;
  readonly uMin: number;
  readonly uMax: number;
  readonly runs: readonly AgentRun[];
}

const DEMO_AGENTS = ['dpra', 'latency-greedy'] as const;

/** Slots played between two yields to the page (about 25-50 ms of DPRA at BDT-v0's size). */
const SLOTS_PER_YIELD = 50;

/** Lets the page repaint and handle input between slices of work (a timer task, not a microtask). */
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Plays each of {@link DEMO_AGENTS} for one episode of BDT-v0 under `settings`. Every
 * SLOTS_PER_YIELD slots it reports `onProgress(agent, slotsDone)` and yields to the event loop,
 * so a page stays responsive and can show progress through a long episode.
 */
export async function runDemo(settings: DemoSettings, onProgress?: (agent: string, slotsDone: number) => void): Promise<DemoResult> {
  const { V, seed, slots } = settings;
  const runs: AgentRun[] = [];
  let bounds = { J: 0, uMin: 0, uMax: 0 };
  for (const name of DEMO_AGENTS) {
    // a partial scenario override: V and T change, the rest is the default scenario
    const env = make('BDT-v0', { scenario: { slots, lyapunov: { V } }, infoLevel: 'summary' });
    const { J, uMin, uMax } = (env.unwrapped as BdtEnv).system;
    bounds = { J, uMin, uMax };
    const agent = await createAgent(name, env);
    const metrics = new EpisodeMetrics({ J, uMin, uMax });
    const latency = new Float64Array(slots);
    const backlog = new Float64Array(slots);
    const averageReputation = new Float64Array(slots * J);
    const reputationSum = new Float64Array(J);
    agent.reset(seed);
    let [obs, info] = env.reset({ seed });
    for (let t = 0; t < slots; t++) {
      const [next, reward, terminated, truncated, stepInfo] = env.step(agent.act(obs, { info, env }) as BdtAction);
      metrics.add(reward, stepInfo);
      latency[t] = stepInfo['chargedLatency'] as number;
      backlog[t] = stepInfo['backlog'] as number;
      const reputation = stepInfo['reputation'] as Float64Array;
      for (let j = 0; j < J; j++) {
        reputationSum[j]! += reputation[j]!;
        averageReputation[t * J + j] = reputationSum[j]! / (t + 1);
      }
      if (terminated || truncated) break;
      [obs, info] = [next, stepInfo];
      if ((t + 1) % SLOTS_PER_YIELD === 0) {
        onProgress?.(name, t + 1);
        await yieldToPage();
      }
    }
    runs.push({ agent: name, summary: metrics.summary(), latency, backlog, averageReputation });
    agent.dispose?.();
    env.close();
  }
  return { settings, ...bounds, runs };
}

/**
 * The figure: backlog over the slots, and each AP's running time-average reputation against the
 * C6 band [U^min, U^max], one panel per agent.
 */
export function demoChartSpec(result: DemoResult): TopLevelSpec {
  const { J, uMin, uMax, runs } = result;
  const queueRows = runs.flatMap((run) => Array.from(run.backlog, (backlog, t) => ({ agent: run.agent, t: t + 1, backlog })));
  const reputationRows = runs.flatMap((run) =>
    Array.from(run.averageReputation, (value, k) => ({ agent: run.agent, t: Math.floor(k / J) + 1, ap: `AP ${k % J}`, value })),
  );
  const { slots } = result.settings;
  // the slots played, also for T = 1 (one value would make a domain of one point, ticked 1.000000)
  const slot = { field: 't', type: 'quantitative' as const, title: 'slot t', scale: { domain: [1, Math.max(slots, 2)], nice: false } };
  // a line needs two points: one slot is drawn as points
  const line = { type: 'line', point: slots === 1 } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `BDT-v0, V = ${result.settings.V}, trace ${result.settings.seed}`,
    // agents colour the backlog, APs the reputations: two legends, not one mixed scale
    resolve: { scale: { color: 'independent' } },
    vconcat: [
      {
        title: 'virtual-queue backlog sum_j (H_j + G_j)',
        width: 560,
        height: 160,
        data: { values: queueRows },
        mark: line,
        encoding: { x: slot, y: { field: 'backlog', type: 'quantitative', title: 'backlog' }, color: { field: 'agent', type: 'nominal' } },
      },
      {
        title: `running time-average reputation; C6 asks for [${uMin}, ${uMax}]`,
        data: { values: reputationRows },
        facet: { column: { field: 'agent', type: 'nominal', title: null } },
        spec: {
          width: 270,
          height: 160,
          layer: [
            // one row only: without x, the rect layer draws one full-width band per data row
            { transform: [{ filter: `datum.t === 1 && datum.ap === 'AP 0'` }], mark: { type: 'rect', opacity: 0.12, color: '#2ca02c' }, encoding: { y: { datum: uMin }, y2: { datum: uMax } } },
            {
              mark: line,
              encoding: { x: slot, y: { field: 'value', type: 'quantitative', title: 'mean U_j', scale: { domain: [0, 1] } }, color: { field: 'ap', type: 'nominal', title: 'AP' } },
            },
          ],
        },
      },
    ],
  };
}

/**
 * The `run --plot` figure: one episode slot by slot, the Lyapunov story on one page. Per AP j, the
 * running time-average reputation (1/t) sum U_j against the C6 band [U^min, U^max] it must end in,
 * and the virtual queues H_j (over U^max) and G_j (under U^min) that price a drift out of it; then
 * the slot latency tau(t) with the running mean of the latency charged (`run`'s mean latency).
 * Vega-Lite rendered to SVG by Vega's headless renderer, as the sweep-v figure (sweep-v-chart.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render-svg.ts';
import { Wrapper } from '../../env/core/wrapper.ts';
import type { Env, ResetArgs, ResetResult, StepResult } from '../../env/core/env.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtObservation } from '../../env/bdt/observation.ts';

/**
 * One episode, slot by slot (row t: the slot decided at t), as flat rows of `J` values per slot:
 * its latency tau and the latency charged (at most the scenario's cap), each AP's reputation and
 * the queues it leaves (H(t+1), G(t+1)). Plain number arrays, 8 bytes a value: a million-slot
 * episode on BDT-v0 keeps 88 MB, not an array object per slot.
 */
export class Trajectory {
  readonly latency: number[] = [];
  readonly chargedLatency: number[] = [];
  readonly reputation: number[] = [];
  readonly H: number[] = [];
  readonly G: number[] = [];
  /** APs: values per slot in `reputation`, `H` and `G`. */
  readonly J: number;

  constructor(J: number) {
    this.J = J;
  }

  get length(): number {
    return this.latency.length;
  }

  add(latency: number, chargedLatency: number, reputation: ArrayLike<number>, H: ArrayLike<number>, G: ArrayLike<number>): void {
    this.latency.push(latency);
    this.chargedLatency.push(chargedLatency);
    for (let j = 0; j < this.J; j++) {
      this.reputation.push(reputation[j]!);
      this.H.push(H[j]!);
      this.G.push(G[j]!);
    }
  }

  clear(): void {
    for (const values of [this.latency, this.chargedLatency, this.reputation, this.H, this.G]) values.length = 0;
  }
}

/** A B-DT env that keeps the current episode's {@link Trajectory}. */
export class TrajectoryRecorder extends Wrapper<BdtObservation, BdtAction> {
  readonly trajectory: Trajectory;
  private readonly raw: BdtEnv;

  constructor(env: Env<BdtObservation, BdtAction>) {
    super(env);
    const raw = env.unwrapped;
    if (!(raw instanceof BdtEnv)) throw new TypeError(`TrajectoryRecorder: needs a B-DT env, got ${String(raw)}`);
    this.raw = raw;
    this.trajectory = new Trajectory(raw.system.J);
  }

  override reset(args?: ResetArgs): ResetResult<BdtObservation> {
    this.trajectory.clear();
    return super.reset(args);
  }

  override step(action: BdtAction): StepResult<BdtObservation> {
    const result = super.step(action);
    const info = result[4] as { latency: number; chargedLatency: number; reputation: Float64Array };
    this.trajectory.add(info.latency, info.chargedLatency, info.reputation, this.raw.queues.H, this.raw.queues.G);
    return result;
  }
}

/** Points drawn per series at most: longer episodes keep every k-th slot and the last (as the training curves). */
const MAX_POINTS = 1000;
const WIDTH = 560;
const HEIGHT = 170;
// grey, with labels: no AP's colour, and not to be read as the queue panel's dashed G
const BOUND_COLOR = '#666666';
// the first label of the dash scale's domain is drawn solid
const H_LABEL = 'H (over U^max)';
const G_LABEL = 'G (under U^min)';

/** SVG text of the figure of `trajectory` (an episode of `title`), with the C6 bounds `uMin`, `uMax`. */
export async function episodeChartSvg(title: string, trajectory: Trajectory, uMin: number, uMax: number): Promise<string> {
  return renderSvg(episodeChartSpec(title, trajectory, uMin, uMax));
}

/** The Vega-Lite spec of {@link episodeChartSvg}'s figure. */
export function episodeChartSpec(title: string, trajectory: Trajectory, uMin: number, uMax: number): TopLevelSpec {
  const { length: T, J } = trajectory;
  const stride = Math.ceil(T / MAX_POINTS);
  const apRows: Array<{ t: number; ap: string; avgU: number; queue: string; value: number }> = [];
  const latencyRows: Array<{ t: number; latency: number | null; meanLatency: number | null }> = [];
  const sumU = new Float64Array(J);
  let sumLatency = 0;
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < J; j++) sumU[j]! += trajectory.reputation[i * J + j]!;
    const latency = trajectory.latency[i]!;
    // the mean as the summary's: a slot over the cap (one that never finishes, say) charged the cap
    sumLatency += trajectory.chargedLatency[i]!;
    if (i % stride !== 0 && i !== T - 1) continue;
    const t = i + 1; // slots decided so far
    for (let j = 0; j < J; j++) {
      const ap = `AP ${j}`;
      apRows.push({ t, ap, avgU: sumU[j]! / t, queue: H_LABEL, value: trajectory.H[i * J + j]! }, { t, ap, avgU: sumU[j]! / t, queue: G_LABEL, value: trajectory.G[i * J + j]! });
    }
    // a slot that cannot finish (tau = Infinity) leaves a gap in tau (the mean is of capped values)
    latencyRows.push({ t, latency: Number.isFinite(latency) ? latency : null, meanLatency: Number.isFinite(sumLatency) ? sumLatency / t : null });
  }
  const bounds = [{ bound: uMin, label: 'U^min' }, { bound: uMax, label: 'U^max' }];
  const x = { field: 't', type: 'quantitative', title: 'slot t' } as const;
  const color = { field: 'ap', type: 'nominal', title: 'AP' } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    vconcat: [
      {
        title: 'C6: time-average reputation (1/t) sum U_j(s) must end in [U^min, U^max]',
        width: WIDTH,
        height: HEIGHT,
        layer: [
          { data: { values: apRows.filter((row) => row.queue === H_LABEL) }, mark: 'line', encoding: { x, y: { field: 'avgU', type: 'quantitative', title: 'average U_j', scale: { zero: false } }, color } },
          { data: { values: bounds }, mark: { type: 'rule', strokeDash: [6, 4], color: BOUND_COLOR }, encoding: { y: { field: 'bound', type: 'quantitative' } } },
          { data: { values: bounds }, mark: { type: 'text', align: 'right', dy: -6, color: BOUND_COLOR }, encoding: { x: { value: WIDTH - 4 }, y: { field: 'bound', type: 'quantitative' }, text: { field: 'label' } } },
        ],
      },
      {
        title: 'virtual queues H_j(t+1) (solid) and G_j(t+1) (dashed): the prices of leaving the band',
        width: WIDTH,
        height: HEIGHT,
        data: { values: apRows },
        mark: 'line',
        encoding: { x, y: { field: 'value', type: 'quantitative', title: 'queue' }, color, strokeDash: { field: 'queue', type: 'nominal', title: 'queue', scale: { domain: [H_LABEL, G_LABEL] } }, detail: { field: 'queue' } },
      },
      {
        title: 'latency tau(t) (faint) and its running mean as charged (at most the cap)',
        width: WIDTH,
        height: HEIGHT,
        data: { values: latencyRows },
        layer: [
          { mark: { type: 'line', opacity: 0.3, strokeWidth: 1 }, encoding: { x, y: { field: 'latency', type: 'quantitative', title: 'latency (s)', scale: { zero: false } } } },
          { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'meanLatency', type: 'quantitative' } } },
        ],
      },
    ],
  };
  return spec;
}

/**
 * Arrival processes D_n(t) (data points per slot): Poisson (default), uniform integers, or a
 * replayed trace. One uniform draw per device per slot for the Poisson (whatever the rate) and
 * uniform kinds; the Poisson inverse CDF starts from a guide table (Chen and Asau) with several
 * entries per CDF entry, so a draw usually costs one comparison whatever the rate.
 */
import { assertNever } from '../core/errors.ts';
import { normalQuantile } from '../core/normal-quantile.ts';
import type { Rng } from '../core/rng.ts';
import type { ExogenousModel } from './scenario/compile.ts';

/** Poisson rates above this use a normal approximation (rounded, clipped at 0) instead of a CDF table. */
const TABLE_MAX_RATE = 1000;
/**
 * Guide entries per CDF entry. With one, the search after the guide step runs a random 0-2
 * steps and its branch mispredicts often; with 8, it rarely takes a step (measured: 3-5% more env
 * steps per CPU-second on BDT-large-v0).
 */
const GUIDE_PER_ENTRY = 8;
/** The CDF table stops where the remaining tail mass is below this. */
const TAIL_MASS = 1e-14;

/**
 * Samples one slot's arrivals for every device. It holds only tables computed from the scenario,
 * and must keep to that: `BdtVectorEnv` shares one sampler among all its envs, so a field that
 * `sample` updated (the phase of a Markov-modulated process, a row counter) would be stepped by
 * every env in turn, and the native vector env would silently stop equalling a `SyncVectorEnv` of
 * `BdtEnv`s. Per-episode state of a new process (a phase per device) belongs in
 * `ExogenousProcess`, one per simulation, which restarts it in `start` (as its `ChannelSampler`'s
 * Gauss-Markov amplitude is restarted) and hands it to `sample`; the randomness comes from `rng`.
 * test/bdt/vector-env.test.ts checks every arrival kind for the equality.
 */
export class ArrivalSampler {
  private readonly N: number;
  private readonly model: ExogenousModel['arrivals'];
  /** Poisson CDF tables, flat: device n's table is cdf[tableStart[n] .. tableStart[n+1]). */
  private readonly cdf: Float64Array;
  private readonly tableStart: Int32Array;
  /**
   * guide[GUIDE_PER_ENTRY tableStart[n] + g] = smallest k with cdf >= g / (GUIDE_PER_ENTRY size)
   * of device n's table, as an offset from tableStart[n] (tables are far shorter than 2^16).
   */
  private readonly guide: Uint16Array;

  constructor(model: ExogenousModel['arrivals'], N: number) {
    this.N = N;
    this.model = model;
    this.tableStart = new Int32Array(N + 1);
    const tables: number[][] = [];
    for (let n = 0; n < N; n++) {
      const table = poissonTable(model, n);
      tables.push(table);
      this.tableStart[n + 1] = this.tableStart[n]! + table.length;
    }
    this.cdf = Float64Array.from(tables.flat());
    this.guide = new Uint16Array(this.cdf.length * GUIDE_PER_ENTRY);
    for (let n = 0; n < N; n++) {
      const start = this.tableStart[n]!;
      const size = this.tableStart[n + 1]! - start;
      const guides = size * GUIDE_PER_ENTRY;
      let k = start;
      for (let g = 0; g < guides; g++) {
        while (k < start + size - 1 && this.cdf[k]! < g / guides) k++;
        this.guide[start * GUIDE_PER_ENTRY + g] = k - start;
      }
    }
  }

  /** Arrivals of slot `t` (used by traces) into `out` (length N). */
  sample(rng: Rng, t: number, out: Float64Array): void {
    const model = this.model;
    const N = this.N;
    switch (model.kind) {
      case 'trace': {
        const row = (t % model.rows) * N;
        for (let n = 0; n < N; n++) out[n] = model.values[row + n]!;
        return;
      }
      case 'uniform': {
        const { min, max } = model;
        for (let n = 0; n < N; n++) {
          const lo = Math.ceil(min[n]!);
          const hi = Math.floor(max[n]!);
          out[n] = lo + Math.floor(rng() * (hi - lo + 1));
        }
        return;
      }
      case 'poisson': {
        const { cdf, tableStart, guide } = this;
        for (let n = 0; n < N; n++) {
          const u = rng();
          const start = tableStart[n]!;
          const end = tableStart[n + 1]!;
          if (end === start) {
            out[n] = poissonNormal(model.rate[n]!, u);
            continue;
          }
          // every k before guide[g] has cdf[k] < g / guides <= u, so the answer is at or after it
          let k = start + guide[start * GUIDE_PER_ENTRY + Math.floor(u * ((end - start) * GUIDE_PER_ENTRY))]!;
          while (k < end - 1 && u >= cdf[k]!) k++;
          out[n] = k - start;
        }
        return;
      }
      default:
        assertNever(model, 'ArrivalSampler.sample: arrivals kind');
    }
  }
}

/** Device `n`'s Poisson CDF table; empty for a rate drawn by the normal approximation and for the other kinds. */
function poissonTable(model: ExogenousModel['arrivals'], n: number): number[] {
  switch (model.kind) {
    case 'poisson':
      return model.rate[n]! <= TABLE_MAX_RATE ? poissonCdf(model.rate[n]!) : [];
    case 'uniform':
    case 'trace':
      return [];
    default:
      return assertNever(model, 'ArrivalSampler: arrivals kind');
  }
}

/**
 * The largest count each device's process can produce: the end of its Poisson CDF table (rates
 * up to 1000), the uniform max, or the trace maximum; Infinity for larger Poisson rates.
 */
export function maxArrivals(model: ExogenousModel['arrivals'], N: number): Float64Array {
  const high = new Float64Array(N);
  switch (model.kind) {
    case 'poisson':
      for (let n = 0; n < N; n++) high[n] = model.rate[n]! <= TABLE_MAX_RATE ? poissonCdf(model.rate[n]!).length - 1 : Infinity;
      return high;
    case 'uniform':
      for (let n = 0; n < N; n++) high[n] = Math.floor(model.max[n]!);
      return high;
    case 'trace':
      for (let i = 0; i < model.values.length; i++) high[i % N] = Math.max(high[i % N]!, model.values[i]!);
      return high;
    default:
      return assertNever(model, 'maxArrivals: arrivals kind');
  }
}

/** P(X <= k) for k = 0, 1, ... until the tail is negligible; the last entry is 1. */
function poissonCdf(rate: number): number[] {
  if (rate === 0) return [1];
  const cdf: number[] = [];
  // log-space pmf avoids underflow of exp(-rate) for rates in the hundreds
  let logPmf = -rate;
  let total = 0;
  for (let k = 0; ; k++) {
    const pmf = Math.exp(logPmf);
    total += pmf;
    cdf.push(Math.min(total, 1));
    // rounding can keep the sum a few ulps short of 1 - TAIL_MASS: stop when terms vanish too
    if (k > rate && (1 - total < TAIL_MASS || pmf < TAIL_MASS * 1e-3)) break;
    logPmf += Math.log(rate) - Math.log(k + 1);
  }
  cdf[cdf.length - 1] = 1;
  return cdf;
}

/**
 * Normal approximation of Poisson(rate) for large rates, from the device's one uniform `u`
 * (through the normal quantile): every device draws one uniform whatever its rate, so a rate
 * crossing the table limit leaves the other devices' draws in place.
 */
function poissonNormal(rate: number, u: number): number {
  return Math.max(0, Math.round(rate + Math.sqrt(rate) * normalQuantile(u)));
}

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
  /**
   * Poisson CDF tables, flat, one per distinct rate: devices with the same rate share a table, so
   * the tables stay in cache however many devices there are. Device n's table is
   * cdf[tableStart[n] .. tableEnd[n]), empty for a rate past the tables and for the other kinds.
   */
  private readonly cdf: Float64Array;
  private readonly tableStart: Int32Array;
  private readonly tableEnd: Int32Array;
  /**
   * guide[GUIDE_PER_ENTRY start + g] = smallest k with cdf >= g / (GUIDE_PER_ENTRY size) of the
   * table at `start`, as an offset from start (tables are far shorter than 2^16).
   */
  private readonly guide: Uint16Array;

  constructor(model: ExogenousModel['arrivals'], N: number) {
    this.N = N;
    this.model = model;
    this.tableStart = new Int32Array(N);
    this.tableEnd = new Int32Array(N);
    const tables: number[][] = [];
    const tableOfRate = new Map<number, { start: number; end: number }>();
    let length = 0;
    for (let n = 0; n < N; n++) {
      const rate = tabledRate(model, n);
      if (rate === undefined) continue;
      let table = tableOfRate.get(rate);
      if (table === undefined) {
        const cdf = poissonCdf(rate);
        tables.push(cdf);
        table = { start: length, end: length + cdf.length };
        tableOfRate.set(rate, table);
        length = table.end;
      }
      this.tableStart[n] = table.start;
      this.tableEnd[n] = table.end;
    }
    this.cdf = Float64Array.from(tables.flat());
    this.guide = new Uint16Array(this.cdf.length * GUIDE_PER_ENTRY);
    for (const { start, end } of tableOfRate.values()) {
      const size = end - start;
      const guides = size * GUIDE_PER_ENTRY;
      let k = start;
      for (let g = 0; g < guides; g++) {
        while (k < end - 1 && this.cdf[k]! < g / guides) k++;
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
        const { cdf, tableStart, tableEnd, guide } = this;
        for (let n = 0; n < N; n++) {
          const u = rng();
          const start = tableStart[n]!;
          const end = tableEnd[n]!;
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

/** Device `n`'s Poisson rate if it has a CDF table: undefined for a rate drawn by the normal approximation and for the other kinds. */
function tabledRate(model: ExogenousModel['arrivals'], n: number): number | undefined {
  switch (model.kind) {
    case 'poisson':
      return model.rate[n]! <= TABLE_MAX_RATE ? model.rate[n]! : undefined;
    case 'uniform':
    case 'trace':
      return undefined;
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
    case 'poisson': {
      const highOfRate = new Map<number, number>(); // one table per distinct rate, as the sampler
      for (let n = 0; n < N; n++) {
        const rate = model.rate[n]!;
        let rateHigh = highOfRate.get(rate);
        if (rateHigh === undefined) {
          rateHigh = rate <= TABLE_MAX_RATE ? poissonCdf(rate).length - 1 : Infinity;
          highOfRate.set(rate, rateHigh);
        }
        high[n] = rateHigh;
      }
      return high;
    }
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

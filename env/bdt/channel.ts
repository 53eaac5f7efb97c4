/**
 * Block fading of the gateway uplinks [reconstructed]: g_m(t) = gbar_m h_m(t) with h ~ Exp(1)
 * (Rayleigh power). `rayleigh`: i.i.d. per slot, one uniform per gateway. `gauss-markov`: the
 * complex amplitude x follows x(t) = rho x(t-1) + sqrt(1 - rho^2) w(t), w ~ CN(0, 1), so
 * h = |x|^2 stays Exp(1) while consecutive slots correlate (rho^2 in power).
 */
import { assertNever } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { ExogenousModel } from './scenario/compile.ts';

/**
 * The uniform a Rayleigh draw of exactly 0 (one in 2^32 from Alea) is read as: half the smallest
 * positive draw. A gain of 0 would be an infinite fade, an observation of -Infinity dB and NaN
 * energies; this keeps every other draw's gain bit for bit.
 */
const SMALLEST_UNIFORM = 2 ** -33;

/**
 * Draws the gateways' channel power gains g_m(t) (linear) slot by slot, i.i.d. Rayleigh or
 * Gauss-Markov correlated (see the header of env/bdt/channel.ts).
 */
export class ChannelSampler {
  private readonly fading: ExogenousModel['fading'];
  private readonly meanGain: Float64Array;
  /** Real and imaginary amplitude per gateway (gauss-markov only). */
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(fading: ExogenousModel['fading'], meanGain: Float64Array) {
    this.fading = fading;
    this.meanGain = meanGain;
    this.re = new Float64Array(meanGain.length);
    this.im = new Float64Array(meanGain.length);
  }

  /** Draw the first slot's gains (stationary start) into `out`. */
  start(rng: Rng, out: Float64Array): void {
    const fading = this.fading;
    switch (fading.kind) {
      case 'gauss-markov':
        for (let m = 0; m < out.length; m++) {
          this.draw(rng, m);
          out[m] = this.meanGain[m]! * (this.re[m]! * this.re[m]! + this.im[m]! * this.im[m]!);
        }
        return;
      case 'rayleigh':
        this.next(rng, out);
        return;
      default:
        assertNever(fading, 'ChannelSampler.start: fading kind');
    }
  }

  /** Draw the next slot's gains into `out`. */
  next(rng: Rng, out: Float64Array): void {
    const fading = this.fading;
    const meanGain = this.meanGain;
    const M = out.length;
    switch (fading.kind) {
      case 'rayleigh':
        for (let m = 0; m < M; m++) out[m] = meanGain[m]! * -Math.log1p(-(rng() || SMALLEST_UNIFORM));
        return;
      case 'gauss-markov': {
        const rho = fading.correlation;
        const innovation = Math.sqrt(1 - rho * rho);
        const reAll = this.re;
        const imAll = this.im;
        for (let m = 0; m < M; m++) {
          const re = reAll[m]!;
          const im = imAll[m]!;
          this.draw(rng, m);
          const nextRe = rho * re + innovation * reAll[m]!;
          const nextIm = rho * im + innovation * imAll[m]!;
          reAll[m] = nextRe;
          imAll[m] = nextIm;
          out[m] = meanGain[m]! * (nextRe * nextRe + nextIm * nextIm);
        }
        return;
      }
      default:
        assertNever(fading, 'ChannelSampler.next: fading kind');
    }
  }

  /** A CN(0, 1) sample into (re[m], im[m]), each part N(0, 1/2), by Marsaglia's polar method (no trigonometry). */
  private draw(rng: Rng, m: number): void {
    let x: number;
    let y: number;
    let s: number;
    do {
      x = 2 * rng() - 1;
      y = 2 * rng() - 1;
      s = x * x + y * y;
    } while (s >= 1 || s === 0);
    const scale = Math.sqrt(-Math.log(s) / s);
    this.re[m] = x * scale;
    this.im[m] = y * scale;
  }
}

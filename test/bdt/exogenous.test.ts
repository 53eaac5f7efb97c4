import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { makeRng } from '../../env/core/rng.ts';
import { ArrivalSampler, maxArrivals } from '../../env/bdt/arrivals.ts';
import { ChannelSampler } from '../../env/bdt/channel.ts';
import { sampleBudgets } from '../../env/bdt/budgets.ts';
import { normalQuantile } from '../../env/core/normal-quantile.ts';
import { observationSpace } from '../../env/bdt/observation.ts';
import { parseScenario } from '../../env/bdt/scenario/parse.ts';
import { compileScenario } from '../../env/bdt/scenario/compile.ts';

/** Inverse CDF of Poisson(rate) at u by plain sequential search (the reference). */
function poissonInverse(rate: number, u: number): number {
  let pmf = Math.exp(-rate);
  let cdf = pmf;
  let k = 0;
  while (u >= cdf) {
    k++;
    pmf *= rate / k;
    cdf += pmf;
  }
  return k;
}

/** The same in log space (exp(-rate) underflows above ~745), summing the terms as the sampler's table does. */
function poissonInverseLog(rate: number, u: number): number {
  let logPmf = -rate;
  let cdf = Math.exp(logPmf);
  let k = 0;
  while (u >= cdf) {
    logPmf += Math.log(rate) - Math.log(k + 1);
    k++;
    cdf += Math.exp(logPmf);
  }
  return k;
}

describe('bdt exogenous processes', () => {
  it('Poisson arrivals: the guided table search equals the plain inverse CDF draw for draw', () => {
    const rates = Float64Array.of(0, 0.5, 2, 20, 150);
    const sampler = new ArrivalSampler({ kind: 'poisson', rate: rates }, rates.length);
    const uniforms = makeRng('uniforms');
    const replay = makeRng('uniforms');
    const out = new Float64Array(rates.length);
    let mismatches = 0;
    for (let t = 0; t < 4000; t++) {
      sampler.sample(uniforms, t, out);
      for (let n = 0; n < rates.length; n++) if (out[n] !== poissonInverse(rates[n]!, replay())) mismatches++;
    }
    assert.equal(mismatches, 0);
  });

  it('Poisson arrivals: devices with the same rate share one CDF table (one table a device outgrew the cache at N = 4000), and draw as before', () => {
    const rates = Float64Array.from({ length: 3000 }, (_, n) => [2, 20, 5000][n % 3]!);
    const sampler = new ArrivalSampler({ kind: 'poisson', rate: rates }, rates.length);
    const tableEntries = (s: ArrivalSampler) => (s as unknown as { cdf: Float64Array }).cdf.length;
    assert.equal(tableEntries(sampler), tableEntries(new ArrivalSampler({ kind: 'poisson', rate: Float64Array.of(2, 20) }, 2)));
    const uniforms = makeRng('shared tables');
    const replay = makeRng('shared tables');
    const out = new Float64Array(rates.length);
    let mismatches = 0;
    for (let t = 0; t < 20; t++) {
      sampler.sample(uniforms, t, out);
      for (let n = 0; n < rates.length; n++) {
        const u = replay();
        if (rates[n]! <= 1000 && out[n] !== poissonInverse(rates[n]!, u)) mismatches++;
      }
    }
    assert.equal(mismatches, 0);
  });

  it('Poisson arrivals: the guided search stays exact up to the largest tabled rate (1000)', () => {
    const rates = Float64Array.of(300, 999.5, 1000);
    const sampler = new ArrivalSampler({ kind: 'poisson', rate: rates }, rates.length);
    const uniforms = makeRng('large rates');
    const replay = makeRng('large rates');
    const out = new Float64Array(rates.length);
    let mismatches = 0;
    for (let t = 0; t < 2000; t++) {
      sampler.sample(uniforms, t, out);
      for (let n = 0; n < rates.length; n++) if (out[n] !== poissonInverseLog(rates[n]!, replay())) mismatches++;
    }
    assert.equal(mismatches, 0);
  });

  it("the normal quantile (AS 241) agrees with scipy's norm.ppf to 1e-15 relative, tails included", () => {
    const scipy: [number, number][] = [[0.975, 1.959963984540054], [0.001, -3.090232306167813], [0.3, -0.5244005127080409], [1e-10, -6.361340902404056], [1e-300, -37.0470962993612], [1 - 1e-12, 7.0344869100478356]];
    for (const [p, z] of scipy) assert.ok(Math.abs(normalQuantile(p) - z) <= 1e-15 * Math.abs(z), `p = ${p}: ${normalQuantile(p)}, scipy ${z}`);
    assert.deepEqual([normalQuantile(0.5), normalQuantile(0), normalQuantile(1), normalQuantile(1.5)], [0, -Infinity, Infinity, NaN]);
  });

  it("a device's Poisson rate crossing the table limit (1000) leaves the other devices' draws in place: one uniform per device whatever the rate", () => {
    const draw = (rate0: number) => {
      const sampler = new ArrivalSampler({ kind: 'poisson', rate: Float64Array.of(rate0, 3, 20) }, 3);
      const rng = makeRng('crossing');
      const out = new Float64Array(3);
      return Array.from({ length: 50 }, (_, t) => (sampler.sample(rng, t, out), [out[1], out[2]]));
    };
    assert.deepEqual(draw(1500), draw(999));
  });

  it('Poisson arrivals above the tabled rates (normal approximation) have mean and variance = rate, as integers >= 0', () => {
    const rate = 5000;
    const draws = 20000;
    const sampler = new ArrivalSampler({ kind: 'poisson', rate: Float64Array.of(rate) }, 1);
    const rng = makeRng('normal approximation');
    const out = new Float64Array(1);
    let sum = 0;
    let sumSq = 0;
    for (let t = 0; t < draws; t++) {
      sampler.sample(rng, t, out);
      const x = out[0]!;
      assert.ok(Number.isInteger(x) && x >= 0, `draw ${t}: ${x}`);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / draws;
    const variance = (sumSq - draws * mean * mean) / (draws - 1);
    // sampling errors: the mean's standard error is sqrt(rate / draws) = 0.5, so 2.5 is 5 of them;
    // the variance's is about rate sqrt(2 / draws) = 1%, so 5% is 5 of them (rounding adds 1/12)
    assert.ok(Math.abs(mean - rate) < 2.5, `mean ${mean}`);
    assert.ok(Math.abs(variance / rate - 1) < 0.05, `variance ${variance}`);
  });

  it('maxArrivals bounds every draw (the observation space uses it)', () => {
    const model = { kind: 'poisson' as const, rate: Float64Array.of(0, 2, 20, 2000) };
    const high = maxArrivals(model, 4);
    assert.equal(high[0], 0);
    assert.ok(high[1]! > 10 && high[1]! < 40 && high[2]! > 40 && high[2]! < 120, `bounds ${high}`);
    assert.equal(high[3], Infinity);
    const sampler = new ArrivalSampler(model, 4);
    const rng = makeRng(3);
    const out = new Float64Array(4);
    for (let t = 0; t < 20000; t++) {
      sampler.sample(rng, t, out);
      for (let n = 0; n < 4; n++) assert.ok(out[n]! <= high[n]!);
    }
    assert.deepEqual([...maxArrivals({ kind: 'trace', values: Uint32Array.of(1, 5, 3, 2), rows: 2 }, 2)], [3, 5]);
  });

  it('uniform arrivals cover [min, max] integers; traces replay cyclically', () => {
    const sampler = new ArrivalSampler({ kind: 'uniform', min: Float64Array.of(2), max: Float64Array.of(4) }, 1);
    const rng = makeRng(1);
    const out = new Float64Array(1);
    const seen = new Set<number>();
    for (let t = 0; t < 300; t++) seen.add((sampler.sample(rng, t, out), out[0]!));
    assert.deepEqual([...seen].sort(), [2, 3, 4]);
    const trace = new ArrivalSampler({ kind: 'trace', values: Uint32Array.of(1, 2, 3, 4), rows: 2 }, 2);
    const row = new Float64Array(2);
    trace.sample(rng, 3, row);
    assert.deepEqual([...row], [3, 4]);
  });

  it('Rayleigh gains have mean gbar; Gauss-Markov keeps Exp(1) power with lag-1 power correlation rho^2', () => {
    const slots = 40000;
    const rayleigh = new ChannelSampler({ kind: 'rayleigh' }, Float64Array.of(2));
    const g = new Float64Array(1);
    const rng = makeRng(7);
    let sum = 0;
    rayleigh.start(rng, g);
    for (let t = 0; t < slots; t++) sum += (rayleigh.next(rng, g), g[0]!);
    assert.ok(Math.abs(sum / slots - 2) < 0.05, `mean ${sum / slots}`);

    const rho = 0.9;
    const markov = new ChannelSampler({ kind: 'gauss-markov', correlation: rho }, Float64Array.of(1));
    const h = new Float64Array(slots);
    markov.start(rng, g);
    for (let t = 0; t < slots; t++) h[t] = (markov.next(rng, g), g[0]!);
    const mean = h.reduce((a, b) => a + b, 0) / slots;
    let cov = 0;
    let variance = 0;
    for (let t = 0; t < slots; t++) {
      variance += (h[t]! - mean) ** 2;
      if (t > 0) cov += (h[t]! - mean) * (h[t - 1]! - mean);
    }
    assert.ok(Math.abs(mean - 1) < 0.1, `mean power ${mean}`);
    assert.ok(Math.abs(variance / slots - 1) < 0.2, `power variance ${variance / slots} (Exp(1): 1)`);
    assert.ok(Math.abs(cov / variance - rho * rho) < 0.05, `lag-1 correlation ${cov / variance}, expected ${rho * rho}`);
  });

  it('a Rayleigh draw of exactly 0 gives a tiny positive gain, not an infinite fade; other draws are untouched', () => {
    const draws = [0, 0.5];
    const rng = Object.assign(() => draws.shift()!, {}) as unknown as Parameters<ChannelSampler['next']>[0];
    const g = new Float64Array(2);
    new ChannelSampler({ kind: 'rayleigh' }, Float64Array.of(3, 3)).next(rng, g);
    assert.ok(g[0]! > 0 && g[0]! < 3 * 2 ** -32, `gain ${g[0]}`);
    assert.equal(g[1], 3 * -Math.log1p(-0.5));
  });

  it('budgets: constant copies, uniform stays in range', () => {
    const out = new Float64Array(2);
    sampleBudgets({ kind: 'constant', value: Float64Array.of(3, 4) }, makeRng(1), out);
    assert.deepEqual([...out], [3, 4]);
    const rng = makeRng(2);
    for (let t = 0; t < 100; t++) {
      sampleBudgets({ kind: 'uniform', min: Float64Array.of(1, 5), max: Float64Array.of(2, 5) }, rng, out);
      assert.ok(out[0]! >= 1 && out[0]! < 2 && out[1] === 5);
    }
  });
});

// A kind added to a model's union (schema and compile) but not to a sampler must fail loudly:
// tsc flags the switch, and tsx (which does not typecheck) throws naming the kind, instead of
// drawing it as another kind (Poisson by the normal approximation, observation bounds [0, 0]).
describe('bdt exogenous processes: a kind without a case throws, naming it', () => {
  const rates = Float64Array.of(2, 3);

  it('arrivals: the sampler, its draw and maxArrivals', () => {
    const bursty = { kind: 'bursty', rate: rates } as never;
    assert.throws(() => new ArrivalSampler(bursty, 2), /arrivals kind "bursty"/);
    assert.throws(() => maxArrivals(bursty, 2), /arrivals kind "bursty"/);
    // the per-slot draw, on a model whose kind changed after construction
    const model = { kind: 'poisson', rate: rates };
    const sampler = new ArrivalSampler(model as never, 2);
    model.kind = 'bursty';
    assert.throws(() => sampler.sample(makeRng(1), 0, new Float64Array(2)), /arrivals kind "bursty"/);
  });

  it('fading: the first and the next gains', () => {
    const sampler = new ChannelSampler({ kind: 'rician', factor: 3 } as never, Float64Array.of(1, 2));
    assert.throws(() => sampler.start(makeRng(1), new Float64Array(2)), /fading kind "rician"/);
    assert.throws(() => sampler.next(makeRng(1), new Float64Array(2)), /fading kind "rician"/);
  });

  it('budgets: the draw and the observation bounds', () => {
    assert.throws(() => sampleBudgets({ kind: 'gamma', shape: rates } as never, makeRng(1), new Float64Array(2)), /budget kind "gamma"/);
    const system = compileScenario(parseScenario(JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8'))));
    const gamma = { ...system, exogenous: { ...system.exogenous, apBudget: { kind: 'gamma', shape: rates } as never } };
    assert.throws(() => observationSpace(gamma), /budget kind "gamma"/);
  });
});

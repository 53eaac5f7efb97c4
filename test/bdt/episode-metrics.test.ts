import { strict as assert } from 'node:assert';
import { boundViolation, EpisodeMetrics } from '../../env/bdt/episode-metrics.ts';
import { formatMeanInterval, meanInterval } from '../../baselines/harness/statistics.ts';

const info = (latency: number, reputation: number[], extra: Record<string, unknown> = {}) => ({
  latency,
  chargedLatency: Math.min(latency, 60),
  latencyCapped: latency > 60,
  // distinct shares, so a mean taken from the wrong sum shows
  inferenceLatency: latency / 4,
  blockTime: (3 * latency) / 4,
  reputation: Float64Array.from(reputation),
  gatewayViolations: 0,
  apViolations: 0,
  energyExcess: 0,
  backlog: 1,
  ...extra,
});

describe('EpisodeMetrics', () => {
  it('averages latency (inference and block too), reward, reputation per AP and backlog; C6 violation is the worst AP distance', () => {
    const metrics = new EpisodeMetrics({ J: 3, uMin: 0.3, uMax: 0.7 });
    metrics.add(-1, info(1, [0.2, 0.5, 0.9], { gatewayViolations: 2, energyExcess: 1.5 }));
    metrics.add(-3, info(3, [0.2, 0.6, 0.7], { apViolations: 1, backlog: 3 }));
    const s = metrics.summary();
    assert.equal(s.slots, 2);
    assert.equal(s.meanLatency, 2);
    assert.equal(s.meanInferenceLatency, 0.5);
    assert.equal(s.meanBlockTime, 1.5);
    assert.equal(s.meanReward, -2);
    assert.deepEqual(s.avgReputation.map((u) => +u.toFixed(12)), [0.2, 0.55, 0.8]);
    assert.ok(Math.abs(s.c6Violation - 0.1) < 1e-12); // AP 0 is 0.1 below, AP 2 0.1 above
    assert.equal(s.energyViolations, 3);
    assert.equal(s.energyExcess, 1.5);
    assert.equal(s.meanBacklog, 2);
    metrics.reset();
    metrics.add(0, info(Infinity, [0.5, 0.5, 0.5]));
    assert.deepEqual([metrics.summary().meanLatency, metrics.summary().cappedSlots, metrics.summary().c6Violation], [60, 1, 0]);
  });

  it('a summary of no steps has undefined (NaN) means and C6 violation, not 0 latency and a violation of U^min', () => {
    const metrics = new EpisodeMetrics({ J: 2, uMin: 0.3, uMax: 0.7 });
    const fresh = metrics.summary();
    metrics.add(-1, info(1, [0.5, 0.5]));
    metrics.reset();
    for (const s of [fresh, metrics.summary()]) {
      assert.deepEqual([s.slots, s.cappedSlots, s.energyViolations, s.energyExcess], [0, 0, 0, 0]);
      for (const mean of [s.meanLatency, s.meanInferenceLatency, s.meanBlockTime, s.meanReward, s.meanBacklog, ...s.avgReputation, s.c6Violation]) assert.ok(Number.isNaN(mean), JSON.stringify(s));
    }
  });

  it('boundViolation is 0 inside and the distance outside', () => {
    assert.deepEqual([boundViolation(0.5, 0.3, 0.7), boundViolation(0.1, 0.3, 0.7), boundViolation(0.75, 0.3, 0.7)].map((x) => +x.toFixed(12)), [0, 0.2, 0.05]);
  });

  it('a NaN average reputation is a NaN C6 violation, not 0 (met), and the reports print it as NaN', () => {
    assert.ok(Number.isNaN(boundViolation(NaN, 0.3, 0.7)));
    const metrics = new EpisodeMetrics({ J: 2, uMin: 0.3, uMax: 0.7 });
    metrics.add(-1, info(1, [0.5, NaN]));
    const summary = metrics.summary();
    assert.ok(Number.isNaN(summary.c6Violation), `c6Violation ${summary.c6Violation}`);
    // what run prints (toFixed) and compare's column (formatMeanInterval over the seeds)
    assert.equal(summary.c6Violation.toFixed(4), 'NaN');
    assert.match(formatMeanInterval(meanInterval([summary.c6Violation, 0.1]), 4), /^NaN/);
  });
});

/**
 * The letter's comparison, CI-sized (one seed, 300 slots of BDT-v0; the full 5 seeds x 2,000
 * slots is `bdt-gym compare --agents dpra,wdpo,wtcm,latency-greedy --seeds 1,2,3,4,5 --slots 2000`).
 */
import assert from 'node:assert/strict';
import { make } from '../../env/registration.ts';
import '../../env/index.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import type { EpisodeSummary } from '../../env/bdt/episode-metrics.ts';
import { mergeDeep, type ScenarioOverride } from '../../env/bdt/scenario/parse.ts';
import { runEpisode } from '../../baselines/harness/run-episode.ts';
import { agentEntry } from '../../baselines/create-agent.ts';
import { createAgent } from '../../baselines/index.ts';

async function episode(name: string): Promise<{ summary: EpisodeSummary; range: number }> {
  const env = make('BDT-v0', { scenario: mergeDeep({ slots: 300 }, agentEntry(name).scenarioOverride ?? {}) as ScenarioOverride, infoLevel: 'summary' });
  const { uMin, uMax } = (env.unwrapped as BdtEnv).system;
  return { summary: runEpisode(env, await createAgent(name, env), 1), range: uMax - uMin };
}

describe("baselines: the letter's result on BDT-v0 (CI-sized)", function () {
  this.timeout(120_000);

  it('DPRA has lower latency than WDPO and WTCM and meets C6; latency-greedy breaks C6', async () => {
    const dpra = await episode('dpra');
    const wdpo = await episode('wdpo');
    const wtcm = await episode('wtcm');
    const greedy = await episode('latency-greedy');
    assert.ok(dpra.summary.meanLatency < wdpo.summary.meanLatency, `dpra ${dpra.summary.meanLatency} vs wdpo ${wdpo.summary.meanLatency}`);
    assert.ok(dpra.summary.meanLatency < wtcm.summary.meanLatency, `dpra ${dpra.summary.meanLatency} vs wtcm ${wtcm.summary.meanLatency}`);
    assert.ok(dpra.summary.c6Violation <= 0.01 * dpra.range, `dpra C6 violation ${dpra.summary.c6Violation}`);
    assert.ok(greedy.summary.c6Violation > 0.01 * greedy.range, `latency-greedy C6 violation ${greedy.summary.c6Violation}`);
    assert.equal(dpra.summary.energyViolations, 0);
  });
});

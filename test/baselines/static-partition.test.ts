import assert from 'node:assert/strict';
import { make } from '../../env/index.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { createAgent, type SolverAgent } from '../../baselines/index.ts';
import { middlePartition } from '../../baselines/static-partition.ts';
import { bestStaticPartition, CalibrationEpisode } from '../../baselines/static-partition.ts';
import { createWdpoAgent } from '../../baselines/wdpo.ts';

describe("baselines: WDPO's best static partition", () => {
  const env = make('BDT-small-v0').unwrapped as BdtEnv;
  const system = env.system;
  const search = { seed: 5, slots: 40 };

  it('is a local optimum of the calibration return: no single DT gains by another cut, and it beats the middle cut', () => {
    const best = bestStaticPartition(system, search);
    const episode = new CalibrationEpisode(system, search);
    const value = episode.returnOf(best);
    assert.ok(value >= episode.returnOf(middlePartition(system)));
    for (let n = 0; n < system.N; n++) {
      for (let cut = 1; cut <= system.unitCount[n]!; cut++) {
        const other = Int32Array.from(best);
        other[n] = cut;
        assert.ok(episode.returnOf(other) <= value, `DT ${n} at cut ${cut} returns more than the search's ${Array.from(best)}`);
      }
    }
    assert.deepEqual(episode.returnOf(best), value, 'an episode is a pure function of the partition');
  });

  it("wdpo with partition 'best-static' plays it every slot; a calibration of its own is another search", async () => {
    const agent = (await createAgent('wdpo', env, { partition: 'best-static', calibrationSeed: 5, calibrationSlots: 40 })) as SolverAgent;
    let [obs] = env.reset({ seed: 1 });
    const expected = Array.from(bestStaticPartition(system, search));
    for (let t = 0; t < 5; t++) {
      const [next] = env.step(agent.act(obs, { env }));
      assert.deepEqual(Array.from(agent.lastSolution!.decision.partition), expected);
      obs = next;
    }
    await assert.rejects(createAgent('wdpo', env, { partition: 'best' }), /agent wdpo: invalid options:\n {2}at partition: /);
    await assert.rejects(createAgent('wdpo', env, { calibrationSlots: 0 }), /at calibrationSlots: Too small/);
  });

  it("wdpo 'best-static' is searched when the agent is created for a system, so compare does not time the search as its first episode", () => {
    // count what the calibration episodes read of the system: the search reads it per slot and
    // cut, a lazily searching agent would read nothing before its first act
    const countingReads = () => {
      const counter = { reads: 0 };
      const proxy = new Proxy(system, { get: (target, key, receiver) => (counter.reads++, Reflect.get(target, key, receiver)) });
      return { counter, proxy };
    };
    const bestStatic = countingReads();
    createWdpoAgent({ partition: 'best-static', calibrationSeed: search.seed, calibrationSlots: search.slots }, bestStatic.proxy);
    const middle = countingReads();
    createWdpoAgent({ partition: 'middle' }, middle.proxy);
    assert.equal(middle.counter.reads, 0, 'the middle cut needs no search');
    assert.ok(bestStatic.counter.reads > search.slots * system.N, `creating a best-static agent read the system ${bestStatic.counter.reads} times: no search ran`);
  });
});

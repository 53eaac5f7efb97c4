import { strict as assert } from 'node:assert';
import { lastValueFrom, toArray } from 'rxjs';
import { BdtEnv, BdtVectorEnv, KwargsError, ScenarioError, make, makeVec, register, registerBdtScenario, registry, unregister } from '../../env/index.ts';
import { compareAgents } from '../../baselines/harness/compare.ts';
import small from '../../configs/small.json' with { type: 'json' };

describe('registerBdtScenario', () => {
  it('registers a user scenario as the built-in ids are: partial overrides merge into it, makeVec is native, the harness runs it', async () => {
    const scenario = { ...structuredClone(small), name: 'plant', slots: 12 };
    registerBdtScenario('TestPlant-v0', scenario);
    try {
      scenario.slots = 3; // a later change to the caller's object does not reach the registered env
      const env = make('TestPlant-v0').unwrapped as BdtEnv;
      assert.equal(env.system.scenario.name, 'plant');
      assert.equal(env.system.slots, 12);
      assert.equal((make('TestPlant-v0', { scenario: { slots: 5 } }).unwrapped as BdtEnv).system.slots, 5);
      assert.ok(makeVec('TestPlant-v0', 2) instanceof BdtVectorEnv);
      const records = await lastValueFrom(compareAgents({ envId: 'TestPlant-v0', agents: ['dpra', 'random'], seeds: [1], scenario: { slots: 4 } }).pipe(toArray()));
      assert.deepEqual(records.map((r) => [r.agent, r.summary.slots]), [['dpra', 4], ['random', 4]]);
    } finally {
      unregister('TestPlant-v0'); // a later file of the same process lists the registry's B-DT ids
    }
  });

  it("refuses a baseScenario in a registered id's kwargs (the registered one would replace it) with a KwargsError naming registerBdtScenario", () => {
    const refused = (error: unknown) => error instanceof KwargsError && /at baseScenario: "BDT-v0" takes its base scenario from registerBdtScenario, not from its keyword arguments/.test(error.message);
    // @ts-expect-error a built-in id's kwargs have no baseScenario
    assert.throws(() => make('BDT-v0', { baseScenario: small }), refused);
    // @ts-expect-error nor have its vector env's (makeVec types them as make)
    assert.throws(() => makeVec('BDT-v0', 2, { kwargs: { baseScenario: small } }), refused);
    // @ts-expect-error nor in 'sync' mode
    assert.throws(() => makeVec('BDT-v0', 2, { vectorizationMode: 'sync', kwargs: { baseScenario: small } }), refused);
  });

  it('checks the scenario when registering: a bad one throws a ScenarioError naming the field and registers nothing', () => {
    assert.throws(() => registerBdtScenario('TestBad-v0', { ...small, slots: -1 }), (error: unknown) => error instanceof ScenarioError && /^invalid scenario of "TestBad-v0":\n  at slots: Too small.*\(value: -1\)/.test(error.message));
    assert.equal(registry.has('TestBad-v0'), false);
  });

  it('points an entry point without a base scenario that gets a partial override to registerBdtScenario', () => {
    register({ id: 'TestNaive-v0', entryPoint: (kwargs) => new BdtEnv({ scenario: small, ...kwargs }) });
    try {
      assert.equal((make('TestNaive-v0').unwrapped as BdtEnv).system.scenario.name, small.name);
      assert.throws(
        () => make('TestNaive-v0', { scenario: { slots: 5 } }),
        /at name: .*\n[^]*\(without a baseScenario, BdtEnv takes a whole scenario, and this one has no name, topology, .*lyapunov; register a whole scenario with registerBdtScenario\(id, scenario\)/,
      );
    } finally {
      unregister('TestNaive-v0');
    }
  });
});

import assert from 'node:assert/strict';
import { scenarioOf, systemDifferences } from '../../agents/checkpoint/trained-scenario.ts';
import { CartPoleEnv, make } from '../../env/index.ts';

describe('agents: the scenario a checkpoint was trained on', () => {
  it('scenarioOf gives the resolved scenario of a B-DT env, overrides merged, and nothing for other envs', () => {
    const scenario = scenarioOf(make('BDT-small-v0', { scenario: { lyapunov: { uMin: 0.2 } } }));
    assert.equal((scenario?.['lyapunov'] as { uMin: number }).uMin, 0.2);
    assert.equal((scenario?.['reward'] as { mode: string }).mode, 'dpp', 'defaults filled in');
    assert.equal(scenarioOf(new CartPoleEnv()), undefined);
  });

  it('systemDifferences names each differing leaf of the system and ignores labels, episode length and reward shaping', () => {
    const trained = scenarioOf(make('BDT-small-v0'))!;
    const shaped = scenarioOf(make('BDT-small-v0', { scenario: { name: 'x', description: 'y', slots: 7, lyapunov: { V: 3 }, reward: { mode: 'latency', energyPenalty: 2 } } }))!;
    assert.deepEqual(systemDifferences(trained, shaped), []);
    const other = structuredClone(trained) as { lyapunov: { uMax: number }; channel: { distance: number[] }; extra?: number };
    other.lyapunov.uMax = 0.9;
    other.channel.distance = other.channel.distance.map((d) => d + 1);
    other.extra = 1;
    const lyapunov = trained['lyapunov'] as { uMax: number };
    const distance = (trained['channel'] as { distance: number[] }).distance;
    assert.deepEqual(systemDifferences(trained, other), [
      `channel.distance: ${JSON.stringify(distance)} -> ${JSON.stringify(other.channel.distance)}`,
      `lyapunov.uMax: ${lyapunov.uMax} -> 0.9`,
      'extra: absent -> 1',
    ]);
  });

  it('systemDifferences shortens long values', () => {
    const [line] = systemDifferences({ a: 'x'.repeat(100) }, { a: 1 });
    assert.equal(line, `a: "${'x'.repeat(56)}... -> 1`);
  });
});

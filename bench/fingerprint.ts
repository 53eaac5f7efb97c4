/**
 * `npx tsx bench/fingerprint.ts > before.txt`: one hash per trajectory of seeded random actions
 * (every observation array's bytes, the reward and the info), for the three ids, four scenario
 * variants (Gauss-Markov fading, sampled block times, uniform arrivals, a Poisson rate past the
 * CDF tables), both info levels and the `copy: false` vector env. A speed-up meant to change no
 * output must leave every line unchanged (`diff before.txt after.txt`); docs/BENCHMARKS.md
 * records the changes checked this way. Node 20, 22, 24 and 26 print the same hashes on this
 * x86-64 VM; another architecture was not tried, so compare runs made on one machine.
 */
import { createHash, type Hash } from 'node:crypto';
import '../env/envs.ts';
import { make } from '../env/registration.ts';
import { makeVec } from '../env/vector/make-vec.ts';

const variants: Array<{ id: string; kwargs: Record<string, unknown>; steps: number }> = [
  { id: 'BDT-small-v0', kwargs: {}, steps: 20_000 },
  { id: 'BDT-v0', kwargs: {}, steps: 20_000 },
  { id: 'BDT-large-v0', kwargs: {}, steps: 2_000 },
  { id: 'BDT-v0', kwargs: { scenario: { channel: { fading: { kind: 'gauss-markov', correlation: 0.9 } } } }, steps: 5_000 },
  { id: 'BDT-v0', kwargs: { scenario: { consensus: { blockTime: 'sampled' } } }, steps: 5_000 },
  { id: 'BDT-v0', kwargs: { scenario: { devices: { arrivals: { kind: 'uniform', min: 0, max: 9 } } } }, steps: 5_000 },
  { id: 'BDT-v0', kwargs: { scenario: { devices: { arrivals: { kind: 'poisson', rate: [2, 2, 3, 2000, 20, 2, 2, 3, 2, 2, 3, 20] } } } }, steps: 5_000 },
];
/** Full info is slower: only the shorter trajectories take it too. */
const FULL_INFO_MAX_STEPS = 5_000;

function hashObservation(hash: Hash, observation: Record<string, ArrayBufferView>): void {
  for (const array of Object.values(observation)) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

/** JSON of an info that tells -0 from 0 and NaN and infinities from null. */
const exactJson = (_key: string, value: unknown) => {
  if (ArrayBuffer.isView(value)) return Array.from(value as Float64Array);
  if (typeof value === 'number' && (Object.is(value, -0) || !Number.isFinite(value))) return String(Object.is(value, -0) ? '-0' : value);
  return value;
};

for (const { id, kwargs, steps } of variants) {
  for (const seed of [1, 2, 3]) {
    for (const infoLevel of ['summary', 'full'] as const) {
      if (infoLevel === 'full' && steps > FULL_INFO_MAX_STEPS) continue;
      const env = make(id, { ...kwargs, infoLevel });
      env.actionSpace.seed(seed);
      const hash = createHash('sha256');
      let [observation] = env.reset({ seed });
      for (let t = 0; t < steps; t++) {
        hashObservation(hash, observation as Record<string, ArrayBufferView>);
        const [next, reward, , truncated, info] = env.step(env.actionSpace.sample());
        hash.update(String(reward));
        hash.update(JSON.stringify(info, exactJson));
        if (truncated) hashObservation(hash, next as Record<string, ArrayBufferView>); // the final observation
        observation = truncated ? env.reset()[0] : next;
      }
      process.stdout.write(`${id} ${JSON.stringify(kwargs)} seed ${seed} ${infoLevel}: ${hash.digest('hex').slice(0, 16)}\n`);
    }
  }
}

const vector = makeVec('BDT-v0', 8, { copy: false });
vector.actionSpace.seed(5);
const hash = createHash('sha256');
let [observations] = vector.reset({ seed: 5 });
for (let t = 0; t < 3_000; t++) {
  hashObservation(hash, observations as Record<string, ArrayBufferView>);
  const [next, rewards, terminated, truncated, infos] = vector.step(vector.actionSpace.sample());
  for (const array of [rewards, terminated, truncated]) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  hash.update(JSON.stringify(infos, exactJson));
  observations = next;
}
process.stdout.write(`BDT-v0 vector x8 copy=false seed 5: ${hash.digest('hex').slice(0, 16)}\n`);

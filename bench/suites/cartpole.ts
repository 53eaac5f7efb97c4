/** CartPole-v1 throughput: the raw env, through `make()` (the full wrapper stack), and vectorised (sync and native). */
import { CartPoleEnv, CartPoleVectorEnv, SyncVectorEnv, make, makeRng, type Env, type VectorEnv } from '../../env/index.ts';
import { consume, type BenchSuite } from '../harness.ts';

/** A fixed pseudo-random action pattern, so choosing an action costs one array read. */
const ACTIONS = (() => {
  const rng = makeRng('bench-actions');
  return Uint8Array.from({ length: 4096 }, () => (rng() < 0.5 ? 0 : 1));
})();

function episodeLoop(env: Env<Float32Array, number>): (ops: number) => void {
  env.reset({ seed: 0 });
  let k = 0;
  return (ops) => {
    let acc = 0;
    for (let i = 0; i < ops; i++) {
      const [obs, reward, terminated, truncated] = env.step(ACTIONS[k++ & 4095]!);
      acc += reward + obs[0]!;
      if (terminated || truncated) env.reset();
    }
    consume(acc);
  };
}

/** Steps 8 envs with the action pattern; the envs autoreset themselves. */
function vectorLoop(envs: VectorEnv<Float32Array, ArrayLike<number>>): (ops: number) => void {
  envs.reset({ seed: 0 });
  const actions = new Int32Array(8);
  let k = 0;
  return (ops) => {
    let acc = 0;
    for (let i = 0; i < ops; i += 8) {
      for (let e = 0; e < 8; e++) actions[e] = ACTIONS[k++ & 4095]!;
      acc += envs.step(actions)[1][0]!;
    }
    consume(acc);
  };
}

export const suites: BenchSuite[] = [
  {
    name: 'cartpole',
    cases: [
      { name: 'raw', unit: 'steps', ops: 2_000_000, setup: () => episodeLoop(new CartPoleEnv()) },
      { name: 'make', unit: 'steps', ops: 2_000_000, setup: () => episodeLoop(make('CartPole-v1')) },
      { name: 'sync-vector-8', unit: 'env-steps', ops: 1_000_000, setup: () => vectorLoop(new SyncVectorEnv(Array.from({ length: 8 }, () => () => make('CartPole-v1')))) },
      { name: 'native-vector-8', unit: 'env-steps', ops: 1_000_000, setup: () => vectorLoop(new CartPoleVectorEnv(8)) },
    ],
  },
];

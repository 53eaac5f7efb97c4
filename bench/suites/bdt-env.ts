/**
 * B-DT env throughput: raw `BdtEnv` steps with random valid actions (a pool sampled once, so
 * choosing an action costs one array read), at both info levels, with the observation reused in
 * place (`reuseObservation`), and through `make()`; and the native vector env (`makeVec`), whose
 * unit is env-steps (one per env per call).
 * Targets (issue 3): BDT-v0 >= 1,000,000 steps/s, BDT-large-v0 >= 100,000 on one core.
 */
import { make, makeVec, VectorFlattenObservation, VectorRecordEpisodeStatistics, type BdtAction, type BdtEnv, type BdtObservation, type BdtVectorEnv, type Env, type VectorEnv } from '../../env/index.ts';
import { consume, type BenchSuite } from '../harness.ts';

const POOL = 256;

function actionPool(env: Env<BdtObservation, BdtAction>): BdtAction[] {
  env.actionSpace.seed(0);
  return Array.from({ length: POOL }, () => env.actionSpace.sample());
}

function episodeLoop(env: Env<BdtObservation, BdtAction>): (ops: number) => void {
  const actions = actionPool(env);
  env.reset({ seed: 0 });
  let k = 0;
  return (ops) => {
    let acc = 0;
    for (let i = 0; i < ops; i++) {
      const [obs, reward, terminated, truncated] = env.step(actions[k++ & (POOL - 1)]!);
      acc += reward + obs.progress[0]!;
      if (terminated || truncated) env.reset();
    }
    consume(acc);
  };
}

/**
 * `numEnvs` envs per call, each call's actions from a pool of 16 batches; `learnerView` puts the
 * native env under VectorFlattenObservation and VectorRecordEpisodeStatistics, as a learner would.
 */
function vectorLoop(id: string, numEnvs: number, copy: boolean, learnerView = false): (envSteps: number) => void {
  const native = makeVec(id, numEnvs, { copy }) as BdtVectorEnv;
  const env: VectorEnv<{ progress: Float32Array } | Float32Array, unknown> = learnerView
    ? new VectorRecordEpisodeStatistics(new VectorFlattenObservation(native) as VectorEnv<Float32Array, unknown>)
    : native;
  env.actionSpace.seed(0);
  const actions = Array.from({ length: 16 }, () => env.actionSpace.sample());
  env.reset({ seed: 0 });
  let k = 0;
  return (envSteps) => {
    let acc = 0;
    for (let i = 0; i < envSteps; i += numEnvs) {
      const [obs, rewards] = env.step(actions[k++ & 15]!);
      acc += rewards[0]! + (obs instanceof Float32Array ? obs[0]! : obs.progress[0]!);
    }
    consume(acc);
  };
}

const raw = (id: string, infoLevel: 'summary' | 'full', reuseObservation = false) => () =>
  episodeLoop(make<BdtObservation, BdtAction>(id, { infoLevel, reuseObservation }).unwrapped as BdtEnv);

export const suites: BenchSuite[] = [
  {
    name: 'bdt-env',
    cases: [
      { name: 'BDT-v0 raw summary', unit: 'steps', ops: 1_000_000, setup: raw('BDT-v0', 'summary') },
      { name: 'BDT-v0 raw summary reuse-obs', unit: 'steps', ops: 1_000_000, setup: raw('BDT-v0', 'summary', true) },
      { name: 'BDT-v0 raw full', unit: 'steps', ops: 300_000, setup: raw('BDT-v0', 'full') },
      { name: 'BDT-v0 make', unit: 'steps', ops: 300_000, setup: () => episodeLoop(make('BDT-v0', { infoLevel: 'summary' })) },
      { name: 'BDT-v0 vector x16', unit: 'env-steps', ops: 1_000_000, setup: () => vectorLoop('BDT-v0', 16, true) },
      { name: 'BDT-v0 vector x64', unit: 'env-steps', ops: 1_000_000, setup: () => vectorLoop('BDT-v0', 64, true) },
      { name: 'BDT-v0 vector x64 no-copy', unit: 'env-steps', ops: 1_000_000, setup: () => vectorLoop('BDT-v0', 64, false) },
      { name: 'BDT-v0 vector x64 flatten + episode stats', unit: 'env-steps', ops: 1_000_000, setup: () => vectorLoop('BDT-v0', 64, false, true) },
      { name: 'BDT-large-v0 raw summary', unit: 'steps', ops: 200_000, setup: raw('BDT-large-v0', 'summary') },
      { name: 'BDT-large-v0 raw summary reuse-obs', unit: 'steps', ops: 200_000, setup: raw('BDT-large-v0', 'summary', true) },
      { name: 'BDT-large-v0 raw full', unit: 'steps', ops: 100_000, setup: raw('BDT-large-v0', 'full') },
      { name: 'BDT-large-v0 vector x16', unit: 'env-steps', ops: 200_000, setup: () => vectorLoop('BDT-large-v0', 16, true) },
    ],
  },
];

/**
 * The env a `cpuShares: 'solved'` agent trains in: one `SolvedShares` step is an env step (info
 * level summary) with DPRA's allocation solved for a random partition, from a pool of 256 sampled
 * once, so choosing the partition costs one array read. And the choice the agents' option
 * `candidates` makes each slot: `ShareSolver.bestOf` over N + 1 partitions (one solve each), in
 * slots of one episode the loop steps through.
 */
import { make, type BdtAction, type BdtEnv, type BdtObservation } from '../../env/index.ts';
import { ShareSolver, SolvedShares, type PartitionAction } from '../../baselines/index.ts';
import { consume, type BenchSuite } from '../harness.ts';

const POOL = 256;

function stepLoop(id: string): () => (ops: number) => void {
  return () => {
    const env = new SolvedShares(make<BdtObservation, BdtAction>(id, { infoLevel: 'summary' }));
    env.actionSpace.seed(0);
    const actions: PartitionAction[] = Array.from({ length: POOL }, () => env.actionSpace.sample());
    env.reset({ seed: 0 });
    let k = 0;
    return (ops) => {
      let acc = 0;
      for (let i = 0; i < ops; i++) {
        const [, reward, terminated, truncated] = env.step(actions[k++ & (POOL - 1)]!);
        acc += reward;
        if (terminated || truncated) env.reset();
      }
      consume(acc);
    };
  };
}

function bestOfLoop(id: string): () => (ops: number) => void {
  return () => {
    const env = new SolvedShares(make<BdtObservation, BdtAction>(id, { infoLevel: 'summary' }));
    const bdt = env.unwrapped as BdtEnv;
    const solver = new ShareSolver();
    env.actionSpace.seed(0);
    const candidates: PartitionAction[] = Array.from({ length: bdt.system.N + 1 }, () => env.actionSpace.sample());
    env.reset({ seed: 0 });
    return (ops) => {
      let acc = 0;
      for (let i = 0; i < ops; i++) {
        const action = solver.bestOf(candidates, bdt);
        acc += action.miningShare[0]!;
        // a new slot state every 8 choices, so the solves do not all see one slot
        if ((i & 7) === 7) {
          const [, , terminated, truncated] = env.step(candidates[i % candidates.length]!);
          if (terminated || truncated) env.reset();
        }
      }
      consume(acc);
    };
  };
}

export const suites: BenchSuite[] = [
  {
    name: 'solved-shares',
    cases: [
      { name: 'BDT-v0 step', unit: 'steps', ops: 20_000, setup: stepLoop('BDT-v0') },
      { name: 'BDT-large-v0 step', unit: 'steps', ops: 2_000, setup: stepLoop('BDT-large-v0') },
      { name: 'BDT-v0 bestOf 13 candidates', unit: 'choices', ops: 2_000, setup: bestOfLoop('BDT-v0') },
      { name: 'BDT-large-v0 bestOf 121 candidates', unit: 'choices', ops: 50, setup: bestOfLoop('BDT-large-v0') },
    ],
  },
];

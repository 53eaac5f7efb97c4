/**
 * DPRA per-slot solve time (issue 4: median <= 1 ms per slot on BDT-v0, <= 20 ms on BDT-large-v0).
 * A trajectory of slots (exogenous state, virtual queues, previous partition) is recorded once by
 * running the DPRA agent; one operation re-solves one recorded slot with the agent's own solver
 * settings and warm start, so the figure is the solver alone, without env steps. 1 / (slots/s)
 * is the time per slot.
 */
import { make, type BdtAction, type BdtEnv, type BdtObservation, type SlotState, type VirtualQueues } from '../../env/index.ts';
import { DpraSolver, createDpraAgent, descentSolverOptions, DpraOptions } from '../../baselines/index.ts';
import { consume, type BenchSuite } from '../harness.ts';

interface RecordedSlot {
  state: SlotState;
  queues: VirtualQueues;
  previous: Int32Array | undefined;
}

/** Runs the DPRA agent for `slots` slots of `id` (seed 0) and records what each slot was solved from. */
export function recordDpraTrajectory(id: string, slots: number): { env: BdtEnv; trajectory: RecordedSlot[] } {
  const env = make<BdtObservation, BdtAction>(id, { infoLevel: 'summary', scenario: { slots } }).unwrapped as BdtEnv;
  const agent = createDpraAgent();
  let [obs, info] = env.reset({ seed: 0 });
  agent.reset(0);
  const trajectory: RecordedSlot[] = [];
  let previous: Int32Array | undefined;
  for (let t = 0; t < slots; t++) {
    const s = env.slotState;
    trajectory.push({
      state: { arrivals: s.arrivals.slice(), gain: s.gain.slice(), gatewayBudget: s.gatewayBudget.slice(), apBudget: s.apBudget.slice(), raceDraw: s.raceDraw, winnerDraw: s.winnerDraw },
      queues: { H: env.queues.H.slice(), G: env.queues.G.slice() },
      previous,
    });
    const action = agent.act(obs, { info, env });
    previous = agent.lastSolution!.decision.partition.slice();
    [obs, , , , info] = env.step(action);
  }
  return { env, trajectory };
}

/**
 * Re-solves a recorded trajectory of `slots` slots. Each timed run starts again at its first slot
 * (the cold one, without warm start), so every run times the same slots; a case's ops, a
 * multiple of `slots`, times each slot equally often.
 */
function solveLoop(id: string, slots: number): () => (ops: number) => void {
  return () => {
    const { env, trajectory } = recordDpraTrajectory(id, slots);
    const solver = new DpraSolver(env.system, descentSolverOptions(DpraOptions.parse({})));
    return (ops) => {
      let acc = 0;
      for (let i = 0; i < ops; i++) {
        const slot = trajectory[i % trajectory.length]!;
        acc += solver.solve(slot.state, slot.queues, slot.previous).psi;
      }
      consume(acc);
    };
  };
}

export const suites: BenchSuite[] = [
  {
    name: 'dpra',
    cases: [
      { name: 'BDT-small-v0 solve', unit: 'slots', ops: 300, setup: solveLoop('BDT-small-v0', 100) },
      { name: 'BDT-v0 solve', unit: 'slots', ops: 1000, setup: solveLoop('BDT-v0', 100) },
      // a run of 30 slots takes ~0.2 s (2 cores, Node 24): the trajectory is those 30
      { name: 'BDT-large-v0 solve', unit: 'slots', ops: 30, setup: solveLoop('BDT-large-v0', 30) },
    ],
  },
];

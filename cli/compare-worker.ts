/**
 * A worker thread of `compare --jobs` (compare-workers.ts): imports the user's modules, runs
 * `compareAgents` on its share of the traces, and posts each record, then `done`, or the error
 * that stopped it in a form that crosses threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointLoads } from '../agents/checkpoint/loaded-checkpoints.ts';
import { learnedAgentBackend } from '../agents/learned-agents.ts';
import { compareAgents } from '../baselines/harness/compare.ts';
import { registerBdtScenario } from '../env/bdt/register-scenario.ts';
import type { CompareWorkerInput, CompareWorkerRecord } from './compare-workers.ts';
import { carriedError, prepareWorker, type WorkerMessage } from './worker-threads.ts';

const { spec, modules, scenarios } = workerData as CompareWorkerInput;
const post = (message: WorkerMessage<CompareWorkerRecord>): void => parentPort!.postMessage(message);

async function main(): Promise<void> {
  try {
    await prepareWorker(modules);
    // a --scenario file's env id, as the main thread registered it (the scenario read there, not the file again)
    for (const { id, scenario } of scenarios) registerBdtScenario(id, scenario);
    let first = true;
    compareAgents(spec).subscribe({
      // the agents are all built before the first episode: the first record tells what they loaded
      next: (record) => {
        post(first ? { type: 'record', record, built: { loads: checkpointLoads(), backend: learnedAgentBackend() } } : { type: 'record', record });
        first = false;
      },
      error: (error: unknown) => post({ type: 'error', error: carriedError(error) }),
      complete: () => post({ type: 'done' }),
    });
  } catch (error) {
    post({ type: 'error', error: carriedError(error) });
  }
}

// Not awaited at the top level: V8 aborts the whole process when a worker is terminated during a
// module's top-level await (nodejs/node#43182), and the main thread terminates the others when one fails.
void main();

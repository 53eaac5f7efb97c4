/**
 * A worker thread of `sweep-v --jobs` (sweep-v-workers.ts): imports the user's modules, plays its
 * episodes run by run, one agent per run, and posts each, then `done`, or the error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runEpisodes } from './commands/sweep-v.ts';
import { rememberScenarioFiles } from './scenario-input.ts';
import type { SweepWorkerEpisode, SweepWorkerInput } from './sweep-v-workers.ts';
import { carriedError, prepareWorker, type WorkerMessage } from './worker-threads.ts';

const { spec, runs, episodes, modules, scenarioFiles } = workerData as SweepWorkerInput;
const post = (message: WorkerMessage<SweepWorkerEpisode>): void => parentPort!.postMessage(message);

async function main(): Promise<void> {
  try {
    await prepareWorker(modules);
    // the --scenario file as the main thread read it (a pipe there is empty by now)
    rememberScenarioFiles(scenarioFiles);
    // the episodes come run by run: each run's seeds are played by one agent
    for (let i = 0; i < episodes.length; ) {
      const run = episodes[i]![0];
      let end = i;
      while (end < episodes.length && episodes[end]![0] === run) end++;
      const seedIndices = episodes.slice(i, end).map(([, seed]) => seed);
      const summaries = await runEpisodes(spec, runs[run]!, seedIndices.map((s) => spec.seeds[s]!));
      summaries.forEach((summary, k) => post({ type: 'episode', run, seed: seedIndices[k]!, summary }));
      i = end;
    }
    post({ type: 'done' });
  } catch (error) {
    post({ type: 'error', error: carriedError(error) });
  }
}

// Not awaited at the top level: V8 aborts the whole process when a worker is terminated during a
// module's top-level await (nodejs/node#43182), and the main thread terminates the others when one fails.
void main();

/**
 * `sweep-v --jobs N`: the sweep's episodes (every V's and the reference's, on every seed) dealt
 * round-robin to N worker threads, each playing its episodes run by run (one agent per run it has
 * episodes of). An episode depends on its run and seed alone, so each is the one a single thread
 * plays; they are put back by run and seed here. Errors come back as one thread throws them
 * (worker-threads.ts), the first to happen in time.
 */
import type { Worker } from 'node:worker_threads';
import type { EpisodeSummary } from '../env/bdt/episode-metrics.ts';
import type { SweepRun, SweepSpec } from './commands/sweep-v.ts';
import { dealRoundRobin, rebuiltError, startTsWorker, type CarriedError } from './worker-threads.ts';

/** What a worker is given: the sweep, its runs, its episodes (run index, seed index; run by run), and the modules to import first. */
export interface SweepWorkerInput {
  readonly spec: SweepSpec;
  readonly runs: readonly SweepRun[];
  readonly episodes: ReadonlyArray<readonly [run: number, seed: number]>;
  readonly modules: readonly string[];
}

/** Messages from a worker. */
export type SweepWorkerMessage =
  | { readonly type: 'episode'; readonly run: number; readonly seed: number; readonly summary: EpisodeSummary }
  | { readonly type: 'error'; readonly error: CarriedError }
  | { readonly type: 'done' };

/** Each run's episodes on `spec.seeds`, in seed order, played on `jobs` worker threads that import `modules` (URLs) first. */
export function runsInWorkers(spec: SweepSpec, runs: readonly SweepRun[], jobs: number, modules: readonly string[]): Promise<EpisodeSummary[][]> {
  const S = spec.seeds.length;
  const summaries = runs.map(() => new Array<EpisodeSummary>(S));
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let finished = 0;
    let over = false;
    const fail = (error: Error): void => {
      if (over) return;
      over = true;
      for (const worker of workers) void worker.terminate();
      reject(error);
    };
    for (const share of dealRoundRobin(runs.length * S, jobs)) {
      const input: SweepWorkerInput = { spec, runs, episodes: share.map((i) => [Math.floor(i / S), i % S] as const), modules };
      const worker = startTsWorker(new URL('./sweep-v-worker.ts', import.meta.url), input);
      workers.push(worker);
      let done = false;
      worker.on('message', (message: SweepWorkerMessage) => {
        if (over) return;
        if (message.type === 'episode') summaries[message.run]![message.seed] = message.summary;
        else if (message.type === 'error') fail(rebuiltError(message.error));
        else {
          done = true;
          if (++finished === workers.length) {
            over = true;
            resolve(summaries);
          }
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (!done) fail(new Error(`sweep-v --jobs: a worker thread exited (code ${code}) before its episodes were done`));
      });
    }
  });
}

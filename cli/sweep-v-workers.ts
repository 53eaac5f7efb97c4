/**
 * `sweep-v --jobs N`: the sweep's episodes (every V's and the reference's, on every seed) dealt
 * round-robin to N worker threads, each playing its episodes run by run (one agent per run it has
 * episodes of). An episode depends on its run and seed alone, so each is the one a single thread
 * plays; they are put back by run and seed here. Errors come back as one thread throws them
 * (worker-threads.ts), the first to happen in time.
 */
import type { EpisodeSummary } from '../env/bdt/episode-metrics.ts';
import type { SweepRun, SweepSpec } from './commands/sweep-v.ts';
import { scenarioFilesReadSoFar } from './scenario-input.ts';
import type { ImportedModule } from './user-modules.ts';
import { dealRoundRobin, runWorkers } from './worker-threads.ts';

/** What a worker is given: the sweep, its runs, its episodes (run index, seed index; run by run), the modules to import first, and the scenario files read (`--scenario`). */
export interface SweepWorkerInput {
  readonly spec: SweepSpec;
  readonly runs: readonly SweepRun[];
  readonly episodes: ReadonlyArray<readonly [run: number, seed: number]>;
  readonly modules: readonly ImportedModule[];
  readonly scenarioFiles: ReadonlyArray<readonly [file: string, scenario: object]>;
}

/** A worker's result: an episode, by run and seed index. */
export interface SweepWorkerEpisode {
  readonly type: 'episode';
  readonly run: number;
  readonly seed: number;
  readonly summary: EpisodeSummary;
}

/** Each run's episodes on `spec.seeds`, in seed order, played on `jobs` worker threads that import `modules` (`--import`'s) first. */
export function runsInWorkers(spec: SweepSpec, runs: readonly SweepRun[], jobs: number, modules: readonly ImportedModule[]): Promise<EpisodeSummary[][]> {
  const S = spec.seeds.length;
  const summaries = runs.map(() => new Array<EpisodeSummary>(S));
  const scenarioFiles = scenarioFilesReadSoFar();
  const inputs = dealRoundRobin(runs.length * S, jobs).map((share): SweepWorkerInput => ({ spec, runs, episodes: share.map((i) => [Math.floor(i / S), i % S] as const), modules, scenarioFiles }));
  return new Promise((resolve, reject) => {
    runWorkers<SweepWorkerEpisode>(
      new URL('./sweep-v-worker.ts', import.meta.url),
      inputs,
      {
        message: ({ run, seed, summary }) => void (summaries[run]![seed] = summary),
        failure: reject,
        done: () => resolve(summaries),
      },
      'sweep-v --jobs',
    );
  });
}

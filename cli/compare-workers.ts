/**
 * `compare --jobs N`: the comparison's traces dealt round-robin to N worker threads, each running
 * `compareAgents` with every agent on its share, so episodes run on N cores at once. An episode
 * depends on its trace and seed alone (every agent is reset on each), so each record is the one a
 * single-thread run gives; only their order differs, which `inSpecOrder` puts back before anything
 * is aggregated or written.
 *
 * A worker imports the modules `--import` loaded here (their agents and env ids), so it builds the
 * same agents; an error it meets is thrown here as one thread throws it (worker-threads.ts). The
 * checkpoints the workers load and their backend are noted here, so compare's provenance names
 * them. Unsubscribing ends the workers at once: the episodes under way are dropped.
 */
import { Observable } from 'rxjs';
import { noteCheckpointLoad, type CheckpointLoad } from '../agents/checkpoint/loaded-checkpoints.ts';
import { noteLearnedAgentBackend } from '../agents/learned-agents.ts';
import type { ComparisonSpec, EpisodeRecord } from '../baselines/harness/compare.ts';
import type { ImportedModule } from './user-modules.ts';
import { dealRoundRobin, rebuiltError, runWorkers } from './worker-threads.ts';

/** What a worker is given: its share of the comparison, the modules to import first, and the env ids of scenario files to register (`--scenario`). */
export interface CompareWorkerInput {
  readonly spec: ComparisonSpec;
  readonly modules: readonly ImportedModule[];
  readonly scenarios: ReadonlyArray<{ readonly id: string; readonly scenario: object }>;
}

/**
 * A worker's result: an episode. Its first carries what compare's provenance reads of the agents
 * it built, which are this run's: the checkpoints it loaded and the TensorFlow.js backend.
 */
export interface CompareWorkerRecord {
  readonly type: 'record';
  readonly record: EpisodeRecord;
  readonly built?: { readonly loads: readonly CheckpointLoad[]; readonly backend: string | undefined };
}

/**
 * `compareAgents(spec)` on `jobs` worker threads, each importing `modules` (`--import`'s) and registering
 * `scenarios` (a `--scenario` file's env id) first: the same records, in the order they finish (a
 * record's `trace` is its index in `spec.traces`).
 */
export function compareAgentsInWorkers(spec: ComparisonSpec, jobs: number, modules: readonly ImportedModule[], scenarios: CompareWorkerInput['scenarios'] = []): Observable<EpisodeRecord> {
  return new Observable<EpisodeRecord>((subscriber) => {
    const shares = dealRoundRobin(spec.seeds.length, jobs);
    const inputs = shares.map((indices): CompareWorkerInput => ({
      spec: { ...spec, seeds: indices.map((i) => spec.seeds[i]!), ...(spec.traces ? { traces: indices.map((i) => spec.traces![i]!) } : {}) },
      modules,
      scenarios,
    }));
    // a record's or error's trace is its index in its share's traces: the comparison's is indices[trace]
    const globalTrace = (trace: number | undefined, share: number): number | undefined => (trace === undefined ? undefined : shares[share]![trace]);
    return runWorkers<CompareWorkerRecord>(
      new URL('./compare-worker.ts', import.meta.url),
      inputs,
      {
        message: ({ record, built }, share) => {
          for (const { dir, manifestSha256, backend } of built?.loads ?? []) noteCheckpointLoad(dir, manifestSha256, backend);
          if (built?.backend !== undefined) noteLearnedAgentBackend(built.backend);
          subscriber.next(record.trace === undefined ? record : { ...record, trace: globalTrace(record.trace, share)! });
        },
        failure: (error) => subscriber.error(error),
        done: () => subscriber.complete(),
        rebuilt: (carried, share) => rebuiltError({ ...carried, trace: globalTrace(carried.trace, share) }),
      },
      'compare --jobs',
    );
  });
}

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
import type { Worker } from 'node:worker_threads';
import { Observable } from 'rxjs';
import { noteCheckpointLoad, type CheckpointLoad } from '../agents/checkpoint/loaded-checkpoints.ts';
import { noteLearnedAgentBackend } from '../agents/learned-agents.ts';
import type { ComparisonSpec, EpisodeRecord } from '../baselines/harness/compare.ts';
import { dealRoundRobin, rebuiltError, startTsWorker, type CarriedError } from './worker-threads.ts';

/** What a worker is given: its share of the comparison, the modules to import first, and the env ids of scenario files to register (`--scenario`). */
export interface CompareWorkerInput {
  readonly spec: ComparisonSpec;
  readonly modules: readonly string[];
  readonly scenarios: ReadonlyArray<{ readonly id: string; readonly scenario: object }>;
}

/**
 * Messages from a worker. Its first record carries what compare's provenance reads of the agents
 * it built, which are this run's: the checkpoints it loaded and the TensorFlow.js backend.
 */
export type CompareWorkerMessage =
  | { readonly type: 'record'; readonly record: EpisodeRecord; readonly built?: { readonly loads: readonly CheckpointLoad[]; readonly backend: string | undefined } }
  | { readonly type: 'error'; readonly error: CarriedError }
  | { readonly type: 'done' };

/**
 * `compareAgents(spec)` on `jobs` worker threads, each importing `modules` (URLs) and registering
 * `scenarios` (a `--scenario` file's env id) first: the same records, in the order they finish (a
 * record's `trace` is its index in `spec.traces`).
 */
export function compareAgentsInWorkers(spec: ComparisonSpec, jobs: number, modules: readonly string[], scenarios: CompareWorkerInput['scenarios'] = []): Observable<EpisodeRecord> {
  return new Observable<EpisodeRecord>((subscriber) => {
    const workers: Worker[] = [];
    let finished = 0;
    let over = false;
    const end = (): void => {
      over = true;
      for (const worker of workers) void worker.terminate();
    };
    const fail = (error: Error): void => {
      if (over) return;
      end();
      subscriber.error(error);
    };
    for (const indices of dealRoundRobin(spec.seeds.length, jobs)) {
      const share: ComparisonSpec = { ...spec, seeds: indices.map((i) => spec.seeds[i]!), ...(spec.traces ? { traces: indices.map((i) => spec.traces![i]!) } : {}) };
      const input: CompareWorkerInput = { spec: share, modules, scenarios };
      const worker = startTsWorker(new URL('./compare-worker.ts', import.meta.url), input);
      workers.push(worker);
      /** Whether this worker said it is done (it then exits by itself). */
      let done = false;
      // a record's or error's trace is its index in the share's traces: the comparison's is indices[trace]
      const globalTrace = (trace: number | undefined): number | undefined => (trace === undefined ? undefined : indices[trace]);
      worker.on('message', (message: CompareWorkerMessage) => {
        if (over) return;
        if (message.type === 'record') {
          const { record, built } = message;
          for (const { dir, manifestSha256 } of built?.loads ?? []) noteCheckpointLoad(dir, manifestSha256);
          if (built?.backend !== undefined) noteLearnedAgentBackend(built.backend);
          subscriber.next(record.trace === undefined ? record : { ...record, trace: globalTrace(record.trace)! });
        } else if (message.type === 'error') {
          fail(rebuiltError({ ...message.error, trace: globalTrace(message.error.trace) }));
        } else {
          done = true;
          if (++finished === workers.length) {
            over = true;
            subscriber.complete();
          }
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (!done) fail(new Error(`compare --jobs: a worker thread exited (code ${code}) before its episodes were done`));
      });
    }
    return end;
  });
}

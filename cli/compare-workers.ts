/**
 * `compare --jobs N`: the comparison's traces dealt round-robin to N worker threads, each running
 * `compareAgents` with every agent on its share, so episodes run on N cores at once. An episode
 * depends on its trace and seed alone (every agent is reset on each), so each record is the one a
 * single-thread run gives; only their order differs, which `inSpecOrder` puts back before anything
 * is aggregated or written.
 *
 * A worker imports the modules `--import` loaded here (their agents and env ids), so it builds the
 * same agents; an error it meets comes back as the error the single-thread run would throw (an
 * `AgentEpisodeError` naming the agent, seed, slot and trace, an `AgentCreationError`, a refused
 * option), its cause a `GymError` when the worker judged it bad input, else an Error keeping the
 * worker's stack. The checkpoints the workers load and their backend are noted here, so compare's
 * provenance names them. Unsubscribing ends the workers at once: the episodes under way are dropped.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Observable } from 'rxjs';
import { noteCheckpointLoad, type CheckpointLoad } from '../agents/checkpoint/loaded-checkpoints.ts';
import { noteLearnedAgentBackend } from '../agents/learned-agents.ts';
import { AgentCreationError } from '../baselines/create-agent.ts';
import type { ComparisonSpec, EpisodeRecord } from '../baselines/harness/compare.ts';
import { AgentEpisodeError } from '../baselines/harness/run-episode.ts';
import { GymError } from '../env/core/errors.ts';
import { issueLines, type KwargsError } from '../env/core/zod-issues.ts';
import { CliError } from './errors.ts';

/** What a worker is given: its share of the comparison, the modules to import first, and how to load TypeScript. */
export interface CompareWorkerInput {
  readonly spec: ComparisonSpec;
  readonly modules: readonly string[];
  readonly tsxApis: readonly string[];
  readonly workerUrl: string;
}

/** An error as it crosses from a worker: what is needed to throw its like here. */
export interface CarriedError {
  readonly kind: 'episode' | 'creation' | 'cli' | 'other';
  readonly message: string;
  readonly stack?: string | undefined;
  /** Whether the worker judged it bad input (`isUserError`): rebuilt as a GymError, reported in one line. */
  readonly user: boolean;
  readonly exitCode?: number;
  readonly agent?: string;
  readonly seed?: number;
  readonly slot?: number | undefined;
  readonly trace?: number | undefined;
}

/**
 * Messages from a worker. Its first record carries what compare's provenance reads of the agents
 * it built, which are this run's: the checkpoints it loaded and the TensorFlow.js backend.
 */
export type CompareWorkerMessage =
  | { readonly type: 'record'; readonly record: EpisodeRecord; readonly built?: { readonly loads: readonly CheckpointLoad[]; readonly backend: string | undefined } }
  | { readonly type: 'error'; readonly error: CarriedError }
  | { readonly type: 'done' };

/** Registers tsx's loaders (ESM and CommonJS, as bin/bdt-gym.js does), then imports the worker module. */
const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
Promise.all(workerData.tsxApis.map((api) => import(api)))
  .then((apis) => { for (const api of apis) api.register(); return import(workerData.workerUrl); })
  .catch((error) => parentPort.postMessage({ type: 'error', error: { kind: 'other', user: false, message: String(error?.message ?? error), stack: error?.stack } }));
`;

/** An agent's refusal of its options, which in compare came from --agent-options, as the CliError saying so. */
export function agentOptionsRefusal(error: KwargsError): CliError {
  return new CliError(`--agent-options: ${error.owner}: invalid ${error.what}: ${issueLines(error.issues, error.schema).join('; ')}`);
}

/** Episode indices 0..count-1 dealt round-robin into `jobs` shares (fewer when there are fewer episodes), each in order. */
export function dealEpisodes(count: number, jobs: number): number[][] {
  const shares = Array.from({ length: Math.min(jobs, count) }, (): number[] => []);
  for (let i = 0; i < count; i++) shares[i % shares.length]!.push(i);
  return shares;
}

/**
 * `compareAgents(spec)` on `jobs` worker threads, each importing `modules` (URLs) first: the same
 * records, in the order they finish (a record's `trace` is its index in `spec.traces`).
 */
export function compareAgentsInWorkers(spec: ComparisonSpec, jobs: number, modules: readonly string[]): Observable<EpisodeRecord> {
  return new Observable<EpisodeRecord>((subscriber) => {
    const require = createRequire(import.meta.url);
    // the ESM builds of tsx's APIs (require.resolve gives the CommonJS ones, whose paths break in eval workers)
    const tsxApis = ['tsx/esm/api', 'tsx/cjs/api'].map((api) => pathToFileURL(require.resolve(api).replace(/\.cjs$/, '.mjs')).href);
    const workerUrl = new URL('./compare-worker.ts', import.meta.url).href;
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
    for (const indices of dealEpisodes(spec.seeds.length, jobs)) {
      const share: ComparisonSpec = { ...spec, seeds: indices.map((i) => spec.seeds[i]!), ...(spec.traces ? { traces: indices.map((i) => spec.traces![i]!) } : {}) };
      const input: CompareWorkerInput = { spec: share, modules, tsxApis, workerUrl };
      const worker = new Worker(BOOTSTRAP, { eval: true, workerData: input });
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

/** The error a worker met as the single-thread run would throw it. */
function rebuiltError(carried: CarriedError): Error {
  if (carried.kind === 'cli') return new CliError(carried.message, carried.exitCode);
  const cause = carried.user ? new GymError(carried.message) : Object.assign(new Error(carried.message), { stack: carried.stack });
  if (carried.kind === 'episode') return new AgentEpisodeError(carried.agent!, carried.seed!, cause, carried.slot, carried.trace);
  if (carried.kind === 'creation') return new AgentCreationError(carried.agent!, cause);
  return cause;
}

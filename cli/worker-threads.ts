/**
 * What the CLI's parallel commands (`compare --jobs`, `sweep-v --jobs`) share: worker threads on a
 * TypeScript module, followed until all are done or one fails, and an error one meets carried back
 * to the main thread, where it
 * is thrown as the single-thread run would throw it: an `AgentEpisodeError` naming the agent,
 * seed, slot and trace, an `AgentCreationError`, a `CliError`, its cause a `GymError` when the
 * worker judged it bad input (one line), else an Error keeping the worker's stack.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { tsxApiUrl } from '../node/tsx-api.ts';
import { AgentCreationError } from '../baselines/create-agent.ts';
import { AgentEpisodeError } from '../baselines/harness/run-episode.ts';
import { GymError } from '../env/core/errors.ts';
import { setWarningHandler } from '../env/core/logger.ts';
import { issueLines, KwargsError } from '../env/core/zod-issues.ts';
import { CliError } from './errors.ts';
import { registerLearnedAgentsLazily } from './learned-agents.ts';
import { warnOnce } from './printed-warnings.ts';
import { reimportUserModules, type ImportedModule } from './user-modules.ts';
import { isUserError } from './user-errors.ts';

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

/** Registers tsx's loaders (ESM and CommonJS, as bin/bdt-gym.js does), then imports the worker module. */
const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
Promise.all(workerData.tsxApis.map((api) => import(api)))
  .then((apis) => { for (const api of apis) api.register(); return import(workerData.workerUrl); })
  .catch((error) => parentPort.postMessage({ type: 'error', error: { kind: 'other', user: false, message: String(error?.message ?? error), stack: error?.stack } }));
`;

/** A worker thread running the TypeScript module `workerUrl`, which reads `data` from `workerData`. */
function startTsWorker(workerUrl: URL, data: object): Worker {
  return new Worker(BOOTSTRAP, { eval: true, workerData: { ...data, tsxApis: [tsxApiUrl('esm'), tsxApiUrl('cjs')], workerUrl: workerUrl.href } });
}

/** What a worker of {@link runWorkers} posts: its results (type `M`), a warning, `prepared` (the user's modules imported), an error that stopped it, or `done`. */
export type WorkerMessage<M> =
  | M
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'prepared' }
  | { readonly type: 'error'; readonly error: CarriedError }
  | { readonly type: 'done' };

/**
 * How long a worker still importing the user's modules may take to finish before it is
 * terminated anyway (ms): a module awaiting forever must not keep the command from ending.
 */
const PREPARE_GRACE_MS = 10_000;

/** What {@link runWorkers} reports. */
export interface WorkerHandlers<M> {
  /** A result of worker `index` (the index of its input). */
  readonly message: (message: M, index: number) => void;
  /** The first failure (the others are then ended): a worker's error, as one thread throws it (`rebuilt` by default), or a thread that died. */
  readonly failure: (error: Error) => void;
  /** Every worker said it was done. */
  readonly done: () => void;
  /** The error worker `index` carried, as this thread throws it (default {@link rebuiltError}). */
  readonly rebuilt?: (carried: CarriedError, index: number) => Error;
}

/**
 * One worker thread per input, each running the TypeScript module `workerUrl` on it, followed
 * until all say `done` or one fails (`what` names the command in a dead thread's error). Returns
 * what ends them at once (the results under way are dropped).
 */
export function runWorkers<M extends { readonly type: string }>(workerUrl: URL, inputs: readonly object[], handlers: WorkerHandlers<M>, what: string): () => void {
  const workers: Worker[] = [];
  /** Whether each worker has imported the user's modules (`prepared`), or ended. */
  const settled: boolean[] = [];
  let finished = 0;
  let over = false;
  // A worker still importing the user's modules is terminated once it has: a module awaiting at
  // its top level (loading a file, say) would otherwise be terminated mid-await, which aborts the
  // whole process (nodejs/node#43182); it gets PREPARE_GRACE_MS.
  const end = (): void => {
    over = true;
    workers.forEach((worker, index) => {
      if (settled[index]) void worker.terminate();
      else setTimeout(() => void worker.terminate(), PREPARE_GRACE_MS).unref();
    });
  };
  const fail = (error: Error): void => {
    if (over) return;
    end();
    handlers.failure(error);
  };
  inputs.forEach((input, index) => {
    const worker = startTsWorker(workerUrl, input);
    workers.push(worker);
    settled.push(false);
    /** Whether this worker said it is done (it then exits by itself). */
    let done = false;
    worker.on('message', (message: WorkerMessage<M>) => {
      if (message.type === 'prepared') {
        settled[index] = true;
        if (over) void worker.terminate();
        return;
      }
      if (over) return;
      if (message.type === 'warning') {
        warnOnce((message as { readonly message: string }).message);
      } else if (message.type === 'error') {
        fail((handlers.rebuilt ?? rebuiltError)((message as { readonly error: CarriedError }).error, index));
      } else if (message.type === 'done') {
        done = true;
        if (++finished === workers.length) {
          over = true;
          handlers.done();
        }
      } else handlers.message(message as M, index);
    });
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => {
      settled[index] = true;
      if (!done) fail(new Error(`${what}: a worker thread exited (code ${code}) before its episodes were done`));
    });
  });
  return end;
}

/** An agent's refusal of its options, which came from --agent-options, as the CliError saying so. */
export function agentOptionsRefusal(error: KwargsError): CliError {
  return new CliError(`--agent-options: ${error.owner}: invalid ${error.what}: ${issueLines(error.issues, error.schema).join('; ')}`);
}

/** `error`, met in a worker, as it crosses to the main thread (see {@link rebuiltError}). */
export function carriedError(error: unknown): CarriedError {
  if (error instanceof KwargsError) error = agentOptionsRefusal(error);
  if (error instanceof CliError) return { kind: 'cli', message: error.message, user: true, exitCode: error.exitCode };
  const plain = (cause: unknown) => ({ message: cause instanceof Error ? cause.message : String(cause), stack: cause instanceof Error ? cause.stack : undefined, user: isUserError(cause) });
  if (error instanceof AgentEpisodeError) return { kind: 'episode', ...plain(error.cause), agent: error.agent, seed: error.seed, slot: error.slot, trace: error.trace };
  if (error instanceof AgentCreationError) return { kind: 'creation', ...plain(error.cause), agent: error.agent };
  return { kind: 'other', ...plain(error) };
}

/** The error a worker met as the single-thread run would throw it. */
export function rebuiltError(carried: CarriedError): Error {
  if (carried.kind === 'cli') return new CliError(carried.message, carried.exitCode);
  const cause = carried.user ? new GymError(carried.message) : Object.assign(new Error(carried.message), { stack: carried.stack });
  if (carried.kind === 'episode') return new AgentEpisodeError(carried.agent!, carried.seed!, cause, carried.slot, carried.trace);
  if (carried.kind === 'creation') return new AgentCreationError(carried.agent!, cause);
  return cause;
}

/**
 * What a worker does first: its warnings sent to the main thread (which prints each once), the
 * learned agents registered and the user's `--import` modules imported, as in the main thread.
 */
export async function prepareWorker(modules: readonly ImportedModule[]): Promise<void> {
  setWarningHandler((message) => parentPort!.postMessage({ type: 'warning', message }));
  registerLearnedAgentsLazily();
  await reimportUserModules(modules);
  parentPort!.postMessage({ type: 'prepared' } satisfies WorkerMessage<never>);
}

/** Indices 0..count-1 dealt round-robin into `jobs` shares (fewer when there are fewer items), each in order. */
export function dealRoundRobin(count: number, jobs: number): number[][] {
  const shares = Array.from({ length: Math.min(jobs, count) }, (): number[] => []);
  for (let i = 0; i < count; i++) shares[i % shares.length]!.push(i);
  return shares;
}

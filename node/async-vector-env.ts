/**
 * gymnasium.vector.AsyncVectorEnv on `worker_threads`: one worker per env, stepped in parallel.
 * The API is synchronous and identical to `SyncVectorEnv` (same batching, autoreset modes,
 * partial resets with `reset_mask`, info masks): `step` posts every env its action, then blocks
 * on `Atomics.wait` until each worker has replied. Worth it when one env step costs much more
 * than a message round trip (tens of microseconds); for CartPole-sized envs use `SyncVectorEnv`.
 *
 * Envs are built in the workers from recipes (`{id, kwargs}`), since functions cannot cross
 * threads; `imports` lets a worker load modules that register custom ids (the warnings of the
 * imports and make are reported in the main thread, each once, a failed worker's too). `getAttr`, `setAttr`
 * and `call` reach each env through its wrappers in its worker, as `SyncVectorEnv`'s do; what
 * they send and return must be plain data or a space (see worker-values.ts), as must the
 * recipes and the reset options.
 *
 * @example
 * const envs = new AsyncVectorEnv(Array.from({ length: 2 }, () => ({ id: 'CartPole-v1' })));
 * const [obs] = envs.reset({ seed: 0 });
 * envs.step(Int32Array.of(0, 1));
 * envs.close(); // or build it with `using envs = ...`, which closes it at the end of the block
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { checkResetArgs, type Info } from '../env/core/env.ts';
import { AttributeRefusedError, EnvCheckError, GymError, InvalidActionError, InvalidArgumentError, ResetNeededError, SpaceError, UnregisteredEnvError } from '../env/core/errors.ts';
import { formatValue } from '../env/core/format.ts';
import { warn } from '../env/core/logger.ts';
import type { Space } from '../env/spaces/space.ts';
import { spaceFromJSON } from '../env/spaces/from-json.ts';
import { batchSpace, copyBatch, createBatch, readCheckedActions, writeBatchItem } from '../env/vector/batch.ts';
import { addInfo } from '../env/vector/infos.ts';
import { assertNoEndedEnvs, splitResetOptions } from '../env/vector/reset-mask.ts';
import { checkAutoresetMode, checkCopyOption, vectorSeeds, type AutoresetMode, type VectorEnv, type VectorResetArgs, type VectorResetResult, type VectorStepResult } from '../env/vector/vector-env.ts';
import type { EnvRecipe, Reply, Request } from './async-vector-protocol.ts';
import { assertSendable, carry, uncarry, type Carried } from './worker-values.ts';
import { tsxApiUrl } from './tsx-api.ts';

export type { EnvRecipe } from './async-vector-protocol.ts';

/**
 * Options of `new AsyncVectorEnv(recipes, options)` (Gymnasium's `copy` and `autoreset_mode`, and a
 * reply timeout).
 */
export interface AsyncVectorEnvOptions {
  /** Return a fresh observation batch each call (default) rather than the internal buffer. */
  copy?: boolean;
  /** Longest wait for any worker reply, ms (a hung or crashed worker fails instead of blocking forever; the vector env is then unusable but for `close`). */
  timeoutMs?: number;
  /** How ended envs are reset (default `'next-step'`, Gymnasium's default). */
  autoresetMode?: AutoresetMode;
}

/** Bootstraps a worker through tsx's loader, so the worker can import TypeScript sources. */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi)
  .then((tsx) => { tsx.register(); return import(workerData.workerUrl); })
  .catch((error) => {
    workerData.port.postMessage({ type: 'error', name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: error?.stack });
    const flag = new Int32Array(workerData.flags);
    Atomics.store(flag, workerData.index, 1);
    Atomics.notify(flag, workerData.index);
  });
`;

const ERROR_TYPES: Record<string, new (message: string) => Error> = { InvalidActionError, ResetNeededError, UnregisteredEnvError, AttributeRefusedError, InvalidArgumentError, SpaceError, GymError, TypeError, RangeError };

/**
 * A worker's error `reply` for env `i`, of its class here: an EnvCheckError keeps its `check`;
 * a GymError of another class (a KwargsError, whose issues do not cross threads, or an env's
 * own) comes back as the GymError it extends. Its stack holds the worker's frames (where the env
 * threw), then the main thread's (where the call was made), as a SyncVectorEnv's error would.
 */
function workerError(reply: Extract<Reply, { type: 'error' }>, i: number): Error {
  const message = `AsyncVectorEnv env ${i}: ${reply.message}`;
  const ErrorType = ERROR_TYPES[reply.name] ?? (reply.gymError ? GymError : Error);
  const error = reply.check !== undefined ? Object.assign(new EnvCheckError(reply.check, ''), { message }) : new ErrorType(message);
  error.stack = [`${error.name}: ${message}`, ...stackFrames(reply.stack), ...stackFrames(error.stack)].join('\n');
  return error;
}

/** The `at ...` lines of a stack (those after its message, which may have lines of its own). */
function stackFrames(stack: string | undefined): string[] {
  return (stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
}

/** What an unclosed vector env leaves running: its workers and its ends of their ports. */
interface WorkerThreads {
  readonly workers: readonly Worker[];
  readonly ports: readonly MessagePort[];
}

function endWorkers({ workers, ports }: WorkerThreads): void {
  for (const port of ports) port.close();
  for (const worker of workers) void worker.terminate();
}

/**
 * Ends the workers of a vector env that became unreachable unclosed (as Gymnasium's `__del__`
 * closes it): `unref` only lets the process exit, and each worker holds its own heap until then.
 * Its held value must not reach the env, or the env would never become unreachable.
 */
const unclosedEnvs = new FinalizationRegistry<WorkerThreads>(endWorkers);

/**
 * Envs stepped in parallel, one `worker_threads` worker each (gymnasium.vector.AsyncVectorEnv),
 * with `SyncVectorEnv`'s synchronous API and batching. Envs are built in the workers from recipes
 * (`{id, kwargs}`); worth it only when an env step costs much more than a message round trip. Node
 * only (`bdt-gym/node`).
 */
export class AsyncVectorEnv<BObs = unknown, BAct = unknown> implements VectorEnv<BObs, BAct> {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly observationSpace: Space<BObs>;
  readonly actionSpace: Space<BAct>;
  readonly autoresetMode: AutoresetMode;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly flags: Int32Array;
  private readonly copy: boolean;
  private readonly timeoutMs: number;
  private readonly observations: BObs;
  /** Which envs ended on their last step and were not reset since (the `disabled` mode's guard). */
  private readonly ended: Uint8Array;
  private readonly allEnvs: readonly number[];
  private closed = false;
  /** Why the workers were ended while the vector env was open (a timeout): every call but close is then refused. */
  private broken: string | undefined;

  constructor(recipes: readonly EnvRecipe[], options: AsyncVectorEnvOptions = {}) {
    if (!Array.isArray(recipes) || recipes.length === 0) throw new GymError('AsyncVectorEnv: needs at least one env recipe');
    recipes.forEach((recipe, i) => {
      if (typeof recipe !== 'object' || recipe === null || typeof recipe.id !== 'string') throw new GymError(`AsyncVectorEnv: recipe ${i} must be { id, kwargs? } with a registered id, got ${formatValue(recipe)}`);
      assertSendable(recipe, `recipes[${i}]`, 'AsyncVectorEnv');
    });
    this.numEnvs = recipes.length;
    this.autoresetMode = checkAutoresetMode(options.autoresetMode ?? 'next-step', 'AsyncVectorEnv');
    this.allEnvs = Array.from({ length: this.numEnvs }, (_, i) => i);
    this.ended = new Uint8Array(this.numEnvs);
    this.copy = checkCopyOption(options.copy, 'AsyncVectorEnv');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    // NaN would make Atomics.wait wait forever: the very hang the option is for
    if (!(typeof this.timeoutMs === 'number' && this.timeoutMs > 0 && this.timeoutMs <= 2 ** 31)) throw new GymError(`AsyncVectorEnv: timeoutMs = ${formatValue(options.timeoutMs)} must be a number of ms in (0, 2^31]`);
    const shared = new SharedArrayBuffer(4 * this.numEnvs);
    this.flags = new Int32Array(shared);
    const workerUrl = new URL('./async-vector-worker.ts', import.meta.url).href;
    const tsxApi = tsxApiUrl('esm');
    recipes.forEach((recipe, index) => {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { recipe, index, flags: shared, port: port2, workerUrl, tsxApi, autoresetMode: this.autoresetMode }, transferList: [port2] });
      worker.unref(); // an unclosed vector env must not keep the process alive
      this.workers.push(worker);
      this.ports.push(port1);
    });
    unclosedEnvs.register(this, { workers: this.workers, ports: this.ports }, this);
    try {
      const warnings: string[] = [];
      const gather = (reply: { warnings?: string[] }): void => void warnings.push(...(reply.warnings ?? []));
      let ready: Array<Extract<Reply, { type: 'ready' }>>;
      try {
        ready = this.collect('ready', this.allEnvs, gather, gather);
      } finally {
        for (const message of new Set(warnings)) warn(message); // once, not once per worker; a failed worker's too, before its error
      }
      const first = ready[0]!;
      ready.forEach((r, i) => {
        if (JSON.stringify(r.observationSpace) !== JSON.stringify(first.observationSpace) || JSON.stringify(r.actionSpace) !== JSON.stringify(first.actionSpace)) {
          throw new GymError(`AsyncVectorEnv: env ${i} (${r.specId}) has different spaces from env 0 (${first.specId})`);
        }
      });
      this.singleObservationSpace = spaceFromJSON(first.observationSpace);
      this.singleActionSpace = spaceFromJSON(first.actionSpace);
      this.observationSpace = batchSpace(this.singleObservationSpace, this.numEnvs, 'AsyncVectorEnv: the observation space') as Space<BObs>;
      this.actionSpace = batchSpace(this.singleActionSpace, this.numEnvs, 'AsyncVectorEnv: the action space') as Space<BAct>;
      this.observations = createBatch(this.singleObservationSpace, this.numEnvs) as BObs;
    } catch (error) {
      this.terminate(); // a refused vector env leaves no worker running
      throw error;
    }
  }

  /** Resets every env, or only those marked by `options.reset_mask` (see `VectorResetArgs`). */
  reset(args: VectorResetArgs = {}): VectorResetResult<BObs> {
    this.assertOpen('reset');
    checkResetArgs(args, 'AsyncVectorEnv.reset');
    const seeds = vectorSeeds(args.seed, this.numEnvs, 'AsyncVectorEnv');
    const { mask, envOptions } = splitResetOptions(args.options, this.numEnvs, 'AsyncVectorEnv');
    assertSendable(envOptions, 'options', 'AsyncVectorEnv.reset');
    const targets = mask === undefined ? this.allEnvs : this.allEnvs.filter((i) => mask[i] === 1);
    for (const i of targets) this.send(i, { type: 'reset', args: { ...(seeds[i] === undefined ? {} : { seed: seeds[i]! }), ...(envOptions ? { options: envOptions } : {}) } });
    const infos: Info = {};
    this.collect('reset', targets, (r, i) => {
      writeBatchItem(this.singleObservationSpace, this.observations, i, r.obs);
      addInfo(infos, r.info, i, this.numEnvs);
      this.ended[i] = 0;
    });
    return [this.copy ? copyBatch(this.observations) : this.observations, infos];
  }

  /**
   * Posts every env its action, then blocks until every worker has replied (or `timeoutMs` passes);
   * ended envs are reset as `autoresetMode` says.
   */
  step(actions: BAct | ArrayLike<number>): VectorStepResult<BObs> {
    this.assertOpen('step');
    if (this.autoresetMode === 'disabled') assertNoEndedEnvs(this.ended, 'AsyncVectorEnv');
    // the batch is checked before any action is sent, so a call refused here leaves every env as it was (a Box part's bounds are each env's to judge)
    const envActions = readCheckedActions(this.singleActionSpace, actions, this.numEnvs, 'AsyncVectorEnv', this.autoresetMode === 'next-step' ? this.ended : undefined);
    for (let i = 0; i < this.numEnvs; i++) this.send(i, { type: 'step', action: envActions[i] });
    const rewards = new Float64Array(this.numEnvs);
    const terminated = new Uint8Array(this.numEnvs);
    const truncated = new Uint8Array(this.numEnvs);
    const infos: Info = {};
    this.collect('step', this.allEnvs, (r, i) => {
      writeBatchItem(this.singleObservationSpace, this.observations, i, r.obs);
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      this.ended[i] = terminated[i]! | truncated[i]!;
      if (r.final) addInfo(infos, { final_obs: r.final.obs, final_info: r.final.info }, i, this.numEnvs);
      addInfo(infos, r.info, i, this.numEnvs);
    });
    return [this.copy ? copyBatch(this.observations) : this.observations, rewards, terminated, truncated, infos];
  }

  /**
   * The attribute `name` of each env, through its wrappers (Gymnasium's `get_attr`): plain data
   * arrives as a copy, a space rebuilt from its JSON; a method or any other value that cannot
   * leave its worker is refused (see worker-values.ts).
   */
  getAttr(name: string): unknown[] {
    this.assertOpen('getAttr');
    for (const i of this.allEnvs) this.send(i, { type: 'getAttr', name });
    return this.collect('getAttr').map((r) => uncarry(r.value));
  }

  /**
   * Sets the attribute `name` of each env through its wrappers (Gymnasium's `set_attr`):
   * `values` holds one value per env, or is one value for all when not an array. Each env gets
   * a copy; every value is checked before any is sent, so a refused call sets nothing.
   */
  setAttr(name: string, values: unknown): void {
    this.assertOpen('setAttr');
    if (Array.isArray(values) && values.length !== this.numEnvs) throw new InvalidArgumentError(`AsyncVectorEnv.setAttr: got ${values.length} values for ${this.numEnvs} envs`);
    const carried = Array.isArray(values)
      ? values.map((value, i) => carry(value, `values[${i}]`, `AsyncVectorEnv.setAttr("${name}") for env ${i}`))
      : new Array<Carried>(this.numEnvs).fill(carry(values, 'value', `AsyncVectorEnv.setAttr("${name}")`));
    for (const i of this.allEnvs) this.send(i, { type: 'setAttr', name, value: carried[i]! });
    this.collect('setAttr');
  }

  /**
   * Calls the method `name` of each env through its wrappers with (copies of) `args` and returns
   * the results; a non-function attribute is returned as is (Gymnasium's `call`). As Gymnasium,
   * `reset`, `step` and `close` are refused: the vector env's own methods keep its autoreset
   * state and observation batch, which a call would bypass.
   */
  call(name: string, ...args: unknown[]): unknown[] {
    this.assertOpen('call');
    if (name === 'reset' || name === 'step' || name === 'close') {
      throw new GymError(`AsyncVectorEnv.call("${name}"): use envs.${name}() itself; a ${name} through call would bypass the vector env's autoreset state and observation batch`);
    }
    const carried = args.map((arg, k) => carry(arg, `args[${k}]`, `AsyncVectorEnv.call("${name}")`));
    for (const i of this.allEnvs) this.send(i, { type: 'call', name, args: carried });
    return this.collect('call').map((r) => uncarry(r.value));
  }

  /** This vector env itself (Gymnasium's `VectorEnv.unwrapped`). */
  get unwrapped(): this {
    return this;
  }

  /** Closes the envs in their workers and ends the workers; safe twice, and after a timeout. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.broken !== undefined) return; // its workers are already ended
    try {
      for (const i of this.allEnvs) this.send(i, { type: 'close' });
      this.collect('closed');
    } finally {
      this.terminate();
    }
  }

  /** `using envs = new AsyncVectorEnv(...)` closes it at the end of the block (Python's `with AsyncVectorEnv(...) as envs`). */
  [Symbol.dispose](): void {
    this.close();
  }

  private terminate(): void {
    unclosedEnvs.unregister(this);
    endWorkers({ workers: this.workers, ports: this.ports });
  }

  private assertOpen(method: string): void {
    if (this.closed) throw new GymError(`AsyncVectorEnv.${method}: the vector env is closed`);
    if (this.broken !== undefined) throw new GymError(`AsyncVectorEnv.${method}: the vector env is unusable since ${this.broken}; its workers were ended: close() it and build a new one`);
  }

  /**
   * Ends every worker and refuses all further calls but close, as Gymnasium's AsyncVectorEnv
   * must be closed after a timeout: the late reply would otherwise be read as the answer to the
   * next request, and every later call would get the previous call's results.
   */
  private breakDown(why: string): never {
    this.broken = why;
    this.terminate();
    throw new GymError(`AsyncVectorEnv: ${why}; every worker was ended, since a late reply would be read as the answer to the next request: the vector env is unusable but for close()`);
  }

  private send(i: number, request: Request): void {
    Atomics.store(this.flags, i, 0);
    this.ports[i]!.postMessage(request);
  }

  /**
   * Waits for one reply from each worker in `envs` (every worker by default) and returns them in
   * that order, after passing each to `apply` with its env index; rethrows the first worker error
   * with its env index once every reply is in and the good ones applied (the workers that
   * answered did step or reset, as SyncVectorEnv's envs before the failing one), each error reply
   * passed to `onError` first. A timeout ends the workers (see `breakDown`).
   */
  private collect<T extends Reply['type']>(
    type: T,
    envs: readonly number[] = this.allEnvs,
    apply?: (reply: Extract<Reply, { type: T }>, i: number) => void,
    onError?: (reply: Extract<Reply, { type: 'error' }>) => void,
  ): Array<Extract<Reply, { type: T }>> {
    const replies: Array<Extract<Reply, { type: T }>> = [];
    let failure: Error | undefined;
    for (const i of envs) {
      if (Atomics.wait(this.flags, i, 0, this.timeoutMs) === 'timed-out') this.breakDown(`env ${i} did not answer "${type}" within ${this.timeoutMs} ms`);
      const reply = this.receive(i);
      if (reply === undefined) this.breakDown(`env ${i} raised its flag for "${type}" but no reply arrived within ${this.timeoutMs} ms`);
      if (reply.type === 'error') {
        failure ??= workerError(reply, i);
        onError?.(reply);
      } else if (reply.type !== type) {
        this.breakDown(`env ${i} answered "${reply.type}" to "${type}"`);
      } else {
        replies.push(reply as Extract<Reply, { type: T }>);
        try {
          apply?.(reply as Extract<Reply, { type: T }>, i);
        } catch (error) {
          failure ??= error as Error; // thrown once the other replies are read, or they would answer the next call
        }
      }
    }
    if (failure) throw failure;
    return replies;
  }

  /**
   * The reply of worker `i`, whose flag is up. Under load the message can become visible a
   * moment after the flag, so poll briefly (1 ms sleeps on the raised flag) instead of failing.
   * babel/babel#14541 reports the same symptom with the same Atomics + receiveMessageOnPort
   * pattern and works around it the same way; its cause was not settled there (a Node maintainer
   * replied that postMessage is synchronous).
   */
  private receive(i: number): Reply | undefined {
    const deadline = Date.now() + this.timeoutMs;
    let received = receiveMessageOnPort(this.ports[i]!);
    while (received === undefined && Date.now() < deadline) {
      Atomics.wait(this.flags, i, 1, 1);
      received = receiveMessageOnPort(this.ports[i]!);
    }
    return received?.message as Reply | undefined;
  }

  toString(): string {
    return `AsyncVectorEnv(numEnvs=${this.numEnvs})`;
  }
}

/**
 * The worker side of `AsyncVectorEnv`: builds one env from its recipe, then answers requests
 * (reset, step with the vector env's autoreset mode, getAttr, setAttr and call through the env's
 * wrappers, close) on its port, raising its flag after each reply.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { make } from '../env/registration.ts';
import '../env/envs.ts';
import type { Env } from '../env/core/env.ts';
import { RecordEpisodeStatistics } from '../env/wrappers/record-episode-statistics.ts';
import { EnvCheckError, GymError, UnregisteredEnvError } from '../env/core/errors.ts';
import { copyBatch } from '../env/vector/batch.ts';
import { callThroughWrappers } from '../env/vector/call-through-wrappers.ts';
import { setWarningHandler } from '../env/core/logger.ts';
import type { Reply, Request, WorkerInit } from './async-vector-protocol.ts';
import { assertSendable, carry, compactViews, uncarry } from './worker-values.ts';
import { importFailure, modulePath } from './import-failure.ts';

const { recipe, index, flags, port, autoresetMode } = workerData as WorkerInit & { port: MessagePort };
const flag = new Int32Array(flags);

function reply(message: Reply): void {
  try {
    port.postMessage(compactViews(message));
  } catch (error) {
    // a DataCloneError only says "could not be cloned": name the part (`info.explain is a
    // function`). Checked only on failure, so a step pays no walk over its info.
    const { type, ...parts } = message;
    for (const [key, value] of Object.entries(parts)) assertSendable(value, key, `${type}`);
    throw error;
  }
  Atomics.store(flag, index, 1);
  Atomics.notify(flag, index);
}

function replyError(error: unknown, warnings?: string[]): void {
  const e = error instanceof Error ? error : new Error(String(error));
  reply({ type: 'error', name: e.name, message: e.message, stack: e.stack, gymError: e instanceof GymError, ...(e instanceof EnvCheckError ? { check: e.check } : {}), ...(warnings ? { warnings } : {}) });
}

/** Imports the recipe's module `url`, or throws a GymError naming it, where it threw and why (as `bdt-gym --import`), with the module's stack. */
async function importRecipeModule(url: string): Promise<void> {
  try {
    await import(url);
  } catch (error) {
    const failure = new GymError(`importing ${url}: ${importFailure(error, modulePath(url))}`);
    if (error instanceof Error && error.stack !== undefined) failure.stack = error.stack; // its frames, not this function's
    throw failure;
  }
}

/**
 * The recipe's env. A worker has a registry of its own, holding the built-in ids and what the
 * recipe's imports register: an id registered in the main thread is missing here, and the error
 * says where its registration must go.
 */
function makeFromRecipe(): Env {
  try {
    return make(recipe.id, recipe.kwargs ?? {}, recipe.makeOptions ?? {});
  } catch (error) {
    if (!(error instanceof UnregisteredEnvError)) throw error;
    throw new UnregisteredEnvError(`${error.message}. If the main thread registers ${JSON.stringify(recipe.id)}: AsyncVectorEnv's workers do not see its registrations; put the module that registers it in the recipe's imports (its URL, e.g. imports: [new URL('./my-envs.ts', import.meta.url).href]), and each worker imports it before make`);
  }
}

let env: Env;
/** Next-step mode: the last step ended the episode, so the next step resets instead. */
let autoreset = false;

/**
 * Builds the env and says `ready` (or why not), then answers requests. The imports' and make's
 * warnings (an unversioned id's latest version) go to the main thread, which reports each once,
 * through its own handler, rather than every worker printing its own.
 */
async function start(): Promise<void> {
  const warnings: string[] = [];
  const consoleHandler = setWarningHandler((message) => warnings.push(message));
  try {
    for (const url of recipe.imports ?? []) await importRecipeModule(url);
    env = makeFromRecipe();
    if (recipe.recordEpisodeStatistics) env = new RecordEpisodeStatistics(env);
    setWarningHandler(consoleHandler);
    reply({ type: 'ready', observationSpace: env.observationSpace.toJSON(), actionSpace: env.actionSpace.toJSON(), specId: env.spec?.id, warnings });
  } catch (error) {
    setWarningHandler(consoleHandler);
    replyError(error, warnings); // they may say why it failed (an unversioned id resolved to a version refusing its kwargs)
  }
  port.on('message', answer);
}

/** Answers one request of the main thread, on the env built. */
function answer(request: Request): void {
  try {
    switch (request.type) {
      case 'reset': {
        const [obs, info] = env.reset(request.args);
        autoreset = false;
        reply({ type: 'reset', obs, info });
        break;
      }
      case 'step': {
        if (autoresetMode === 'next-step' && autoreset) {
          const [obs, info] = env.reset();
          autoreset = false;
          reply({ type: 'step', obs, reward: 0, terminated: false, truncated: false, info });
          break;
        }
        const [obs, reward, terminated, truncated, info] = env.step(request.action);
        if (autoresetMode === 'same-step' && (terminated || truncated)) {
          // Copied before the reset: an env may reuse its observation object.
          const final = { obs: copyBatch(obs), info };
          const [resetObs, resetInfo] = env.reset();
          reply({ type: 'step', obs: resetObs, reward, terminated, truncated, info: resetInfo, final });
        } else {
          autoreset = terminated || truncated;
          reply({ type: 'step', obs, reward, terminated, truncated, info });
        }
        break;
      }
      case 'getAttr': {
        const value = env.getWrapperAttr(request.name);
        if (typeof value === 'function') throw new GymError(`getAttr("${request.name}"): it is a method, which cannot leave the worker; call it with call("${request.name}", ...args)`);
        reply({ type: 'getAttr', value: carry(value, request.name, `getAttr("${request.name}")`) });
        break;
      }
      case 'setAttr':
        env.setWrapperAttr(request.name, uncarry(request.value));
        reply({ type: 'setAttr' });
        break;
      case 'call': {
        const result = callThroughWrappers(env, request.name, request.args.map(uncarry));
        reply({ type: 'call', value: carry(result, 'result', `call("${request.name}")`) });
        break;
      }
      case 'close':
        env?.close();
        reply({ type: 'closed' });
        port.close();
        break;
    }
  } catch (error) {
    replyError(error);
  }
}

// Not awaited at the top level: V8 aborts the whole process when a worker is terminated during a
// module's top-level await (nodejs/node#43182), which is where this worker would spend its life.
void start();

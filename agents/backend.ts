/**
 * TensorFlow.js backend choice. The fastest available wins: tfjs-node (`tensorflow`, native
 * libtensorflow) when the optional package is installed, else WebAssembly (`wasm`, XNNPACK with
 * SIMD), else the pure-JS `cpu` backend. `preferred` forces one and fails if it cannot start.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, isBackendName, type BackendName } from './backend-names.ts';

export { BACKENDS, isBackendName, type BackendName } from './backend-names.ts';

/** Registers `name`'s kernels (dynamic import, so a missing optional package is not fatal). */
async function registerBackend(name: BackendName): Promise<void> {
  switch (name) {
    case 'tensorflow':
      // Optional dependency; its package name is kept in a variable so bundlers and the
      // typechecker do not require it to be installed.
      await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
      return;
    case 'wasm':
      // In Node the .wasm binaries load from the package's own dist/ folder: no setWasmPaths needed.
      await import('@tensorflow/tfjs-backend-wasm');
      return;
    case 'cpu':
      return; // bundled with @tensorflow/tfjs
  }
}

async function tryBackend(name: BackendName): Promise<string | undefined> {
  const restoreListeners = keepProcessErrorListeners();
  try {
    await registerBackend(name);
    if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') returned false`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    restoreListeners();
  }
}

const PROCESS_ERROR_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * The wasm backend's Emscripten glue adds process listeners that rethrow every uncaught error
 * from inside its one-line minified source, so Node prints that ~35 kB line above the real
 * error. The returned function removes whatever listeners were added since this call (Node's
 * own handling of both events is the same error, without the noise). No-op outside Node.
 */
function keepProcessErrorListeners(): () => void {
  const events = (globalThis as { process?: NodeJS.EventEmitter }).process;
  if (typeof events?.listeners !== 'function') return () => {};
  const before = PROCESS_ERROR_EVENTS.map((event) => new Set(events.listeners(event)));
  return () => {
    PROCESS_ERROR_EVENTS.forEach((event, k) => {
      for (const listener of events.listeners(event)) if (!before[k]!.has(listener)) events.off(event, listener as (...args: unknown[]) => void);
    });
  };
}

/** The backend last started by name: later calls without one keep it while it runs. */
let chosen: BackendName | undefined;
/** The calls so far, settled or not: each starts after the one before settles. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Start a backend and return its name. Without `preferred`, keeps a backend an earlier call
 * started by name (`initBackend('cpu')`, then `createAgent('ppo', ...)`, stays on cpu), else tries
 * {@link BACKENDS} in order and takes the first that starts; with it, starts exactly that one or
 * throws saying why not. Calls take turns (two at once raced, both answering while one ran), so
 * each answers the backend running when it settles.
 */
export function initBackend(preferred?: BackendName): Promise<BackendName> {
  return inTurn(() => startBackend(preferred));
}

/**
 * The running backend, or else the fastest one started as by `initBackend()`: what loading and
 * training do first, so that code which never called initBackend does not run on TF.js's
 * default, the slow `cpu` backend. A backend chosen already (an earlier initBackend, the user's
 * `tf.setBackend('cpu')`) is kept. Takes its turn with initBackend's calls.
 */
export function initBackendUnlessChosen(): Promise<string> {
  return inTurn(() => {
    // undefined until a backend is set, or a first op makes TF.js start its default; reading it starts none
    const current: string | undefined = tf.getBackend();
    return current ?? startBackend(undefined);
  });
}

/** `start` run once the calls queued before it have settled; the next call waits for this one. */
function inTurn<T>(start: () => T | Promise<T>): Promise<T> {
  const started = queue.then(start);
  queue = started.catch(() => undefined);
  return started;
}

/**
 * The cpu backend's first tensor prints TF.js's banner advising, in Node, to install its node
 * backend (a console.warn of tfjs-core's, which it skips in production mode): when cpu was chosen
 * by name, that first tensor is made here with the PROD flag set for it alone, then put back, so
 * TF.js's other warnings still print. (PROD changes nothing else in this TF.js: it only quiets
 * tfjs-core's warn and log.)
 */
function quietCpuBanner(): void {
  const prod = tf.env().getBool('PROD');
  tf.env().set('PROD', true);
  try {
    tf.scalar(0).dispose();
  } finally {
    tf.env().set('PROD', prod);
  }
}

async function startBackend(preferred: BackendName | undefined): Promise<BackendName> {
  if (preferred !== undefined) {
    if (tf.getBackend() !== preferred) {
      const failure = await tryBackend(preferred);
      if (failure !== undefined) throw new Error(`TensorFlow.js backend '${preferred}' is unavailable: ${failure}`);
    }
    if (preferred === 'cpu') quietCpuBanner();
    chosen = preferred;
    return preferred;
  }
  const current = tf.getBackend();
  if (chosen !== undefined && current === chosen) return chosen;
  if (current !== undefined && isBackendName(current) && current !== 'cpu') return current;
  for (const name of BACKENDS) {
    if ((await tryBackend(name)) === undefined) return name;
  }
  throw new Error('no TensorFlow.js backend could start (tried tensorflow, wasm, cpu)');
}

/** The TensorFlow.js backends bdt-gym can start, by name (without loading TensorFlow.js: the CLI checks `--backend` first). */

/** Backends this package knows how to start, fastest first. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
/**
 * A TensorFlow.js backend name: `'tensorflow'` (tfjs-node, native), `'wasm'` or `'cpu'` (pure
 * JavaScript).
 */
export type BackendName = (typeof BACKENDS)[number];

/** Whether `name` is one of {@link BACKENDS}. */
export function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}
